"""Two-factor authentication (TOTP, recovery codes) and the list of signed-in sessions."""

import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, reauthenticate, sign_in, totp_now

FROZEN = "2026-03-02 10:00:05+00:00"


def open_after_reauthentication(client, name: str):
    """Open an MFA page, typing the password first when allauth asks for it."""
    page = client.get(reverse(name), follow=True)
    if "Confirm access" in page.content.decode():
        reauthenticate(client)
        page = client.get(reverse(name))
    return page


def activate_totp(client) -> str:
    page = open_after_reauthentication(client, "mfa_activate_totp")
    secret = client.session[SECRET_SESSION_KEY]
    assert f'value="{secret}"' in page.content.decode()  # shown for typing in by hand
    client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    return secret


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_member_enables_totp_and_then_needs_a_code_to_sign_in(client, member):
    sign_in(client, "alice")
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))

    response = sign_in(client, "alice")
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("home")).context["user"].is_authenticated

    client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert client.get(reverse("home")).context["user"] == member


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_wrong_totp_code_is_refused_with_a_message(client, member):
    sign_in(client, "alice")
    open_after_reauthentication(client, "mfa_activate_totp")

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=member).exists()


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_recovery_code_signs_in_once(client, member):
    sign_in(client, "alice")
    activate_totp(client)
    codes_page = open_after_reauthentication(client, "mfa_view_recovery_codes")
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", codes_page.content.decode(), re.DOTALL)
    codes = textarea.group(1).split()
    assert len(codes) == 10
    client.post(reverse("account_logout"))

    sign_in(client, "alice")
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.get(reverse("home")).context["user"] == member
    client.post(reverse("account_logout"))

    sign_in(client, "alice")
    reused = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "Incorrect code." in reused.content.decode()


@pytest.mark.django_db
def test_two_factor_page_works_without_javascript(signed_in):
    body = signed_in.get(reverse("mfa_index")).content.decode()

    assert re.search(r"<h1>\s*Two-factor authentication\s*</h1>", body)
    assert f'href="{reverse("mfa_activate_totp")}"' in body
    assert "<script>" not in body  # no inline script that CSP would block


@pytest.mark.django_db
def test_member_sees_sessions_and_ends_the_others(member):
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        sign_in(device, "alice")
    assert UserSession.objects.filter(user=member).count() == 2

    page = laptop.get(reverse("usersessions_list"))
    assert page.content.decode().count("<tr>") == 3  # a header row and two sessions
    laptop.post(reverse("usersessions_list"))

    assert UserSession.objects.filter(user=member).count() == 1
    assert laptop.get(reverse("home")).context["user"] == member
    assert not phone.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_passkey_pages_load_their_scripts_from_our_own_origin(signed_in):
    reauthenticate(signed_in, PASSWORD)
    page = signed_in.get(reverse("mfa_add_webauthn"))
    body = page.content.decode()

    scripts = re.findall(r"<script([^>]*)>", body)
    assert scripts
    for attributes in scripts:
        # Either a file from /static/ (script-src 'self') or inert JSON data.
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
    assert "script-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_moderator_returns_to_the_queue_after_setting_up_totp(client):
    from tests.moderation.conftest import make_moderator

    make_moderator("alice", two_factor=False)
    sign_in(client, "alice")
    setup = client.get("/moderation/?state=pending")
    assert setup["Location"] == "/accounts/2fa/totp/activate/?next=/moderation/%3Fstate%3Dpending"
    client.get(setup["Location"], follow=True)
    if client.session.get(SECRET_SESSION_KEY) is None:
        reauthenticate(client)
        client.get(setup["Location"])
    secret = client.session[SECRET_SESSION_KEY]
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(done["Location"]).content.decode()
    assert 'href="/moderation/?state=pending"' in codes
    assert "Continue to where you were going" in codes


@pytest.mark.django_db
def test_totp_setup_ignores_a_next_on_another_site(client, member):
    sign_in(client, "alice")
    client.get(reverse("mfa_activate_totp") + "?next=https://evil.example/")
    assert "after_two_factor" not in client.session


@pytest.mark.django_db
def test_two_factor_page_offers_a_security_key_only_to_members_with_one(client, member):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(member, generate_totp_secret())
    page = sign_in_to_second_step(client)
    assert "Two-factor authentication" in page
    assert "Type one of your recovery codes in the same box" in page
    assert "Use a security key" not in page
    assert "Cancel" in page  # a way out stays

    # A member with a key is offered it (a real key's data is needed to render that
    # page, so the form's own answer is checked).
    from aposbook.account_forms import SecurityKeyForm

    assert SecurityKeyForm(user=member).has_security_key is False
    Authenticator.objects.create(user=member, type=Authenticator.Type.WEBAUTHN, data={})
    assert SecurityKeyForm(user=member).has_security_key is True


def sign_in_to_second_step(client) -> str:
    response = sign_in(client, "alice")
    assert response["Location"] == reverse("mfa_authenticate")
    return client.get(reverse("mfa_authenticate")).content.decode()
