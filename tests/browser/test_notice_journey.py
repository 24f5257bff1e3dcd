"""A signed-out visitor reports a comment: the notice form, the link from the email, and
the moderator's queue marking it "Notice from a visitor"; then the decision reaches them."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator


@pytest.fixture
def cast(transactional_db):
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    comment = make_comment(
        article, UserFactory(username="vic"), "Take 1200 mg a day, it cures fibromyalgia."
    )
    return {"article": article, "comment": comment, "moderator": make_moderator("maria")}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_visitor_notice_confirmed_by_email_reaches_the_queue(
    browser, live_server, cast, mailoutbox, assert_accessible
):
    comment = cast["comment"]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}{cast['article'].get_absolute_url()}")
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="Report a comment")).to_be_visible()
    expect(page.get_by_text("Take 1200 mg a day")).to_be_visible()
    assert_accessible(page)

    # A missing field: the form comes back with the text kept.
    page.get_by_label("Medical misinformation or dangerous advice").check()
    page.get_by_label("Explain what is wrong with it").fill("A dose and a cure claim.")
    page.get_by_label("Your name").fill("Ana Visitor")
    page.get_by_role("button", name="Send notice").click()
    expect(page.get_by_text("Please give an email address we can write to.")).to_be_visible()
    expect(page.get_by_label("Explain what is wrong with it")).to_have_value(
        "A dose and a cure claim."
    )
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Your email").fill("ana@example.net")
    page.get_by_label("I believe in good faith").check()
    page.get_by_role("button", name="Send notice").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    # Nothing in the queue yet.
    moderator = signed_in(browser, live_server, cast["moderator"])
    moderator.goto(f"{live_server.url}/moderation/")
    expect(moderator.get_by_text("Notice from a visitor")).to_have_count(0)

    # The link from the email, then the button.
    [message] = [m for m in mailoutbox if m.to == ["ana@example.net"]]
    link = re.search(r"https?://\S+/notices/confirm/\S+/", message.body).group(0)
    page.goto(live_server.url + link[link.index("/notices/") :])
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and send to the moderators").click()
    expect(page.get_by_role("heading", name="your notice is with the moderators")).to_be_visible()
    assert any("we received your notice" in m.subject for m in mailoutbox)

    # The moderator's queue marks it; its page shows who sent it and why.
    moderator.goto(f"{live_server.url}/moderation/")
    item = moderator.locator(f"#item-{comment.pk}")
    expect(item.get_by_text("Notice from a visitor")).to_be_visible()
    item.get_by_role("link", name="Context and actions").click()
    item = moderator.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("Ana Visitor")
    expect(item).to_contain_text("A dose and a cure claim.")
    item.get_by_text("Remove…").click()
    item.get_by_label("Reason (the author sees it)").select_option("medical_harm")
    item.get_by_role("button", name="Remove comment").click()
    expect(moderator.get_by_text("Removed. The author is told why")).to_be_visible()
    decided = [m for m in mailoutbox if "decision on your notice" in m.subject]
    assert len(decided) == 1
    assert "within six months" in decided[0].body


def test_policy_pages_read_well_at_both_widths(
    browser, live_server, transactional_db, assert_accessible
):
    from policies.defaults import load_defaults
    from policies.models import PolicyVersion

    # Transactional tests flush the data migration's rows: load the first versions again.
    load_defaults(PolicyVersion)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for path in ("/guidelines/", "/terms/", "/privacy/", "/contact/"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_text("In effect since")).to_be_visible()
        assert_accessible(page)
        page.set_viewport_size({"width": 390, "height": 844})
        assert fits(page), path
    page.get_by_label("Your name").fill("Dr. Inspector")
    page.get_by_label("Your email").fill("authority@example.gov")
    page.get_by_label("Subject").fill("Article 11")
    page.get_by_label("Message").fill("Who handles orders?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message is with us")).to_be_visible()
