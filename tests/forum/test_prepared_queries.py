"""Queries compiled once per process (aposbook/prepared.py) answer exactly what the
ORM's own query answers, with the request's ids, and are not built again per request."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aposbook.backends import AuthenticationBackend, _LoadsStanding, forget_members
from aposbook.models import User
from forum.discussion import _OWN_COMMENTS, _own_comments_query, own_comments
from forum.models import Reaction, Report, ReportReason, Sanction
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _standing(user: User) -> tuple:
    return (user.pk, user.standing_verified, user.standing_moderates, user.standing_sanctioned)


def test_the_member_comes_with_the_standing_the_orm_gives(member, moderator):
    forget_members()
    backend = AuthenticationBackend()
    banned = UserFactory()
    Sanction.objects.create(member=banned, kind="ban", reason="spam", created_by=moderator)
    for user in (member, moderator, banned, UserFactory(verified=False)):
        loaded = backend.get_user(str(user.pk))  # the session holds the id as text
        expected = User.objects.with_standing().get(pk=user.pk)
        assert _standing(loaded) == _standing(expected)
        assert loaded.__dict__.keys() >= {"username", "email", "password"}
        assert type(loaded.standing_verified) is bool
    assert backend.get_user(987654321) is None
    assert backend.get_user("not a number") is None


def test_compiled_once_then_one_query_per_member(member, other_member):
    forget_members()
    backend = AuthenticationBackend()
    backend.get_user(member.pk)
    compiled = dict(_LoadsStanding._members._compiled)
    with CaptureQueriesContext(connection) as captured:
        assert backend.get_user(other_member.pk).pk == other_member.pk
    assert len(captured) == 1
    assert _LoadsStanding._members._compiled == compiled  # not compiled again


def test_forgotten_after_migrate_holds_the_new_permission_id(member):
    """The permission's id is in the compiled SQL: a new id (after flush) is seen."""
    forget_members()
    AuthenticationBackend().get_user(member.pk)
    member.user_permissions.add(Permission.objects.get(codename="moderate"))
    forget_members()
    assert AuthenticationBackend().get_user(member.pk).standing_moderates is True


def test_own_comments_rows_equal_the_orms(member, other_member):
    article, elsewhere = ArticleFactory(), ArticleFactory()
    mine = CommentFactory(article=article, author=member)
    CommentFactory(article=elsewhere, author=member)
    reply = CommentFactory(article=article, author=member, parent=CommentFactory(article=article))
    reported = CommentFactory(article=article, author=other_member)
    Report.objects.create(comment=reported, reporter=member, reason=ReportReason.choices[0][0])
    helpful = CommentFactory(article=article, author=other_member)
    Reaction.objects.create(comment=helpful, member=member, kind=Reaction.Kind.HELPFUL)
    _OWN_COMMENTS.forget()
    for reader in (member, other_member):
        rows = sorted(_OWN_COMMENTS.rows(article_id=article.pk, user_id=reader.pk))
        orm = sorted(_own_comments_query(article_id=article.pk, user_id=reader.pk))
        assert rows == orm
    own = own_comments(article.pk, member)
    assert own.threads == {mine.pk, reply.root_id, reported.pk, helpful.pk}
    assert own.reported_ids == {reported.pk}
    assert own.reactions == {helpful.pk: frozenset({"helpful"})}
