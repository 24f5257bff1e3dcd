"""Fixtures for the tests that cross the forum, moderation and member apps."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import Sanction
from tests.factories import UserFactory

# The moderation tests' moderators (in the Moderators group, with an authenticator app).
from tests.moderation.conftest import make_comment, moderator, second_moderator  # noqa: F401


@pytest.fixture
def other_member(db):
    return UserFactory(username="bob")


@pytest.fixture
def established(settings):
    """Screening as in production (new members' first comment is held), but for members
    who already have an approved comment."""
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1

    def establish(user, article):
        return make_comment(article, user, f"An earlier comment by {user.username}.")

    return establish


def create_url(article) -> str:
    return reverse("forum:comment-create", kwargs={"slug": article.slug})


def post_data(body="A thoughtful comment.", **extra) -> dict:
    return {"body": body, "form_token": str(uuid.uuid4()), "kind": "", "source": "", **extra}


@pytest.fixture
def suspend(moderator):  # noqa: F811 (the imported fixture, requested by name)
    """Suspend a member for a few days, as a moderator would."""

    def run(member, reason="Cooling off."):
        return Sanction.objects.create(
            member=member,
            kind=Sanction.Kind.SUSPENSION,
            reason=reason,
            ends_at=timezone.now() + timedelta(days=3),
            created_by=moderator,
        )

    return run
