from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.content import ContentError, load_content_files, parse_content_file
from articles.models import Article, Category

# A verbatim copy of the customer's page text as they delivered it (shared/seed/).
SEED = Path(__file__).parent / "data" / "magnesium-for-fibromyalgia.txt"
CONTENT = Path(settings.CONTENT_DIR) / "magnesium-for-fibromyalgia.md"

GOOD = """---
category: Herbs
title: Ginger For Nausea
headline: What science says about Ginger For Nausea
published: 2023-05
---

Ginger has long been used for nausea.

## Supporting Views

Some trials help.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_content_file_keeps_every_paragraph_of_the_customers_article_verbatim():
    content = parse_content_file(CONTENT)
    seed_lines = [line.strip(" ") for line in SEED.read_text(encoding="utf-8").splitlines()]
    body_start = seed_lines.index("What science says about Magnesium For Fibromyalgia") + 1
    for line in seed_lines[body_start:]:
        if line.startswith("Disclaimer: "):
            assert content.disclaimer == line.removeprefix("Disclaimer: ")
            break
        if line.strip():
            assert line in content.body
    assert content.category == "Vitamins and Minerals"
    assert content.title == "Magnesium For Fibromyalgia"
    assert content.headline == "What science says about Magnesium For Fibromyalgia"
    assert content.published_on.isoformat() == "2024-10-01"


def test_seed_article_is_structured_into_the_three_sections():
    content = parse_content_file(CONTENT)
    headings = [line for line in content.body.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Supporting Views on Magnesium for Fibromyalgia",
        "## Skeptical Views on Magnesium for Fibromyalgia",
        "## Conclusion: What Science Thinks of Magnesium for Fibromyalgia",
    ]
    assert content.slug == "magnesium-for-fibromyalgia"


@pytest.mark.django_db
def test_load_content_creates_then_leaves_unchanged(capsys):
    call_command("load_content")
    article = Article.objects.get(slug="magnesium-for-fibromyalgia")
    assert article.category.name == "Vitamins and Minerals"
    assert article.category.slug == "vitamins-and-minerals"
    assert article.status == Article.Status.PUBLISHED
    assert article.toc[0]["title"].startswith("Supporting Views")
    first_update = article.updated_at
    call_command("load_content")
    assert "unchanged  magnesium-for-fibromyalgia" in capsys.readouterr().out
    assert Article.objects.count() == 1
    assert Category.objects.count() == 1
    article.refresh_from_db()
    assert article.updated_at == first_update


@pytest.mark.django_db
def test_reloading_an_unchanged_file_keeps_an_editors_admin_edit(tmp_path):
    path = write(tmp_path, "ginger-for-nausea.md", GOOD)
    load_content_files([path])
    Article.objects.filter(slug="ginger-for-nausea").update(reviewer_name="Dr. Editor")
    load_content_files([path])
    assert Article.objects.get(slug="ginger-for-nausea").reviewer_name == "Dr. Editor"


@pytest.mark.django_db
def test_a_changed_file_updates_its_article(tmp_path):
    path = write(tmp_path, "ginger-for-nausea.md", GOOD)
    load_content_files([path])
    write(tmp_path, "ginger-for-nausea.md", GOOD.replace("Some trials help.", "Two trials help."))
    [result] = load_content_files([path])
    assert result.outcome == "updated"
    assert "Two trials help." in Article.objects.get(slug="ginger-for-nausea").body_html


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no header at all\n", "must start with a '---' line"),
        ("---\ncategory: Herbs\n", "not closed"),
        (GOOD.replace("title: Ginger For Nausea\n", ""), "missing title"),
        (GOOD.replace("published: 2023-05", "published: May 2023"), "'published' must be a date"),
        (GOOD.replace("published: 2023-05", "published: 2023-13"), "'published' must be a date"),
        (GOOD.replace("category: Herbs", "category: Herbs\ncolour: red"), "unknown key 'colour'"),
        (GOOD.replace("category: Herbs", "category: Herbs\ncategory: Roots"), "repeats the key"),
        (GOOD.replace("category: Herbs", "just words"), "is not 'key: value'"),
        (GOOD.split("---\n\n")[0] + "---\n\n", "no article body"),
        (GOOD.replace("published: 2023-05", "published: 2023-05\nstatus: live"), "status must be"),
    ],
)
@pytest.mark.django_db
def test_malformed_file_names_the_file_and_the_problem_and_loads_nothing(tmp_path, text, problem):
    good = write(tmp_path, "a-good-article.md", GOOD)
    bad = write(tmp_path, "z-broken.md", text)
    with pytest.raises(CommandError) as raised:
        call_command("load_content", str(good), str(bad))
    assert str(raised.value).startswith("z-broken.md: ")
    assert problem in str(raised.value)
    assert "nothing was loaded" in str(raised.value)
    assert Article.objects.count() == 0
    assert Category.objects.count() == 0


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes(GOOD.encode("utf-8").replace(b"Ginger has", b"Ginger \xe9 has"))
    with pytest.raises(ContentError, match=r"latin\.md: is not UTF-8"):
        load_content_files([path])


@pytest.mark.django_db
def test_two_files_with_one_slug_are_refused(tmp_path):
    one = write(tmp_path, "one.md", GOOD.replace("---\n\n", "slug: same\n---\n\n", 1))
    two = write(tmp_path, "two.md", GOOD.replace("---\n\n", "slug: same\n---\n\n", 1))
    with pytest.raises(ContentError, match="two files define the slug same"):
        load_content_files([one, two])
    assert not Article.objects.exists()


def test_missing_path_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("load_content", str(tmp_path / "nope.md"))
