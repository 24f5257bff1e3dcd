"""Search finds a comment, a member replies, and its author hears of it: the unread
count in the header, the notification on /notifications/, and the daily digest."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from forum.models import Comment
from forum.notifications import send_digests
from forum.services import post_comment
from tests.browser.test_discussion_journey import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_reply_and_the_author_hears_of_it(page, live_server, assert_accessible, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    article = ArticleFactory(slug="magnesium-and-cramps", title="Magnesium and cramps")
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    first = post_comment(
        author=alice, article=article, body="Magnesium glycinate eased my night cramps."
    )

    # Alice wants replies once a day, in one email.
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/accounts/settings/")
    assert_accessible(page)
    page.get_by_label("Replies to your comments").select_option("digest")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()

    sign_in(page, live_server, bob)
    page.goto(f"{live_server.url}/science/search/?q=glycinate+cramps")
    assert_accessible(page)
    results = page.locator("#comment-results + .search-results")
    expect(results).to_contain_text("glycinate")
    results.get_by_role("link", name="alice").first.click()
    page.wait_for_url(f"**#comment-{first.pk}")
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply to alice").click()
    page.get_by_role("textbox", name="Your comment").fill("Same here, from the second week.")
    page.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(parent=first)
    page.wait_for_url(f"**#comment-{reply.pk}")
    assert mail.outbox == []  # alice chose the daily email

    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    header_link = page.locator(".site-nav--wide").get_by_role(
        "link", name="Notifications (1 unread notification)"
    )
    expect(header_link).to_be_visible()
    header_link.click()
    page.wait_for_url("**/notifications/")
    assert_accessible(page)
    item = page.locator(".notification--unread")
    expect(item).to_contain_text("bob replied to your comment on “Magnesium and cramps”")
    expect(item).to_contain_text("New")
    expect(item).to_contain_text("Same here, from the second week.")

    # The next morning's digest carries the reply she has not opened yet.
    assert send_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [alice.email]
    assert "bob replied to your comment on “Magnesium and cramps”" in digest.body
    assert "Same here, from the second week." in digest.body
    assert f"/comments/{reply.pk}/" in digest.body
    assert "List-Unsubscribe" in digest.extra_headers

    # Opening it marks it read and leads to the reply.
    item.get_by_role("link", name="bob replied to your comment").click()
    page.wait_for_url(f"**#comment-{reply.pk}")
    expect(
        page.locator(".site-nav--wide").get_by_role("link", name="Notifications", exact=True)
    ).to_be_visible()
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator(".notification--unread")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
