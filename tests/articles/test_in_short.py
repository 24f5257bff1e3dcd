"""The "In short" box, the review cycle's dates and what the Science Center's lists show
(issue 17)."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import CERTAINTY_MEANING, Article, Certainty, months_after
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

SEED_FILE = "articles/content/magnesium-for-fibromyalgia.md"


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return " ".join(response.content.decode().split())  # whitespace as a reader sees it


def test_no_box_when_nothing_is_set(client):
    html = page(client, ArticleFactory())
    assert "In short" not in html
    assert "How sure is the evidence" not in html
    assert "Next review due" not in html


def test_the_customers_article_gets_no_invented_summary_or_certainty(client):
    call_command("load_content")
    article = Article.objects.get(slug="magnesium-for-fibromyalgia")
    assert (article.plain_summary, article.certainty) == ("", "")
    html = page(client, article)
    assert "In short" not in html
    assert "certainty" not in html.lower()
    # Its text is still served verbatim.
    first = Path(SEED_FILE).read_text().split("---", 2)[2].strip().split("\n\n")[0]
    assert f"<p>{first}</p>" in html


def test_summary_alone_shows_the_box_without_a_certainty(client):
    article = ArticleFactory(plain_summary="Magnesium may help a little.\n\nAsk your doctor first.")
    html = page(client, article)
    assert 'id="in-short-heading"' in html
    assert "<p>Magnesium may help a little.</p>" in html
    assert "<p>Ask your doctor first.</p>" in html
    assert "How sure is the evidence" not in html
    assert html.index("In short") < html.index('class="prose"')


def test_summary_is_escaped(client):
    html = page(client, ArticleFactory(plain_summary="<script>alert(1)</script> & more"))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


@pytest.mark.parametrize("level", list(Certainty))
def test_certainty_shows_its_level_and_grades_own_wording(client, level):
    html = page(client, ArticleFactory(certainty=level))
    assert f"{level.label} certainty" in html
    assert str(CERTAINTY_MEANING[level]) in html
    assert "GRADE" in html


def test_grade_wording_is_the_published_wording():
    assert CERTAINTY_MEANING[Certainty.HIGH].startswith("We are very confident")
    assert CERTAINTY_MEANING[Certainty.MODERATE].startswith("We are moderately confident")
    assert CERTAINTY_MEANING[Certainty.LOW].startswith(
        "Our confidence in the effect estimate is limited"
    )
    assert CERTAINTY_MEANING[Certainty.VERY_LOW].startswith("We have very little confidence")


def test_review_shows_who_when_and_the_next_review(client):
    article = ArticleFactory(reviewer_name="Dr. Ana Ruiz", last_reviewed=datetime.date(2026, 3, 2))
    html = page(client, article)
    assert "Reviewed by Dr. Ana Ruiz on" in html
    assert '<time datetime="2026-03-02">2 March 2026</time>' in html
    assert 'Next review due by <time datetime="2027-03-02">2 March 2027</time>' in html


def test_next_review_defaults_to_twelve_months_after_the_last():
    article = ArticleFactory(last_reviewed=datetime.date(2024, 2, 29))
    assert article.next_review_due == datetime.date(2025, 2, 28)
    chosen = ArticleFactory(
        last_reviewed=datetime.date(2026, 1, 5), next_review_due=datetime.date(2026, 7, 1)
    )
    assert chosen.next_review_due == datetime.date(2026, 7, 1)
    assert ArticleFactory().next_review_due is None


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert months_after(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert months_after(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


@pytest.fixture
def lists(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
    topic = CategoryFactory(name="Vitamins", slug="vitamins")
    return {
        "late": ArticleFactory(
            category=topic,
            title="Late one",
            last_reviewed=datetime.date(2025, 5, 1),
            reviewer_name="R",
            certainty=Certainty.LOW,
        ),
        "soon": ArticleFactory(
            category=topic,
            title="Soon one",
            last_reviewed=datetime.date(2025, 6, 20),
            reviewer_name="R",
            certainty=Certainty.VERY_LOW,
        ),
        "fresh": ArticleFactory(
            category=topic,
            title="Fresh one",
            last_reviewed=datetime.date(2026, 5, 1),
            reviewer_name="R",
            certainty=Certainty.MODERATE,
        ),
        "never": ArticleFactory(category=topic, title="Never one"),
    }


@pytest.mark.parametrize(
    "url", [reverse("articles:index"), reverse("articles:category", args=["vitamins"])]
)
def test_science_center_lists_show_certainty_and_review_status(client, lists, url):
    html = " ".join(client.get(url).content.decode().split())

    def card(title):
        start = html.index(f"What science says about {title}")
        return html[start : html.index("</article>", start)]

    assert "Low certainty evidence" in card("Late one")
    assert "Review overdue" in card("Late one")
    assert "Very low certainty evidence" in card("Soon one")
    assert "Review due soon" in card("Soon one")
    assert "Moderate certainty evidence" in card("Fresh one")
    assert 'Reviewed <time datetime="2026-05-01">May 2026</time>' in card("Fresh one")
    assert "Not yet reviewed" in card("Never one")
    assert "certainty" not in card("Never one")
