"""Telling a member something inside the site: the one door for storing notifications.

Callers say who, what kind and about what; the rule that nobody is told of their own
actions, and that closed accounts are told nothing, lives here and nowhere else.
"""

from collections.abc import Iterable

from django.utils import timezone

from aposbook.models import User
from articles.models import Article
from forum.models import Comment, Notification


def notify(
    recipient: User,
    kind: Notification.Kind,
    *,
    actor: User | None = None,
    comment: Comment | None = None,
    article: Article | None = None,
    text: str = "",
) -> Notification | None:
    """Store one notification; None (nothing stored) when the recipient caused it
    themselves or their account is closed."""
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    if article is None and comment is not None:
        article = comment.article
    return Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, comment=comment, article=article, text=text
    )


def mark_read(member: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's unread notifications read (only the given ones, when given);
    another member's ids are ignored. Returns how many changed."""
    unread = Notification.objects.for_member(member).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(member: User) -> int:
    return Notification.objects.for_member(member).unread().count()
