"""Following an article in the browser (issue 15): a member asks for new comments at
once in settings, follows the article with its button, and one email arrives when
another member posts; the settings page fits a phone."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from forum.services import post_comment
from tests.browser.test_discussion_journey import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_follower_chooses_at_once_follows_and_gets_one_email(
    page, live_server, assert_accessible, settings, tmp_path
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    article = ArticleFactory(slug="magnesium-and-sleep", title="Magnesium and sleep")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")

    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/accounts/settings/")
    choice = page.get_by_label("New comments on articles you follow")
    expect(choice).to_have_value("digest")  # the default
    choice.select_option("now")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.get_by_label("New comments on articles you follow")).to_have_value("now")
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "settings-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "settings-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_role("button", name="Follow this article").click()
    expect(page.get_by_text("You follow “Magnesium and sleep”")).to_be_visible()

    mail.outbox.clear()
    post_comment(author=bob, article=article, body="Magnesium at night helped me sleep.")
    post_comment(author=bob, article=article, body="And a second thought, a week on.")
    (email,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert "New comments on “Magnesium and sleep”, an article you follow" in email.body
    assert "Magnesium at night helped me sleep." in email.body
