"""Signing in and out: password, emailed code, logout by POST only, attempt limits."""

import re
import time

import pytest
import time_machine
from django.urls import reverse

from tests.accounts.conftest import code_in, sign_in


@pytest.mark.django_db
def test_member_signs_in_with_username_or_email(client, member):
    assert sign_in(client, "alice").status_code == 302
    client.logout()
    assert sign_in(client, "ALICE@example.org").status_code == 302
    assert client.get(reverse("account-settings")).context["user"] == member


@pytest.mark.django_db
def test_wrong_password_keeps_the_login_and_drops_the_password(client, member):
    response = sign_in(client, "alice", "wrong horse battery")

    assert response.status_code == 200
    body = response.content.decode()
    assert "The username and/or password you specified are not correct." in body
    assert 'value="alice"' in body
    assert "wrong horse battery" not in body


@pytest.mark.django_db
def test_member_signs_in_with_a_code_sent_by_email(client, member, mailoutbox):
    client.post(reverse("account_request_login_code"), {"email": member.email})
    assert len(mailoutbox) == 1
    code = code_in(mailoutbox[0])

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert client.get(reverse("account-settings")).context["user"] == member


@pytest.mark.django_db
def test_wrong_sign_in_code_is_refused_with_a_clear_message(client, member, mailoutbox):
    client.post(reverse("account_request_login_code"), {"email": member.email})

    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})

    assert "That code is not right." in response.content.decode()
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_code_for_an_unknown_email_looks_the_same(client, member, mailoutbox):
    known = client.post(reverse("account_request_login_code"), {"email": member.email})
    client.logout()
    unknown = client.post(reverse("account_request_login_code"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.django_db
def test_sign_out_needs_a_post(signed_in):
    page = signed_in.get(reverse("account_logout"))
    assert page.status_code == 200
    assert page.context["user"].is_authenticated  # a link or image cannot sign anyone out
    assert '<form method="post" action="/accounts/logout/"' in page.content.decode()

    signed_in.post(reverse("account_logout"))
    assert not signed_in.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_header_links_the_signed_in_name_to_settings_and_signs_out_by_post(signed_in):
    body = signed_in.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("account-settings")}" title="Account settings">alice</a>' in body
    assert f'<form method="post" action="{reverse("account_logout")}"' in body


@pytest.mark.django_db
def test_too_many_failed_attempts_say_when_to_try_again(client, member):
    for _ in range(5):
        sign_in(client, "alice", "wrong horse battery")

    response = sign_in(client, "alice", "correct horse battery")

    body = response.content.decode()
    assert "Too many failed sign-in attempts. Please try again in 5 minutes" in body
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_rate_limited_signup_gets_a_friendly_429_with_retry_after(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_signup"), {"email": "x"})

    response = client.post(reverse("account_signup"), {"email": "x"})

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "<h1>Too many attempts</h1>" in body
    assert "Please try again in 1 minute." in body


@pytest.mark.django_db
def test_rate_limit_counters_live_in_the_shared_cache(client, member):
    from django.core.cache import cache

    sign_in(client, "alice", "wrong horse battery")

    # allauth counts in Django's default cache (Redis or the database cache in
    # production), so every worker process sees the same counters.
    assert any(cache.get(key) for key in _allauth_rate_keys(cache)), (
        "no allauth rate-limit counter in the default cache"
    )


def _allauth_rate_keys(cache):
    return [key.split(":", 2)[-1] for key in cache._cache if ":allauth:rl:" in key]


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client, staff):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response["Location"]


@pytest.mark.django_db
def test_member_without_staff_rights_cannot_open_the_admin_login(signed_in):
    assert signed_in.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_three_wrong_codes_end_the_code_and_say_so(client, member, mailoutbox):
    client.post(reverse("account_request_login_code"), {"email": member.email})
    code = code_in(mailoutbox[0])
    for _ in range(2):
        client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})

    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")
    assert "Too many failed sign-in attempts." in response.content.decode()
    late = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert not client.get(reverse("home")).context["user"].is_authenticated
    assert late.status_code == 302


@pytest.mark.django_db
def test_expired_code_no_longer_signs_in(client, member, mailoutbox):
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False) as traveller:
        client.post(reverse("account_request_login_code"), {"email": member.email})
        code = code_in(mailoutbox[0])
        traveller.shift(60 * 10)

        response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)

    assert not response.context["user"].is_authenticated
    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")


