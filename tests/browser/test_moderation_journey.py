"""A report, a removal with a reason, an appeal and a restore by a second moderator."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from forum.models import Comment, ModerationAction
from tests.factories import ArticleFactory, UserFactory, sign_in_with_second_factor
from tests.moderation.conftest import make_comment, make_moderator


def signed_in(browser, live_server, user, width=1280):
    """A browser context carrying a session for `user`, as after a sign-in that passed
    the second factor (moderation asks the session for it, not only the account)."""
    client = Client()
    sign_in_with_second_factor(client, user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


@pytest.fixture
def cast(transactional_db, settings):
    # One report is enough to hide the comment, so the log also shows the automatic step.
    settings.FORUM_HIDE_AFTER_REPORTS = 1
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    author = UserFactory(username="vic")
    comment = make_comment(
        article, author, "You should take 1200 mg a day, it cures fibromyalgia completely."
    )
    return {
        "comment": comment,
        "author": author,
        "reporter": UserFactory(username="june"),
        "first": make_moderator("maria"),
        "second": make_moderator("omar"),
    }


def test_report_remove_appeal_restore(browser, live_server, cast, assert_accessible):
    comment = cast["comment"]

    # A member reports the comment.
    page = signed_in(browser, live_server, cast["reporter"])
    page.goto(f"{live_server.url}/comments/{comment.pk}/report/")
    assert_accessible(page)
    page.get_by_label("Medical misinformation or dangerous advice").check()
    page.get_by_label("Anything the moderators should know?").fill("A cure claim and a dose.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. A moderator will review this comment.")).to_be_visible()

    # The first moderator removes it with a reason and a message.
    page = signed_in(browser, live_server, cast["first"])
    page.goto(f"{live_server.url}/moderation/")
    # The queue lists a summary; its link opens the context and the actions.
    page.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    item = page.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("A cure claim and a dose.")
    assert_accessible(page)
    item.get_by_text("Remove…").click()
    item.get_by_label("Reason (the author sees it)").select_option("medical_harm")
    item.get_by_label("Message to the author (optional)").fill(
        "Please share experience, not doses."
    )
    item.get_by_role("button", name="Remove comment").click()
    expect(page.get_by_text("Removed. The author is told why")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # The author sees the reason and appeals once.
    page = signed_in(browser, live_server, cast["author"])
    page.goto(f"{live_server.url}/comments/{comment.pk}/appeal/")
    # (The statement of reasons below it names the ground too, folded away.)
    expect(
        page.get_by_text("Removed by a moderator: Medical misinformation or dangerous advice.")
    ).to_be_visible()
    expect(page.get_by_text("Statement of reasons")).to_be_visible()
    expect(page.get_by_text("Please share experience, not doses.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why should the comment be restored?").fill("I was sharing what I do.")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.get_by_text("Waiting for a moderator.")).to_be_visible()

    # The moderator who removed it cannot decide the appeal; the second one restores it.
    page = signed_in(browser, live_server, cast["first"])
    page.goto(f"{live_server.url}/moderation/?state=appeal")
    assert_accessible(page)
    page.get_by_role("link", name="Context and actions").click()
    expect(page.get_by_text("another moderator decides the appeal")).to_be_visible()
    page = signed_in(browser, live_server, cast["second"])
    page.goto(f"{live_server.url}/moderation/?state=appeal")
    # The queue lists a summary; its link opens the context and the actions.
    page.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    item = page.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("I was sharing what I do.")
    item.get_by_label("Restore the comment").check()
    item.get_by_label("Your reasons (the author reads them)").fill("Sharing experience is fine.")
    item.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Appeal decided")).to_be_visible()
    comment.refresh_from_db()
    assert comment.status == "published"

    # The log shows the automatic hide, the removal and the granted appeal.
    page.goto(f"{live_server.url}/moderation/log/")
    rows = page.locator(".mod-log__row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Appeal granted")
    expect(rows.nth(0)).to_contain_text("omar")
    expect(rows.nth(1)).to_contain_text("Removed")
    expect(rows.nth(1)).to_contain_text("maria")
    expect(rows.nth(2)).to_contain_text("Hidden automatically after reports")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert list(
        ModerationAction.objects.filter(comment=comment).values_list("kind", flat=True)
    ) == ["appeal_overturned", "remove", "auto_hide"]
    assert Comment.objects.get(pk=comment.pk).removal_reason == ""
