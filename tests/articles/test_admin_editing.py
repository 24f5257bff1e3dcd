"""Editors in the admin (issue 17): adding an article with references and stances, the
review dates' rules, and the reading level beside the preview."""

import datetime

import pytest
from django.urls import reverse

from articles.models import Article, Reference
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def article_form(**changes) -> dict[str, str]:
    data = {
        "category": str(CategoryFactory(name="Herbs", slug="herbs").pk),
        "language": "en",
        "title": "Ginger For Nausea",
        "slug": "ginger-for-nausea",
        "headline": "What science says about Ginger For Nausea",
        "summary": "Ginger and nausea: what the trials found.",
        "about": "Nausea, Ginger",
        "plain_summary": "Ginger may ease nausea a little.",
        "certainty": "low",
        "body": "Ginger has been studied for nausea.\n\n## Supporting Views\n\nSome trials help.",
        "status": "published",
        "published_on": "2026-05-01",
        "author_name": "",
        "reviewer_name": "Dr. Ana Ruiz",
        "last_reviewed": "2026-05-10",
        "next_review_due": "",
        "discussion_open": "on",
        "disclaimer": "",
        "references-TOTAL_FORMS": "2",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-position": "1",
        "references-0-stance": "supporting",
        "references-0-title": "Ginger for nausea in pregnancy",
        "references-0-doi": "10.1000/ginger.1",
        "references-1-position": "2",
        "references-1-stance": "skeptical",
        "references-1-title": "No effect of ginger after surgery",
        "references-1-pmid": "12345678",
    }
    data.update(changes)
    return data


def test_editor_adds_an_article_with_references_stances_and_a_review(admin_client):
    response = admin_client.post(ADD, article_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="ginger-for-nausea")
    assert (article.certainty, article.plain_summary) == ("low", "Ginger may ease nausea a little.")
    assert article.next_review_due == datetime.date(2027, 5, 10)
    assert list(article.references.values_list("position", "stance")) == [
        (1, Reference.Stance.SUPPORTING),
        (2, Reference.Stance.SKEPTICAL),
    ]


def test_add_page_prepopulates_the_slug_and_groups_in_short(admin_client):
    html = admin_client.get(ADD).content.decode()
    assert (
        "prepopulated_fields" in html or "data-prepopulated-fields" in html or "prepopulate" in html
    )
    assert "In short (the box above the article)" in html
    assert "references-0-stance" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"last_reviewed": "2099-01-01"},
            "last_reviewed",
            "The last review cannot be in the future.",
        ),
        (
            {"next_review_due": "2026-05-01"},
            "next_review_due",
            "The next review must come after the last review.",
        ),
        ({"reviewer_name": ""}, "reviewer_name", "Say who reviewed the article"),
        ({"references-0-doi": "https://doi.org/10.1000/x"}, None, "A DOI starts with 10."),
        ({"references-1-position": "1"}, None, "Please correct the duplicate data for position"),
    ],
)
def test_bad_input_shows_a_clear_message_and_keeps_the_text(admin_client, changes, field, message):
    response = admin_client.post(ADD, article_form(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Ginger may ease nausea a little." in html  # what the editor typed is still there
    assert "Some trials help." in html
    assert not Article.objects.filter(slug="ginger-for-nausea").exists()
    assert not Reference.objects.exists()


def test_a_new_review_date_moves_the_next_review_unless_the_editor_set_it(admin_client):
    admin_client.post(ADD, article_form())
    article = Article.objects.get(slug="ginger-for-nausea")
    change = reverse("admin:articles_article_change", args=[article.pk])
    kept = {"references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0"}
    response = admin_client.post(
        change,
        article_form(last_reviewed="2026-05-20", next_review_due="2027-05-10", **kept)
        | {"category": str(article.category_id)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.next_review_due == datetime.date(2027, 5, 20)  # moved with the review
    response = admin_client.post(
        change,
        article_form(last_reviewed="2026-05-25", next_review_due="2026-11-25", **kept)
        | {"category": str(article.category_id)},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.next_review_due == datetime.date(2026, 11, 25)  # the editor's choice


def test_change_page_shows_the_reading_level_with_long_sentences_marked(admin_client):
    long_sentence = "This sentence " + "goes on and on " * 8 + "until the end."
    article = ArticleFactory(
        body=f"Short one. {long_sentence}\n\n## A heading\n\nAnother short one.",
        plain_summary="Ginger may help. Ask your doctor.",
    )
    html = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "Target: school grade 8 or below" in html
    assert "Grade (Flesch-Kincaid)" in html
    assert "Reading ease (Flesch)" in html
    assert "<th scope='row'>Body</th>" in html
    assert "<th scope='row'>In short</th>" in html
    assert "<mark>This sentence goes on and on" in html
    assert "(37 words)" in html
    assert "<li>Short one. <span" in html  # short sentences listed, not marked
    assert "A heading" not in html.split("reading-level", 1)[1].split("</ol>")[0]


def test_reading_level_escapes_what_the_editor_wrote(admin_client):
    article = ArticleFactory(plain_summary="A <b>bold</b> & <script>x()</script> claim.")
    html = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    level = html.split("class='reading-level'", 1)[1].split("</div>", 1)[0]
    assert "<script>" not in level
