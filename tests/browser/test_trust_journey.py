"""Issue 16 in the browser: "Helpful" changes the order, a misinformation report drops
the comment, an expert applies, is verified (the badge shows) and revoked (it goes)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment, make_moderator


def _day_old(**fields):
    user = UserFactory(**fields)
    type(user).objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=3)
    )
    return user


@pytest.fixture
def cast(transactional_db):
    article = ArticleFactory(title="Magnesium For Fibromyalgia")
    amy, ben = _day_old(username="amy"), _day_old(username="ben")
    first = make_comment(article, amy, "Magnesium did little for me, but it was worth a try.")
    second = make_comment(article, ben, "Magnesium cures fibromyalgia for everyone.")
    return {
        "article": article,
        "amy": amy,
        "first": first,
        "second": second,
        "carl": _day_old(username="carl"),
        "dana": _day_old(username="dana"),
        "maria": make_moderator("maria"),
    }


def _first_thread(page):
    return page.locator("li.thread article").first


def test_helpful_order_report_and_expert_badge(browser, live_server, cast, assert_accessible):
    url = f"{live_server.url}{cast['article'].get_absolute_url()}"
    second = cast["second"]

    carl = signed_in(browser, live_server, cast["carl"])
    carl.goto(f"{url}?sort=helpful#discussion")
    expect(_first_thread(carl)).to_have_id(f"comment-{cast['first'].pk}")
    helpful = carl.locator(f"#comment-{second.pk} button[value=helpful]")
    helpful.click()  # the script posts it and updates the button in place
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful.locator("[data-count]")).to_have_text("1")
    assert_accessible(carl)
    carl.reload()
    expect(_first_thread(carl)).to_have_id(f"comment-{second.pk}")

    dana = signed_in(browser, live_server, cast["dana"])
    dana.goto(f"{live_server.url}/comments/{second.pk}/report/")
    dana.get_by_label("Medical misinformation or dangerous advice").check()
    dana.get_by_role("button", name="Send report").click()
    expect(dana.get_by_text("A moderator will review")).to_be_visible()
    carl.reload()
    expect(_first_thread(carl)).to_have_id(f"comment-{cast['first'].pk}")

    amy = signed_in(browser, live_server, cast["amy"])
    amy.goto(f"{live_server.url}/experts/apply/")
    amy.get_by_label("Profession, as the badge should show it").fill("Registered dietitian")
    amy.get_by_label("Registration body").fill("Health and Care Professions Council")
    amy.get_by_label("Registration number").fill("DT012345")
    amy.get_by_label("Link to your entry in the public registry").fill(
        "https://www.hcpc-uk.org/check-the-register/"
    )
    amy.get_by_role("button", name="Send the application").click()
    expect(amy.get_by_text("is waiting for a moderator")).to_be_visible()
    assert_accessible(amy)

    maria = signed_in(browser, live_server, cast["maria"])
    maria.goto(f"{live_server.url}/moderation/experts/")
    assert_accessible(maria)
    maria.get_by_role("button", name="Verify amy").click()
    expect(maria.get_by_text("Verified: the badge shows")).to_be_visible()

    reader = browser.new_page()
    reader.goto(url)
    badge = reader.locator(f"#comment-{cast['first'].pk} .badge--expert")
    expect(badge).to_have_text("Registered dietitian · verified")
    assert_accessible(reader)
    badge.click()
    expect(reader.get_by_role("heading", name="What it does not mean")).to_be_visible()

    maria.get_by_label("Why revoked (the member reads this)").fill("The registration lapsed.")
    maria.get_by_role("button", name="Revoke the badge").click()
    expect(maria.get_by_text("Revoked: the badge is gone")).to_be_visible()
    reader.goto(url)
    expect(reader.locator(".badge--expert")).to_have_count(0)
    expect(reader.get_by_text("Magnesium did little for me")).to_be_visible()
