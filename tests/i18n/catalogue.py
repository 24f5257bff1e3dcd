"""The Spanish catalogue read as data, without gettext's tools (CI may lack them)."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    context: str | None = None


def entries(path: Path = PO) -> list[Entry]:
    """Every entry but the header, with its flags (#, fuzzy, python-format)."""
    found: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) (\".*\")$", line
            ):
                key = (match.group(1), int(match.group(2) or 0))
                _add(entry, key, ast.literal_eval(match.group(3)))
            elif line.startswith('"') and key:
                _add(entry, key, ast.literal_eval(line))
        if entry.msgid:
            found.append(entry)
    return found


def _add(entry: Entry, key: tuple[str, int], text: str) -> None:
    name, index = key
    if name == "msgid":
        entry.msgid += text
    elif name == "msgid_plural":
        entry.plural = (entry.plural or "") + text
    elif name == "msgctxt":
        entry.context = (entry.context or "") + text
    else:
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
