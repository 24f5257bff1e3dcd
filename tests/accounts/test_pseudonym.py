"""A username that looks like a full real name gets a gentle, skippable suggestion to
use a pseudonym, at sign-up and in settings (issue 19)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aposbook.pseudonym import looks_like_full_name
from tests.accounts.test_signup import signup

User = get_user_model()
SUGGESTION = "Your username looks like it could be your real name"


@pytest.mark.parametrize(
    "username", ["jane.smith", "Maria_Garcia_74", "tom-oneill", "david.jones", "lucia_fernandez"]
)
def test_given_name_and_surname_look_like_a_full_name(username):
    assert looks_like_full_name(username)


@pytest.mark.parametrize(
    "username",
    ["jane", "jane77", "janesmith", "sarah.fibro", "fibro_warrior", "mark_runs", "spoonie.jo"],
)
def test_nicknames_and_single_names_do_not(username):
    assert not looks_like_full_name(username)


@pytest.mark.django_db
def test_sign_up_with_a_full_name_suggests_a_pseudonym_and_still_makes_the_account(client):
    page = signup(client, username="jane.smith").content.decode()
    assert SUGGESTION in page
    assert User.objects.filter(username="jane.smith").exists()


@pytest.mark.django_db
def test_sign_up_with_a_nickname_suggests_nothing(client):
    page = signup(client, username="quiet_heron").content.decode()
    assert SUGGESTION not in page
    assert User.objects.filter(username="quiet_heron").exists()


@pytest.mark.django_db
def test_settings_suggest_a_pseudonym_and_save_the_name_anyway(signed_in, member):
    response = signed_in.post(
        reverse("account-settings"), {"username": "Sarah_Jones", "email_on_reply": "on"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.username == "sarah_jones"
    page = signed_in.get(reverse("account-settings")).content.decode()
    assert SUGGESTION in page
    signed_in.post(reverse("account-settings"), {"username": "calm_otter", "email_on_reply": "on"})
    assert SUGGESTION not in signed_in.get(reverse("account-settings")).content.decode()
