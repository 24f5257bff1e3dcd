"""Timing does not tell who is a member (issue 13): sign-up with a taken email and with a
new one, sign-in with a wrong password for a member's email and for an unknown one, do
the same password-hashing work, so they take the same time."""

import statistics
import time
import uuid

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import UserFactory


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


class SlowHasher(PBKDF2PasswordHasher):
    """Costly enough (some 100 ms here) that hashing is what a clock measures."""

    algorithm = "slow_pbkdf2"
    iterations = 100_000


def hashes_during(action) -> int:
    before = CountingHasher.calls
    action()
    return CountingHasher.calls - before


def signup(client, email: str) -> None:
    name = "u" + uuid.uuid4().hex[:10]
    response = client.post(
        reverse("account_signup"),
        {"email": email, "username": name, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    client.cookies.clear()


def new_email() -> str:
    return f"new-{uuid.uuid4().hex[:10]}@example.org"


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]


@pytest.fixture
def slow(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    # Off while timing: after 5 failures the limit answers at once, without hashing.
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["ALICE@example.org", "alice"], ids=["by-email", "by-username"])
def test_wrong_password_hashes_as_often_for_a_member_as_for_nobody(client, counting, login):
    UserFactory(username="alice")  # its password hashed with the counting hasher
    unknown = "nobody@example.org" if "@" in login else "nobody"
    member = hashes_during(lambda: sign_in(client, login, "wrong horse battery"))
    nobody = hashes_during(lambda: sign_in(client, unknown, "wrong horse battery"))
    assert member == nobody


@pytest.mark.django_db
def test_signup_with_a_taken_email_hashes_like_a_new_one(client, counting):
    UserFactory(username="alice")
    taken = hashes_during(lambda: signup(client, "alice@example.org"))
    fresh = hashes_during(lambda: signup(client, new_email()))
    assert taken == fresh >= 1


def median_seconds(action, runs: int = 7) -> float:
    """Of CPU time: what an attacker's clock sees on a quiet server, without the noise
    other processes on a shared test machine add to the wall clock."""
    samples = []
    for _ in range(runs):
        started = time.process_time()
        action()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def interleaved_medians(first, second, runs: int = 15) -> tuple[float, float, float]:
    """Medians of the two actions and of one password hash, taken turn about so that a
    busy moment hits all three alike."""
    hasher = SlowHasher()
    a, b, one_hash = [], [], []
    for _ in range(runs):
        a.append(median_seconds(first, runs=1))
        b.append(median_seconds(second, runs=1))
        one_hash.append(median_seconds(lambda: hasher.encode(PASSWORD, hasher.salt()), runs=1))
    return statistics.median(a), statistics.median(b), statistics.median(one_hash)


@pytest.mark.django_db
def test_sign_in_medians_match_for_a_members_email_and_an_unknown_one(client, slow):
    UserFactory(username="alice")
    member, nobody, one_hash = interleaved_medians(
        lambda: sign_in(client, "alice@example.org", "wrong horse battery"),
        lambda: sign_in(client, "nobody@example.org", "wrong horse battery"),
    )
    # Before: 3 hashes against 2, a whole hash apart; now 2 and 2.
    assert abs(member - nobody) < 0.5 * one_hash, (member, nobody, one_hash)


@pytest.mark.django_db
def test_signup_medians_match_for_a_taken_email_and_a_new_one(client, slow):
    UserFactory(username="alice")
    taken, fresh, one_hash = interleaved_medians(
        lambda: signup(client, "alice@example.org"), lambda: signup(client, new_email())
    )
    # Before: no hash against one (20 times faster); now one each.
    assert abs(taken - fresh) < 0.5 * one_hash, (taken, fresh, one_hash)
