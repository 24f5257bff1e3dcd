"""Every piece of interface text in the templates is marked for translation: text
between tags, and the attributes people read (title, aria-label, placeholder, alt, the
meta description). A string left out of {% translate %} / {% blocktranslate %} fails
here, with its file and line, before a Spanish reader ever sees it in English."""

import re
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Stands for any template tag or variable: what they print is not this test's business.
MARK = "\x00"
LETTERS = re.compile(r"[A-Za-z]{2,}")
READ_ATTRIBUTES = re.compile(r'\b(title|aria-label|placeholder|alt)="([^"]*)"')
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')
# Text that is the same in every language: the product's name, citation prefixes,
# and class names in {% block main_class %}.
ALLOWED = {"AposBook", "doi:", "PubMed", "account account--entrance", "account account--manage"}
# allauth's element templates build tags from their parts (<{{ tag }} ...>): no text.
STRUCTURE_ONLY = ("allauth/elements/",)


def _visible_source(path: Path) -> list[tuple[int, str]]:
    """The template's text as (line, text), every tag and variable replaced by MARK
    and the content of translated blocks and comments dropped."""
    pieces: list[tuple[int, str]] = []
    closing = None
    for token in Lexer(path.read_text()).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            pieces.append((token.lineno, token.contents))
            continue
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0]
            if word in {"comment", "verbatim", "blocktranslate", "blocktrans"}:
                closing = "end" + word
        pieces.append((token.lineno, MARK))
    return pieces


def unmarked(path: Path) -> list[str]:
    joined = "".join(text for _, text in _visible_source(path))
    starts, offset = [], 0
    for line, text in _visible_source(path):
        starts.append((offset, line))
        offset += len(text)

    def line_at(position: int) -> int:
        start, line = max(((s, n) for s, n in starts if s <= position), default=(0, 1))
        return line + joined.count("\n", start, position)

    found = []
    text = joined
    if path.suffix == ".html":
        text = re.sub(
            r"<(script|style)\b.*?</\1>", lambda m: " " * len(m.group(0)), text, flags=re.DOTALL
        )
        for pattern in (READ_ATTRIBUTES, DESCRIPTION):
            for match in pattern.finditer(text):
                value = match.group(match.lastindex or 1)
                if LETTERS.search(value.replace(MARK, "")) and value.strip() not in ALLOWED:
                    found.append(f"{line_at(match.start())}: {value.strip()!r}")
        text = re.sub(r"<[^>]*>", lambda m: " " * len(m.group(0)), text)
        text = re.sub(r"&\w+;", " ", text)
    for match in re.finditer(r"[^\x00]+", text):
        words = match.group(0).strip()
        if LETTERS.search(words) and words not in ALLOWED:
            where = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            found.append(f"{line_at(where)}: {words[:80]!r}")
    return found


# A quoted literal in a tag or variable reads as prose: words with a space, or a
# capitalised word ("Pages"); formats, names and comparisons do not count.
LITERAL = re.compile(r"""(?<![\w(])(["'])((?:(?!\1).)*)\1""")
PROSE = re.compile(r"[A-Za-z][a-z]+ [A-Za-z]|^[A-Z][a-z]+")
NOT_TEXT_TAGS = {"url", "extends", "load", "static", "element", "querystring", "if", "elif"}
NOT_TEXT_BEFORE = re.compile(r"(date|time|==|!=|\bin|\bnot)\s*:?\s*$")


def unmarked_literals(path: Path) -> list[str]:
    """Prose in a quoted literal of a tag or variable that is not _("…") (include's
    heading="…", default:"…", yesno:"…"): printed as it is, never translated."""
    found = []
    for token in Lexer(path.read_text()).tokenize():
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        words = token.contents.split()
        if token.token_type == TokenType.BLOCK and (
            not words or words[0] in NOT_TEXT_TAGS or words[0].startswith(("trans", "blocktrans"))
        ):
            continue
        contents = token.contents
        if words and words[0] == "include":
            contents = contents.split(None, 2)[2] if len(words) > 2 else ""
        for match in LITERAL.finditer(contents):
            before = contents[: match.start()]
            if PROSE.search(match.group(2)) and not NOT_TEXT_BEFORE.search(before):
                found.append(f"{token.lineno}: {match.group(2)[:80]!r}")
    return found


def test_every_template_string_is_marked_for_translation():
    paths = sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")])
    assert paths
    problems = [
        f"{path.relative_to(TEMPLATES)}:{problem}"
        for path in paths
        if not str(path.relative_to(TEMPLATES)).startswith(STRUCTURE_ONLY)
        for problem in [*unmarked(path), *unmarked_literals(path)]
    ]
    assert problems == []


def test_an_unmarked_string_is_found(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<p title="Read me">{% translate "Marked" %} Forgotten words</p>'
        "{% blocktranslate %}Also marked {{ name }}{% endblocktranslate %}"
        "{% comment %}A note for developers{% endcomment %}<script>let words = 1;</script>"
        '{% include "x.html" with heading="Join us" label=_("Pages") %}'
        '{{ x|default:"Nothing yet" }}'
        '{{ when|date:"j F Y" }}{% if kind == "Other kind" %}{% endif %}'
    )
    assert unmarked(page) == ["1: 'Read me'", "1: 'Forgotten words'"]
    assert unmarked_literals(page) == ["1: 'Join us'", "1: 'Nothing yet'"]
