"""The notification core: one door (notify) and its rules."""

import pytest

from forum.models import Notification
from forum.notifications import mark_read, notify, unread_count
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_notify_stores_one_row_with_the_comments_article() -> None:
    comment = CommentFactory()
    replier = UserFactory()
    stored = notify(comment.author, Notification.Kind.REPLY, actor=replier, comment=comment)
    assert stored is not None
    row = Notification.objects.get()
    assert (row.recipient, row.actor, row.comment, row.article) == (
        comment.author,
        replier,
        comment,
        comment.article,
    )
    assert row.read_at is None


def test_nobody_is_notified_of_their_own_action() -> None:
    comment = CommentFactory()
    assert notify(comment.author, Notification.Kind.REPLY, actor=comment.author) is None
    assert not Notification.objects.exists()


def test_a_closed_account_is_told_nothing() -> None:
    member = UserFactory(is_active=False)
    assert notify(member, Notification.Kind.MODERATOR_MESSAGE, text="Hello") is None
    assert not Notification.objects.exists()


def test_mark_read_touches_only_the_members_own_unread() -> None:
    member, other = UserFactory(), UserFactory()
    mine = [notify(member, Notification.Kind.SUPPORT, text=str(n)) for n in range(3)]
    theirs = notify(other, Notification.Kind.SUPPORT, text="x")
    assert mine[0] is not None
    assert theirs is not None
    assert mark_read(member, [mine[0].pk, theirs.pk]) == 1
    assert unread_count(member) == 2
    assert unread_count(other) == 1
    assert mark_read(member) == 2
    assert unread_count(member) == 0
    assert unread_count(other) == 1
