"""The one stylesheet is merged from several branches: a lost brace silently unstyles
every rule after it (the queue lost its layout once)."""

from pathlib import Path

from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def test_site_css_has_no_merge_leftovers_and_balanced_braces():
    text = SITE_CSS.read_text()
    assert not [
        line for line in text.splitlines() if line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
    ]
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        starts_rule = line[:1] not in ("", " ", "}", "@", "/", "*") and line.rstrip().endswith("{")
        assert not (starts_rule and depth > 0), f"line {number} opens a rule inside another"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {number} closes more than it opened"
    assert depth == 0
