"""Small things in the discussion a member meets every day: where the confirmation shows,
where focus goes after "Cancel reply"."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_discussion_journey import sign_in
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_confirmation_shows_beside_the_posted_comment_far_down_the_page(
    page, live_server, settings, assert_accessible
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    # A long article, as the real ones are: the discussion starts far down the page.
    article = ArticleFactory(body="## What the studies say\n\n" + "A long paragraph. " * 40 * 12)
    sign_in(page, live_server, UserFactory(username="alice"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    composer = page.locator("#composer")
    composer.get_by_role("textbox", name="Your comment").fill("Magnesium helped my sleep.")
    composer.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#comment-*")
    message = page.locator("[data-messages]")
    expect(message).to_be_in_viewport()  # retried: the scroll may be smooth
    expect(message).to_contain_text("Your comment is published.")
    assert page.evaluate("window.scrollY") > 2000  # far down, beside the comment
    assert message.get_attribute("role") == "status"
    assert_accessible(page)


def test_cancel_reply_returns_focus_to_the_reply_link(page, live_server, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    article = ArticleFactory()
    comment = CommentFactory(article=article, author=UserFactory(username="bea"))
    sign_in(page, live_server, UserFactory(username="alice"))
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    reply = page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Reply to bea")
    reply.click()
    page.get_by_role("button", name="Cancel reply").click()
    assert page.evaluate("document.activeElement.dataset.replyTo") == str(comment.pk)
