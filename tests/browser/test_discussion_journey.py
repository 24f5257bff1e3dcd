"""A discussion in a real browser: post with a type and a source, reply, email, unsubscribe."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from forum.models import Comment
from tests.factories import ArticleFactory, ReferenceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    """Log in by session cookie: fast, and the login pages have their own tests."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_members_discuss_an_article_and_unsubscribe_from_reply_emails(
    page, live_server, assert_accessible, settings
):
    # Established members: holding new members' comments has its own journey
    # (test_forum_moderation_journey.py).
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    article = ArticleFactory(slug="magnesium-and-sleep")
    ReferenceFactory(article=article, position=2, doi="10.1000/sleep.42")
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    article_url = f"{live_server.url}{article.get_absolute_url()}"

    sign_in(page, live_server, alice)
    page.goto(article_url)
    composer = page.locator("#composer")
    composer.get_by_role("textbox", name="Your comment").fill(
        "Magnesium helped my *sleep*, not my pain."
    )
    composer.get_by_label("Type of comment (optional)").select_option("experience")
    composer.get_by_label("Cite a source (optional)").fill("https://doi.org/10.1000/sleep.42")
    composer.get_by_role("button", name="Post comment").click()
    first = Comment.objects.get()
    page.wait_for_url(f"**#comment-{first.pk}")
    posted = page.locator(f"#comment-{first.pk}")
    expect(posted).to_contain_text("Personal experience")
    expect(posted).to_contain_text("Cites a source")
    expect(posted).to_contain_text("matches reference [2]")
    expect(posted.locator("em")).to_have_text("sleep")

    sign_in(page, live_server, bob)
    page.goto(article_url)
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply to alice").click()
    # With JavaScript the form opens under the comment (without, the reply page opens).
    expect(page.locator(f"#comment-{first.pk} #composer")).to_contain_text("Reply to alice")
    assert_accessible(page)
    page.get_by_role("textbox", name="Your comment").fill(
        "Same for me: better sleep within a week."
    )
    page.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(parent=first)
    page.wait_for_url(f"**#comment-{reply.pk}")
    expect(page.locator(f"#comment-{first.pk} .replies")).to_contain_text("better sleep")
    assert_accessible(page)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [alice.email]
    link = re.search(r"<(http[^>]+)>", email.extra_headers["List-Unsubscribe"]).group(1)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{urlsplit(link).path}")
    assert_accessible(page)
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_text("will no longer send alice")).to_be_visible()
    alice.refresh_from_db()
    assert alice.email_on_reply is False


def test_discussion_reads_on_a_phone(page, live_server, assert_accessible):
    article = ArticleFactory(slug="zinc")
    member = UserFactory(username="carol")
    Comment.objects.create(
        article=article,
        author=member,
        body_source="x",
        body_html="<p>A long https://example.org/" + "a" * 120 + " link</p>",
        kind="question",
    )
    sign_in(page, live_server, member)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{article.get_absolute_url()}#discussion")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert_accessible(page)


def test_author_fixes_an_error_previews_edits_and_deletes(page, live_server, assert_accessible):
    article = ArticleFactory(slug="iron")
    dana = UserFactory(username="dana")
    sign_in(page, live_server, dana)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    composer = page.locator("#composer")
    composer.get_by_role("textbox", name="Your comment").fill("Typed with care `<b>`")
    composer.get_by_label("Cite a source (optional)").fill("not a source")
    composer.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Cite a DOI (like 10.1000/xyz123)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your comment")).to_have_value("Typed with care `<b>`")
    assert_accessible(page)

    page.get_by_label("Cite a source (optional)").fill("")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview code")).to_have_text("<b>")
    assert_accessible(page)
    page.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get()
    page.wait_for_url(f"**#comment-{comment.pk}")

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Edit your comment").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="Your comment").fill("Typed with more care")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("edited")

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Delete your comment").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete my comment").click()
    expect(page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    expect(page.get_by_text("Your comment is deleted.")).to_be_visible()
