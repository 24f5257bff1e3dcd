import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a fresh staple meadow 42"


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """A test client whose requests run their on-commit callbacks, as in production.

    Tests run inside a transaction that never commits, so without this the emails that
    the adapter queues with transaction.on_commit would never be sent.
    """
    original = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    client.request = request
    return client


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s>]+", message.body)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def code_in(message) -> str:
    """The one-time code in an allauth email (e.g. "CTVC-XZLS")."""
    match = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{2,4})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, login: str, password: str = PASSWORD):
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR="127.0.0.1"
    )


def reauthenticate(client, password: str = PASSWORD):
    return client.post("/accounts/reauthenticate/", {"password": password}, follow=True)


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client
