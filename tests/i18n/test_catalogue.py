"""The Spanish catalogue is complete, compiled from what is committed, and current with
the code: `make messages` (makemessages + compilemessages) leaves nothing to do."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.catalogue import MO, PO, entries

PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
MARKUP = re.compile(r"<[^>]+>")


def test_every_entry_is_translated_and_none_is_fuzzy():
    found = entries()
    assert len(found) > 800
    assert [e.msgid for e in found if "fuzzy" in e.flags] == []
    assert [e.msgid for e in found if not all(e.msgstr.values()) or not e.msgstr] == []


def test_translations_keep_their_placeholders_and_markup():
    for entry in entries():
        for text in entry.msgstr.values():
            # A translation may leave a placeholder out (Spanish needs no plural "s"),
            # never bring one the code does not fill.
            assert set(PLACEHOLDERS.findall(text)) <= set(
                PLACEHOLDERS.findall(entry.msgid + (entry.plural or ""))
            ), entry.msgid
            assert sorted(MARKUP.findall(text)) == sorted(MARKUP.findall(entry.msgid)), entry.msgid


def test_the_forum_notice_is_translated_from_the_verbatim_english():
    notice = {e.msgid: e.msgstr[0] for e in entries()}[settings.FORUM_NOTICE]
    assert settings.FORUM_NOTICE == (
        "Please remain authentic and respectful. Aposbook does not endorse any comment and "
        "is not responsible for any wrong information provided by users."
    )
    assert notice.startswith("Por favor, sé auténtico y respetuoso.")


def test_compiled_catalogue_is_the_committed_po():
    with MO.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    expected = {}
    for entry in entries():
        # gettext keys a message with a context as "context\x04msgid".
        msgid = f"{entry.context}\x04{entry.msgid}" if entry.context else entry.msgid
        if entry.plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(msgid, index)] = text
    compiled_messages = {key: value for key, value in catalog.items() if key != ""}
    assert compiled_messages == expected


def _gettext_tools() -> bool:
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return True
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail("gettext (xgettext, msgfmt) is missing; .ci/run installs it")
    pytest.skip("gettext is not installed (apt-get install gettext)")


def test_makemessages_finds_nothing_new(tmp_path):
    """Run makemessages on a copy of the project: the catalogue it makes has exactly
    the committed messages (a string marked since, or one no longer used, fails)."""
    _gettext_tools()
    base = Path(settings.BASE_DIR)
    for name in ("aposbook", "articles", "forum", "templates", "locale"):
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(base / "manage.py", tmp_path)
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "aposbook.settings"}
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    made = tmp_path / PO.relative_to(base)
    key = lambda e: (e.context or "", e.msgid, e.plural or "")  # noqa: E731
    assert sorted(map(key, entries(made))) == sorted(map(key, entries()))
    assert [e.msgid for e in entries(made) if "fuzzy" in e.flags] == []