@pytest.mark.django_db
def test_passkey_button_ships_hidden_for_browsers_without_javascript(client):
    body = client.get(reverse("account_login")).content.decode()

    assert 'id="passkey_login" type="submit" hidden data-needs-js' in body
    assert '<script src="/static/js/account.js" defer></script>' in body


# --- Behind a load balancer (issue 13) ------------------------------------------


def sign_in_from(client, address: str, login: str, password: str):
    """A sign-in through one proxy (DJANGO_PROXY_COUNT=1) for a client at `address`."""
    return client.post(
        "/accounts/login/",
        {"login": login, "password": password},
        REMOTE_ADDR="10.0.0.1",  # the load balancer
        HTTP_X_FORWARDED_FOR=f"203.0.113.99, {address}",  # the left entry is forged
    )


@pytest.mark.django_db
def test_one_clients_failures_behind_the_proxy_do_not_lock_out_other_clients(
    client, member, settings
):
    from django.test import Client

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(11):
        sign_in_from(client, "198.51.100.7", f"stranger{attempt}", "guess")
    assert "Too many failed" in sign_in_from(client, "198.51.100.7", "x", "y").content.decode()

    elsewhere = sign_in_from(Client(), "192.0.2.44", "alice", "correct horse battery")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_a_strangers_wrong_passwords_leave_the_member_a_code_sign_in(
    client, member, mailoutbox, settings
):
    from django.test import Client

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    stranger = Client()
    for _ in range(5):
        sign_in_from(stranger, "198.51.100.7", "alice", "wrong horse battery")
    own = client
    locked = sign_in_from(own, "192.0.2.44", "alice", "correct horse battery")
    assert "sign in with a code sent to your email" in locked.content.decode()

    own.post(reverse("account_request_login_code"), {"email": member.email})
    assert len(mailoutbox) == 1
    response = own.post(reverse("account_confirm_login_code"), {"code": code_in(mailoutbox[0])})
    assert response.status_code == 302
    assert own.get(reverse("account-settings")).context["user"] == member


@pytest.mark.django_db
def test_the_per_account_lock_ends_within_five_minutes(client, member, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in_from(client, "198.51.100.7", "alice", "wrong horse battery")
    with time_machine.travel(time.time() + 5 * 60 + 10):
        response = sign_in_from(client, "192.0.2.44", "alice", "correct horse battery")
    assert response.status_code == 302


def test_posting_limits_count_the_real_client_behind_the_proxy(rf, settings):
    from django_ratelimit.core import get_usage

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    requests = [
        rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)
        for address in ("198.51.100.7", "198.51.100.7", "192.0.2.44")
    ]
    usages = [get_usage(r, group="t", key="ip", rate="1/m", increment=True) for r in requests]
    assert [usage["should_limit"] for usage in usages] == [False, True, False]


@pytest.mark.django_db
def test_429_page_says_the_window_of_the_limit_that_was_hit(client, settings):
    # The sign-in page has a 1-minute limit per address and a 5-minute one per login:
    # running into the per-address one says 1 minute.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "someone", "password": "x"})
    response = client.post(reverse("account_login"), {"login": "someone", "password": "x"})
    assert response.status_code == 429
    assert "Please try again in 1 minute." in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_sign_in_field_says_username_or_email(client):
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r"<label[^>]*>\s*Username or email", page)
    assert ">Login<" not in page
    assert "Login\n" not in page


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Sign up"),
        ("account_reset_password", "Reset your password"),
    ],
)
@pytest.mark.django_db
def test_account_pages_speak_in_sentence_case(client, name, heading):
    page = " ".join(client.get(reverse(name)).content.decode().split())
    assert f"<h1> {heading} </h1>" in page
    for title_case in ["Sign In", "Sign Up", "Password Reset", "Reset My Password", "Remember Me"]:
        assert title_case not in page


def test_sentence_case_keeps_names_and_the_first_word():
    from aposbook.templatetags.site_voice import sentence_case

    assert sentence_case("Two-Factor Authentication") == "Two-factor authentication"
    assert sentence_case("\n  Sign In to AposBook with TOTP") == "\n  Sign in to AposBook with TOTP"
