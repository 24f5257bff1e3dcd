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


# Past this a line is read by scrolling sideways, and a review diff shows one change
# as a wall. Where whitespace shows (email text, pre-wrap), a line ends in an empty
# {% comment %} block and goes on below; elsewhere it breaks inside a tag.
MAX_LINE = 160


def long_lines(root: Path) -> list[str]:
    """Every line of root's templates (HTML pages and email text) past MAX_LINE."""
    paths = sorted([*root.rglob("*.html"), *root.rglob("*.txt")])
    return [
        f"{path.relative_to(root)}:{number} ({len(line)} characters)"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > MAX_LINE
    ]


def test_no_template_line_is_longer_than_the_limit():
    assert list(TEMPLATES.rglob("*.txt"))  # the email bodies are read too
    assert long_lines(TEMPLATES) == []


def test_a_long_line_is_named_by_file_and_number(tmp_path):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "note.txt").write_text("Hello,\n" + "x" * (MAX_LINE + 1) + "\n")
    (tmp_path / "fine.html").write_text("<p>" + "x" * (MAX_LINE - 7) + "</p>\n")
    assert long_lines(tmp_path) == [f"email/note.txt:2 ({MAX_LINE + 1} characters)"]
