"""Content-Security-Policy `default-src 'none'` with explicit directives (issue 13): no
page reports a violation in Chromium, the TOTP set-up page (its QR code) and the passkey
pages included."""

import pytest

from tests.browser.test_moderation_journey import signed_in
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_moderator

# Every violation the browser reports, collected before any page script runs.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

ANONYMOUS_PAGES = ["/", "/science/", "{article}", "/accounts/login/", "/accounts/signup/",
                   "/accounts/login/code/", "/accounts/password/reset/"]  # fmt: skip
MEMBER_PAGES = [
    "{article}",
    "/accounts/settings/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",  # the QR code: an inline SVG image
    "/accounts/2fa/webauthn/",  # passkeys and security keys
    "/accounts/2fa/webauthn/add/",
    "/accounts/sessions/",
]


def freshly_signed_in(browser, live_server, user):
    """A browser whose session just confirmed its password: allauth asks for that again
    before the 2FA pages open (a recent reauthentication)."""
    from types import SimpleNamespace

    from allauth.account.internal.flows.login import record_authentication
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    record_authentication(
        SimpleNamespace(session=session, user=user), user, "password", reauthenticated=True
    )
    session.save()
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def violations_on(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations")


@pytest.fixture
def article(transactional_db):
    return ArticleFactory(title="Magnesium For Fibromyalgia")


def test_anonymous_pages_report_no_csp_violation(page, live_server, article):
    page.add_init_script(COLLECT_VIOLATIONS)
    found = {
        path: violations_on(page, live_server.url + path.format(article=article.get_absolute_url()))
        for path in ANONYMOUS_PAGES
    }
    assert found == {path: [] for path in ANONYMOUS_PAGES}


def test_member_pages_with_totp_qr_and_passkeys_report_no_csp_violation(
    browser, live_server, article
):
    page = freshly_signed_in(browser, live_server, UserFactory(username="rosa"))
    page.add_init_script(COLLECT_VIOLATIONS)
    found = {}
    for path in MEMBER_PAGES:
        found[path] = violations_on(
            page, live_server.url + path.format(article=article.get_absolute_url())
        )
        if path == "/accounts/2fa/totp/activate/":
            assert page.locator("img[src^='data:image/svg+xml']").count() == 1
        if path == "/accounts/2fa/webauthn/add/":
            assert page.locator("form").count() >= 1
    assert found == {path: [] for path in MEMBER_PAGES}


def test_moderation_pages_report_no_csp_violation(browser, live_server, article):
    page = signed_in(browser, live_server, make_moderator("maria"))
    page.add_init_script(COLLECT_VIOLATIONS)
    paths = ["/moderation/", "/moderation/log/"]
    found = {path: violations_on(page, live_server.url + path) for path in paths}
    assert found == {path: [] for path in paths}
