import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from aposbook.models import moderators_group
from forum.models import Comment
from forum.pagecache.versions import bump_discussion_version, bump_queue_version
from forum.rendering import render_comment
from tests.factories import UserFactory, sign_in_with_second_factor


def make_moderator(username: str, *, two_factor: bool = True):
    user = UserFactory(username=username)
    # Not Group.objects.get(): transactional tests flush the rows the data migration made.
    user.groups.add(moderators_group())
    if two_factor:
        TOTP.activate(user, generate_totp_secret())
    return user


def make_comment(article, author, text="A thoughtful comment.", **fields) -> Comment:
    comment = Comment.objects.create(
        article=article, author=author, body_source=text, body_html=render_comment(text), **fields
    )
    # A row made directly stands for what a service writes, cache invalidation included.
    bump_discussion_version(article.pk)
    bump_queue_version()
    return comment


@pytest.fixture
def moderator(db):
    return make_moderator("mod_maria")


@pytest.fixture
def second_moderator(db):
    return make_moderator("mod_omar")


@pytest.fixture
def moderator_without_2fa(db):
    return make_moderator("mod_no2fa", two_factor=False)


@pytest.fixture
def author(db):
    return UserFactory(username="writer")


@pytest.fixture
def comment(article, author):
    return make_comment(article, author, "Magnesium helped my sleep a little.")


@pytest.fixture
def mod_client(client, moderator):
    sign_in_with_second_factor(client, moderator)
    return client
