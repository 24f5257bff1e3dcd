"""Fixtures for the tests that cross the forum, moderation and member apps."""

import uuid

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.moderation.conftest import make_comment, make_moderator


@pytest.fixture
def moderator(db):
    return make_moderator("mod_maria")


@pytest.fixture
def second_moderator(db):
    return make_moderator("mod_omar")


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
