"""Printing an article (issue 17): print media shows the article, its "In short" box,
references with their addresses, the disclaimer and the forum notice, and hides the
navigation, forms and buttons; the discussion prints only when asked."""

import datetime

import pytest

from tests.factories import ArticleFactory, CommentFactory, ReferenceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def printed(page, live_server):
    article = ArticleFactory(
        plain_summary="Magnesium may help a little. Ask your doctor first.",
        certainty="low",
        reviewer_name="Dr. Ana Ruiz",
        last_reviewed=datetime.date(2026, 3, 2),
    )
    ReferenceFactory(article=article, position=1, doi="10.1000/mag.1", stance="supporting")
    CommentFactory(
        article=article, author=UserFactory(username="writer"), body_source="It helped me sleep."
    )
    url = f"{live_server.url}{article.get_absolute_url()}"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    return page, url


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def test_print_shows_the_article_and_hides_navigation_forms_and_the_discussion(printed):
    page, url = printed
    page.goto(url)
    for shown in [
        "h1",
        ".meta",
        ".in-short",
        ".prose",
        ".references",
        ".disclaimer",
        ".forum-notice",
    ]:
        assert visible(page, shown), f"{shown} should print"
    for hidden in [
        ".site-header",
        ".site-footer",
        ".breadcrumb",
        ".toc",
        ".print-links",
        ".discussion__controls",
        ".composer",
        ".comment",
        "#discussion-heading",
    ]:
        assert not visible(page, hidden), f"{hidden} should not print"
    assert page.locator("button:visible").count() == 0
    assert page.locator("form:visible").count() == 0
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.references a'), '::after').content"
    )
    assert "https://doi.org/10.1000/mag.1" in after


def test_print_with_the_discussion_expands_threads_and_hides_controls(printed):
    page, url = printed
    page.emulate_media(media="screen")
    page.goto(url)
    assert not visible(page, "#print-discussion")
    page.get_by_role("link", name="Print with the discussion").click()  # no JS needed
    page.wait_for_url("**#print-discussion")
    page.emulate_media(media="print")
    assert visible(page, ".comment")
    assert "It helped me sleep." in page.locator(".comment__body").first.inner_text()
    assert visible(page, "#discussion-heading")
    assert not visible(page, ".composer")
    assert not visible(page, ".comment__actions")
    assert not visible(page, "#print-discussion")  # the note is for the screen
    assert page.locator("button:visible").count() == 0


def test_screen_shows_the_print_choice_only_when_asked(printed, assert_accessible):
    page, url = printed
    page.emulate_media(media="screen")
    page.goto(url + "#print-discussion")
    assert visible(page, "#print-discussion")
    assert visible(page, ".in-short")
    assert_accessible(page)
