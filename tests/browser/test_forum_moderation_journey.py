"""One journey across members, the forum and moderation: a new member's comment is held,
approved, answered, reported, removed with a reason, appealed and restored."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Comment, ModerationAction
from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator

WORDS = "Magnesium in the evening made my muscles ache a little less."


@pytest.fixture
def cast(transactional_db, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1  # a new member's first comment is held
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    ben = UserFactory(username="ben")
    # Ben has an approved comment elsewhere, so his reply is published at once.
    make_comment(ArticleFactory(title="Vitamin D"), ben, "An earlier comment.")
    return {
        "article": article,
        "nora": UserFactory(username="nora"),
        "ben": ben,
        "maria": make_moderator("maria"),
        "omar": make_moderator("omar"),
    }


def no_sideways_scroll(page):
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 900})


def test_held_approved_replied_reported_removed_appealed_restored(
    browser, live_server, cast, assert_accessible, mailoutbox
):
    article_url = f"{live_server.url}{cast['article'].get_absolute_url()}"

    # Nora, a new member, posts: her comment waits for review and she is told so.
    nora = signed_in(browser, live_server, cast["nora"])
    nora.goto(article_url)
    # First she tells others what to take: the composer asks her to rethink it.
    nora.get_by_role("textbox", name="Your comment").fill("Take 300 mg every evening.")
    nora.get_by_role("button", name="Post comment").click()
    expect(nora.get_by_role("alert")).to_contain_text("share your own experience")
    expect(nora.get_by_role("textbox", name="Your comment")).to_have_value(
        "Take 300 mg every evening."
    )
    expect(nora.get_by_label(re.compile("^Post it as it is"))).not_to_be_checked()
    assert_accessible(nora)
    no_sideways_scroll(nora)
    nora.get_by_role("textbox", name="Your comment").fill(WORDS)
    nora.get_by_role("button", name="Post comment").click()
    expect(nora.get_by_text("it will appear to others once a moderator")).to_be_visible()
    comment = Comment.objects.get(body_source=WORDS)
    held = nora.locator(f"#comment-{comment.pk}")
    expect(held.get_by_text("Awaiting review")).to_be_visible()
    assert_accessible(nora)
    no_sideways_scroll(nora)

    # Maria approves it from the queue; the header links moderators there.
    maria = signed_in(browser, live_server, cast["maria"])
    maria.goto(article_url)
    maria.get_by_role("link", name="Moderation", exact=True).click()
    # The queue lists a summary; its link opens the context and the actions.
    maria.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    item = maria.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("New member: first comments are reviewed")
    assert_accessible(maria)
    item.get_by_role("button", name="Approve").click()
    expect(maria.get_by_text("Approved: the comment is published.")).to_be_visible()

    # Ben replies; Nora gets the reply email. Then Ben reports her comment.
    ben = signed_in(browser, live_server, cast["ben"])
    ben.goto(f"{live_server.url}/comments/{comment.pk}/reply/")
    ben.get_by_label("Your comment").fill("Same for me, and I slept better too.")
    ben.get_by_role("button", name="Post reply").click()
    expect(ben.get_by_text("Your comment is published.")).to_be_visible()
    assert [mail.to for mail in mailoutbox if "replied to your comment" in mail.subject] == [
        ["nora@example.org"]
    ]
    ben.goto(article_url)
    ben.locator(f"#comment-{comment.pk}").get_by_role(
        "link", name=re.compile("^Report")
    ).first.click()
    assert_accessible(ben)
    no_sideways_scroll(ben)
    ben.get_by_label("Medical misinformation or dangerous advice").check()
    ben.get_by_role("button", name="Send report").click()
    expect(ben.get_by_text("Thank you. A moderator will review this comment.")).to_be_visible()

    # Maria removes it with a reason and a message.
    maria.goto(f"{live_server.url}/moderation/?state=reported")
    # The queue lists a summary; its link opens the context and the actions.
    maria.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    item = maria.locator(f"#item-{comment.pk}")
    item.get_by_text("Remove…").click()
    item.get_by_label("Reason (the author sees it)").select_option("medical_harm")
    item.get_by_label("Message to the author (optional)").fill("Please add a source.")
    item.get_by_role("button", name="Remove comment").click()
    expect(maria.get_by_text("Removed. The author is told why")).to_be_visible()

    # Nora sees the reason where her comment was, and appeals from there.
    nora.goto(article_url)
    notice = nora.locator(f"#comment-{comment.pk}")
    expect(notice).to_contain_text("Removed by a moderator: Medical misinformation")
    expect(notice).to_contain_text("Message from the moderator: Please add a source.")
    assert_accessible(nora)
    notice.get_by_role("link", name="Ask another moderator to look again").click()
    assert_accessible(nora)
    nora.get_by_label("Why should the comment be restored?").fill("It is my own experience.")
    nora.get_by_role("button", name="Send appeal").click()
    expect(nora.get_by_text("Waiting for a moderator.")).to_be_visible()

    # Omar, not Maria who removed it, restores it.
    omar = signed_in(browser, live_server, cast["omar"])
    omar.goto(f"{live_server.url}/moderation/?state=appeal")
    # The queue lists a summary; its link opens the context and the actions.
    omar.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    item = omar.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("It is my own experience.")
    assert_accessible(omar)
    no_sideways_scroll(omar)
    item.get_by_label("Restore the comment").check()
    item.get_by_label("Your reasons (the author reads them)").fill("Own experience is welcome.")
    item.get_by_role("button", name="Decide").click()
    expect(omar.get_by_text("Appeal decided")).to_be_visible()

    # Everyone reads it again, with Ben's reply under it.
    reader = browser.new_context().new_page()
    reader.goto(article_url)
    restored = reader.locator(f"#comment-{comment.pk}")
    expect(restored).to_contain_text(WORDS)
    expect(restored).to_contain_text("Same for me, and I slept better too.")
    assert_accessible(reader)
    assert list(
        ModerationAction.objects.filter(comment=comment).values_list("kind", flat=True)
    ) == ["appeal_overturned", "remove", "approve", "hold"]
