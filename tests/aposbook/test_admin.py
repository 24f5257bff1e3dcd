"""The admin: branded AposBook, members listed with their standing, no password hashes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import Sanction
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db


def test_admin_is_branded_aposbook(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "AposBook administration" in html
    assert "Django administration" not in html
    assert reverse("admin:aposbook_user_changelist") in html


def test_members_are_listed_with_their_standing_and_searchable(admin_client):
    make_moderator("mod_list")
    UserFactory(username="quiet", verified=False)
    banned = UserFactory(username="banned_one")
    Sanction.objects.create(member=banned, kind=Sanction.Kind.BAN, reason="spam")
    suspended = UserFactory(username="resting", email="rest@example.org")
    Sanction.objects.create(
        member=suspended,
        kind=Sanction.Kind.SUSPENSION,
        reason="heated",
        ends_at=timezone.now() + datetime.timedelta(days=2),
    )
    url = reverse("admin:aposbook_user_changelist")
    html = admin_client.get(url).content.decode()
    for name in ["mod_list", "quiet", "banned_one", "resting"]:
        assert name in html
    assert "Banned" in html
    assert "Suspended until" in html
    assert "/moderation/log/?member=banned_one" in html
    found = admin_client.get(url, {"q": "rest@example"}).content.decode()
    assert "resting" in found
    assert "banned_one" not in found
    found = admin_client.get(url, {"q": "quiet"}).content.decode()
    assert "quiet" in found
    assert "resting" not in found


def test_member_page_in_the_admin_never_shows_or_edits_the_password(admin_client):
    member = UserFactory(username="private_person")
    response = admin_client.get(reverse("admin:aposbook_user_change", args=[member.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert member.password not in html
    assert "pbkdf2" not in html
    assert "argon2" not in html
    assert 'name="password"' not in html
    admin_client.post(
        reverse("admin:aposbook_user_change", args=[member.pk]),
        {"is_active": "", "password": "plain-text", "username": "renamed"},
    )
    member.refresh_from_db()
    assert member.username == "private_person"
    assert member.check_password("correct horse battery")
    assert member.is_active is False
