"""Template hygiene that Django does not check for us."""

from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_short_comment_closes_on_its_own_line():
    # Django's {# #} comments are single-line: one left open runs on as page text
    # (the moderation queue once showed its own template's notes to moderators).
    open_comments = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert list(TEMPLATES.rglob("*.html"))
    assert open_comments == []
