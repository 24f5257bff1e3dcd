"""Redaction in a real browser (issue 19): a moderator redacts a phone number from a
reported comment on its item page; readers see "[removed: private information]"."""

from playwright.sync_api import expect

from forum.models import Comment, ReportReason
from forum.moderation.reports import report_comment
from tests.browser.test_forum_moderation_journey import no_sideways_scroll
from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator

PHONE = "07700 900123"
WORDS = f"Magnesium helped my cramps. Call me on {PHONE} if you want to talk."
MARKER = "[removed: private information]"


def test_a_moderator_redacts_a_phone_number_and_readers_see_the_marker(
    browser, live_server, transactional_db, assert_accessible
):
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    comment = make_comment(article, UserFactory(username="rosa"), WORDS)
    report_comment(
        comment=comment, reporter=UserFactory(username="ines"), reason=ReportReason.PRIVATE_INFO
    )
    maria = make_moderator("maria")

    moderator = signed_in(browser, live_server, maria)
    moderator.goto(f"{live_server.url}/moderation/comments/{comment.pk}/")
    form = moderator.locator(".mod-redact")
    expect(form.get_by_role("heading", level=2)).to_have_text("Redact part of the text")
    assert_accessible(moderator)
    no_sideways_scroll(moderator)

    # A span that is not in the text: refused, what was typed kept.
    form.get_by_label("Text to redact").fill("07700 000000")
    form.get_by_role("button", name="Redact").click()
    form = moderator.locator(".mod-redact")
    expect(form).to_contain_text("is not in the comment's text")
    expect(form.get_by_label("Text to redact")).to_have_value("07700 000000")

    form.get_by_label("Text to redact").fill("")
    form.get_by_label(f"{PHONE} (a phone number)").check()
    form.get_by_role("button", name="Redact").click()
    expect(moderator.get_by_text("Redacted. The author has been told.")).to_be_visible()
    expect(moderator.locator(".mod-text .mod-source")).to_contain_text(MARKER)
    expect(moderator.locator(".mod-text-history")).to_contain_text(PHONE)
    assert_accessible(moderator)
    no_sideways_scroll(moderator)
    assert Comment.objects.get(pk=comment.pk).body_source == WORDS.replace(PHONE, MARKER)

    reader = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    shown = reader.locator(f"#comment-{comment.pk}")
    expect(shown).to_contain_text(MARKER)
    expect(shown).not_to_contain_text(PHONE)
    assert PHONE not in reader.content()
