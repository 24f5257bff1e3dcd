"""A member in crisis is met at once and kindly, and a person follows up (issue 19):
she writes, sees support resources before posting, posts, the on-call moderator is
paged, claims the item, records the follow-up, and the log shows every step."""

import pytest
from playwright.sync_api import expect

from forum.models import Comment, CrisisCase, ModerationAction, OnCallModerator
from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator
from tests.moderation.crisis_fixtures import install_crisis_defaults

WORDS = "Honestly I can't go on like this. Everyone would be better off without me."


@pytest.fixture
def cast(transactional_db):
    install_crisis_defaults()
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    rosa = UserFactory(username="rosa")
    make_comment(ArticleFactory(title="Vitamin D"), rosa, "An earlier comment.")
    maria, omar = make_moderator("maria"), make_moderator("omar")
    OnCallModerator.objects.create(moderator=maria)
    return {"article": article, "rosa": rosa, "maria": maria, "omar": omar}


def test_crisis_comment_resources_page_claim_and_follow_up(
    browser, live_server, cast, assert_accessible, mailoutbox
):
    rosa = signed_in(browser, live_server, cast["rosa"])
    rosa.goto(f"{live_server.url}{cast['article'].get_absolute_url()}")
    rosa.get_by_role("textbox", name="Your comment").fill(WORDS)
    rosa.get_by_role("button", name="Preview").click()
    # Before posting: resources above the composer, her text kept, nothing refused.
    support = rosa.locator("#support")
    expect(support).to_contain_text("If you are in immediate danger, call your local emergency")
    expect(support).to_contain_text("You can still post your comment as usual")
    expect(rosa.get_by_role("textbox", name="Your comment")).to_have_value(WORDS)
    assert_accessible(rosa)
    rosa.get_by_role("button", name="Post comment").click()
    # After posting: published, and the resources once more.
    expect(rosa.get_by_role("heading", name="Your comment is posted")).to_be_visible()
    expect(rosa.locator("#support")).to_contain_text("If you are in immediate danger")
    assert_accessible(rosa)
    comment = Comment.objects.get(body_source=WORDS)
    assert comment.status == "published"

    # The on-call moderator is paged at once; Omar, not on call, is not (yet).
    pages = [mail for mail in mailoutbox if "urgent" in mail.subject]
    assert [mail.to for mail in pages] == [[cast["maria"].email]]

    maria = signed_in(browser, live_server, cast["maria"])
    maria.goto(f"{live_server.url}/moderation/")
    item = maria.locator(f"#item-{comment.pk}")
    expect(maria.locator(".mod-item").first).to_have_id(f"item-{comment.pk}")  # at the top
    expect(item.get_by_role("heading", name="Possible crisis", exact=True)).to_be_visible()
    # The queue lists a summary; the item's own page has the match and the actions.
    item_page = f"{live_server.url}/moderation/comments/{comment.pk}/"
    item.get_by_role("link", name="Context and actions").click()
    item = maria.locator(f"#item-{comment.pk}")
    expect(item.locator(".mod-crisis mark").first).to_contain_text("can't go on")
    assert_accessible(maria)
    item.get_by_role("button", name="Claim").click()
    expect(maria.get_by_text("Claimed: other moderators")).to_be_visible()

    maria.goto(item_page)
    item = maria.locator(f"#item-{comment.pk}")
    item.get_by_text("Message the member…").click()
    item.get_by_label("Your message to rosa").fill(
        "Hi Rosa, I read what you wrote and I'm glad you told us. How are you doing?"
    )
    item.get_by_role("button", name="Send message").click()
    expect(maria.get_by_text("Your message is waiting")).to_be_visible()

    maria.goto(item_page)
    item = maria.locator(f"#item-{comment.pk}")
    item.get_by_text("Record a contact with emergency services…").click()
    item.get_by_label("Which service you contacted").fill("Ambulance service (112)")
    item.get_by_label("When (your local time)").fill("2026-03-02T09:05")
    item.get_by_role("textbox", name="Why", exact=True).fill(
        "Rosa said she had a plan for tonight."
    )
    item.get_by_role("button", name="Record the contact").click()
    expect(maria.get_by_text("Recorded in the moderation log.")).to_be_visible()

    maria.goto(item_page)
    item = maria.locator(f"#item-{comment.pk}")
    item.get_by_text("Close the crisis item…").click()
    item.get_by_label("What was done").fill("Rosa replied; she is with family tonight.")
    item.get_by_role("button", name="Close: follow-up done").click()
    expect(maria.get_by_text("Closed. The follow-up is in the moderation log.")).to_be_visible()
    assert not CrisisCase.objects.open().exists()

    # The log shows every step.
    maria.goto(f"{live_server.url}/moderation/log/")
    for label in (
        "Possible crisis",
        "On-call moderators paged",
        "Crisis item claimed",
        "Message sent to member",
        "Emergency services contacted",
        "Crisis item closed",
    ):
        expect(maria.locator(".mod-log").get_by_text(label, exact=True).first).to_be_visible()
    assert_accessible(maria)
    kinds = set(ModerationAction.objects.filter(comment=comment).values_list("kind", flat=True))
    assert {"crisis_flag", "crisis_page", "crisis_claim", "member_messaged", "emergency"} <= kinds


# No phrase of the list matches this: the shipped model reads it (issue 19).
IMPLICIT = (
    "Thanks for the article, the citrate helped my cramps. Nobody will notice when I'm "
    "gone, I've made sure of that."
)


def test_words_only_the_model_reads_as_crisis_are_met_the_same_way(
    browser, live_server, cast, assert_accessible, tmp_path
):
    rosa = signed_in(browser, live_server, cast["rosa"], width=390)
    rosa.goto(f"{live_server.url}{cast['article'].get_absolute_url()}")
    rosa.get_by_role("textbox", name="Your comment").fill(IMPLICIT)
    rosa.get_by_role("button", name="Preview").click()
    expect(rosa.locator("#support")).to_contain_text("If you are in immediate danger")
    expect(rosa.get_by_role("textbox", name="Your comment")).to_have_value(IMPLICIT)
    rosa.screenshot(path=str(tmp_path / "model-preview-390.png"), full_page=True)
    rosa.get_by_role("button", name="Post comment").click()
    expect(rosa.get_by_role("heading", name="Your comment is posted")).to_be_visible()
    comment = Comment.objects.get(body_source=IMPLICIT)

    maria = signed_in(browser, live_server, cast["maria"])
    maria.goto(f"{live_server.url}/moderation/comments/{comment.pk}/")
    crisis = maria.locator(f"#item-{comment.pk} .mod-crisis")
    # The sentence that read as crisis is marked, and the rule says a model found it.
    expect(crisis.locator("mark").first).to_have_text(
        "Nobody will notice when I'm gone, I've made sure of that."
    )
    expect(crisis).to_contain_text("Automated crisis signal")
    assert_accessible(maria)
    maria.screenshot(path=str(tmp_path / "model-item-1280.png"), full_page=True)
