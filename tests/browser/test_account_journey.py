"""A reader becomes a member, protects the account with an authenticator app, and
signs in again with it: in Chromium, with axe checking each account page."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

PASSWORD = "a calm river of 42 stones"


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def journey_settings(settings):
    # One period of slack either side, so a code computed at the end of a 30-second
    # window is still good when the server checks it.
    settings.MFA_TOTP_TOLERANCE = 1
    return settings


@pytest.mark.django_db(transaction=True)
def test_reader_signs_up_verifies_enables_totp_and_signs_in_with_it(
    page, live_server, mailoutbox, assert_accessible, journey_settings
):
    base = live_server.url
    # Emails link to SITE_URL, whatever address the request came to.
    journey_settings.SITE_URL = base

    # Sign up.
    page.goto(f"{base}/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Email", exact=True).fill("rosa@example.org")
    page.get_by_label("Username", exact=True).fill("Rosa")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("h1")).to_contain_text("Verify your email address")
    assert_accessible(page)

    # Open the verification link from the email.
    [message] = mailoutbox
    link = re.search(r"https?://\S+/confirm-email/\S+", message.body).group(0)
    assert link.startswith(f"{base}/accounts/confirm-email/")
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Confirm email address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    # Sign in. With JavaScript on, the passkey option shows as well.
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username or email").fill("rosa")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("link", name="rosa")).to_be_visible()

    # Account settings, then two-factor authentication with an authenticator app.
    page.get_by_role("link", name="rosa").click()
    expect(page.locator("h1")).to_have_text("Account settings")
    assert_accessible(page)
    page.get_by_role("link", name="Two-factor authentication").click()
    assert_accessible(page)
    page.get_by_role("link", name="Activate").click()
    if "Confirm access" in page.locator("h1").inner_text():
        assert_accessible(page)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_contain_text("Activate authenticator app")
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.locator("h1")).to_contain_text("Recovery codes")
    assert_accessible(page)

    # Sign out (a POST from the header), then sign in with the password and a code.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username or email").fill("rosa@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Two-factor authentication")
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_now(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("link", name="rosa")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_account_pages_read_on_a_phone_without_sideways_scrolling(
    page, live_server, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/login/code/",
        "/accounts/password/reset/key/zz-expired/",
        "/accounts/confirm-email/expired/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_signed_in_account_pages_pass_axe(page, live_server, assert_accessible):
    from tests.factories import UserFactory

    UserFactory(username="rosa")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill("rosa")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("link", name="rosa")).to_be_visible()

    for path in (
        "/accounts/settings/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
        "/members/rosa/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        assert_accessible(page)

    # A refused change keeps what was typed and ties the error to the field.
    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_label("Public username").fill("no spaces allowed")
    page.get_by_role("button", name="Save settings").click()
    field = page.get_by_label("Public username")
    expect(field).to_have_value("no spaces allowed")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
