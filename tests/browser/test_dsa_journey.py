"""Issue 14's journey, end to end: a signed-out visitor's notice, confirmed by email, a
removal by one moderator, the author's statement of reasons and appeal, the appeal
decided by a second moderator, the visitor told, and the month's transparency report."""

import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forum.models import Appeal
from forum.moderation import transparency
from forum.moderation.guidelines import clause_for_reason
from forum.pagecache import shared
from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator


@pytest.fixture
def cast(transactional_db):
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    author = UserFactory(username="vic")
    comment = make_comment(article, author, "Take 1200 mg a day, it cures fibromyalgia.")
    return {
        "article": article,
        "author": author,
        "comment": comment,
        "first": make_moderator("maria"),
        "second": make_moderator("omar"),
    }


def test_notice_removal_reasons_appeal_and_the_report(browser, live_server, cast, mailoutbox):
    comment = cast["comment"]
    article_url = f"{live_server.url}{cast['article'].get_absolute_url()}"

    # 1. A signed-out visitor files a notice on the comment.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(article_url)
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
    page.get_by_label("Medical misinformation or dangerous advice").check()
    page.get_by_label("Explain what is wrong with it").fill("A dose and a cure claim.")
    page.get_by_label("Your name").fill("Ana Visitor")
    page.get_by_label("Your email").fill("ana@example.net")
    page.get_by_label("I believe in good faith").check()
    page.get_by_role("button", name="Send notice").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    # 2. She confirms it by the link in the email.
    [message] = [m for m in mailoutbox if m.to == ["ana@example.net"]]
    link = re.search(r"https?://\S+/notices/confirm/\S+/", message.body).group(0)
    page.goto(live_server.url + link[link.index("/notices/") :])
    page.get_by_role("button", name="Confirm and send to the moderators").click()
    expect(page.get_by_role("heading", name="your notice is with the moderators")).to_be_visible()

    # 3. A moderator removes the comment from the moderation pages.
    first = signed_in(browser, live_server, cast["first"])
    first.goto(f"{live_server.url}/moderation/")
    item = first.locator(f"#item-{comment.pk}")
    expect(item.get_by_text("Notice from a visitor")).to_be_visible()
    item.get_by_role("link", name="Context and actions").click()
    item = first.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("A dose and a cure claim.")
    item.get_by_text("Remove…").click()
    item.get_by_label("Reason (the author sees it)").select_option("medical_harm")
    item.get_by_role("button", name="Remove comment").click()
    expect(first.get_by_text("Removed. The author is told why")).to_be_visible()

    # The visitor hears the decision, with the clause and the ways to contest it.
    clause = clause_for_reason("medical_harm")
    [decided] = [m for m in mailoutbox if "decision on your notice" in m.subject]
    assert decided.to == ["ana@example.net"]
    assert "within six months" in decided.body
    assert str(clause.title) in decided.body

    # 4. The author signs in and reads the statement of reasons on their comment.
    author = signed_in(browser, live_server, cast["author"])
    author.goto(article_url)
    own = author.locator(f"#comment-{comment.pk}")
    own.get_by_text("Statement of reasons").click()
    statement = own.locator(".statement")
    expect(statement).to_contain_text(f"Clause {clause.number} of the community guidelines")
    expect(statement).to_contain_text(str(clause.title))
    expect(statement).to_contain_text("Not found by automated means.")
    expect(statement).to_contain_text("Decided by a moderator.")
    expect(statement).to_contain_text("a different moderator")
    expect(statement).to_contain_text("out-of-court dispute settlement body")
    expect(statement).to_contain_text("or to a court")

    # ... and appeals.
    author.goto(f"{live_server.url}/comments/{comment.pk}/appeal/")
    author.get_by_label("Why should the comment be restored?").fill("I was sharing what I do.")
    author.get_by_role("button", name="Send appeal").click()
    expect(author.get_by_text("Waiting for a moderator.")).to_be_visible()

    # 5. The moderator who removed it may not decide; a second one upholds the removal.
    first.goto(f"{live_server.url}/moderation/?state=appeal")
    first.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    expect(first.get_by_text("another moderator decides the appeal")).to_be_visible()
    second = signed_in(browser, live_server, cast["second"])
    second.goto(f"{live_server.url}/moderation/?state=appeal")
    second.locator(f"#item-{comment.pk}").get_by_role("link", name="Context and actions").click()
    item = second.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("I was sharing what I do.")
    item.get_by_label("Keep it removed").check()
    item.get_by_label("Your reasons (the author reads them)").fill(
        "A daily dose and a cure claim are advice, not experience."
    )
    item.get_by_role("button", name="Decide").click()
    expect(second.get_by_text("Appeal decided")).to_be_visible()
    appeal = Appeal.objects.get(comment=comment)
    assert appeal.status == Appeal.Status.UPHELD
    assert appeal.decided_by == cast["second"]
    assert [m for m in mailoutbox if m.to == [cast["author"].email] and "appeal" in m.subject]

    # 6. The visitor was told the decision once; it stands after the appeal.
    assert [m.subject for m in mailoutbox if m.to == ["ana@example.net"]].count(
        decided.subject
    ) == 1

    # 7. The running month's report counts each step (the running period is cached for
    # a few minutes, so drop that copy first).
    period = transparency.parse_period(timezone.localtime().strftime("%Y-%m"))
    shared.delete(transparency._cache_key(period))
    page.goto(f"{live_server.url}/transparency/report.json?period={period.id}")
    report = json.loads(page.locator("body").inner_text())
    assert report["period"]["id"] == period.id
    assert report["period"]["complete"] is False
    assert report["reports"]["by_source"]["visitor"] == "<5"
    assert report["reports"]["by_reason"]["medical_harm"] == "<5"
    assert report["actions"]["by_kind"]["remove"] == {
        "total": "<5",
        "automated": 0,
        "human": "<5",
    }
    assert report["appeals"]["received"] == "<5"
    assert report["appeals"]["decided"] == "<5"
    assert report["appeals"]["declined"] == "<5"
    assert report["appeals"]["granted"] == 0
