"""Private information in a real browser (issue 19): the composer marks it and asks,
the member posts anyway, the comment waits for a moderator, who sees why it was held."""

from playwright.sync_api import expect

from forum.models import Comment, CommentStatus
from forum.moderation.screening import HOLD_PRIVATE
from tests.browser.test_forum_moderation_journey import no_sideways_scroll
from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator

WORDS = "My sister Jane has lupus too. Call me on 07700 900123 if you want to talk."


def test_prompt_then_post_anyway_then_held_for_a_moderator(
    browser, live_server, transactional_db, settings, assert_accessible
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    rosa = UserFactory(username="rosa")
    make_comment(article, rosa, "An earlier, approved comment.")
    maria = make_moderator("maria")
    article_url = f"{live_server.url}{article.get_absolute_url()}"

    page = signed_in(browser, live_server, rosa)
    page.goto(article_url)
    page.get_by_role("textbox", name="Your comment").fill(WORDS)
    page.get_by_label("Type of comment (optional)").select_option("experience")
    page.get_by_role("button", name="Post comment").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("someone else's name with their health and a phone number")
    prompt = page.locator(".privacy-prompt")
    expect(prompt.locator("mark")).to_have_text(["My sister Jane has", "07700 900123"])
    expect(page.get_by_role("textbox", name="Your comment")).to_have_value(WORDS)
    expect(page.get_by_label("Type of comment (optional)")).to_have_value("experience")
    assert not Comment.objects.filter(body_source=WORDS).exists()
    assert_accessible(page)
    no_sideways_scroll(page)

    prompt.get_by_role("button", name="Post anyway").click()
    expect(page.get_by_text("it will appear to others once a moderator")).to_be_visible()
    comment = Comment.objects.get(body_source=WORDS)
    assert (comment.status, comment.hold_reason) == (CommentStatus.PENDING, HOLD_PRIVATE)
    assert comment.kind == "experience"
    expect(page.locator(f"#comment-{comment.pk}").get_by_text("Awaiting review")).to_be_visible()

    moderator = signed_in(browser, live_server, maria)
    moderator.goto(f"{live_server.url}/moderation/")
    item = moderator.locator(f"#item-{comment.pk}")
    expect(item.get_by_role("heading", level=2)).to_have_text("Private information")
    item.get_by_role("link", name="Context and actions").click()
    item = moderator.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text("posted after the prompt")
    assert_accessible(moderator)
    item.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_text("Approved: the comment is published.")).to_be_visible()


def test_a_moderator_finds_an_unreported_phone_number_and_redacts_it(
    browser, live_server, transactional_db, assert_accessible, tmp_path
):
    """Nobody reported it: the moderator finds it by search, opens the comment's page
    and redacts the number; readers never see it again."""
    from forum import search

    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    comment = make_comment(
        article, UserFactory(username="rosa"), "Ring me on 07700 900123 about the cramps."
    )
    search.rebuild()
    maria = make_moderator("maria")
    page = signed_in(browser, live_server, maria)
    page.goto(f"{live_server.url}/moderation/search/?q=cramps")
    page.get_by_role("link", name="Act on it or redact").click()
    expect(page.get_by_text("This comment is not in the queue")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "unreported-item.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "unreported-item-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("07700 900123").check()
    page.get_by_role("button", name="Redact").click()
    expect(page.get_by_text("Redacted. The author has been told.")).to_be_visible()
    comment.refresh_from_db()
    assert comment.body_source == "Ring me on [removed: private information] about the cramps."
    reader = browser.new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("[removed: private")
    expect(reader.locator(f"#comment-{comment.pk}")).not_to_contain_text("07700")
