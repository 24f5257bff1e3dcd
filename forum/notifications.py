"""Telling a member something inside the site: the one door for storing notifications.

Callers say who, what kind and about what; the rule that nobody is told of their own
actions, and that closed accounts are told nothing, lives here and nowhere else.
"""

from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.utils import timezone

from aposbook.models import User
from articles.models import Article
from forum.models import ArticleFollow, Comment, Notification


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


def _followers(article: Article, actor: User | None) -> QuerySet:
    """The followers told of something on this article: the same rule as notify()'s
    (never the actor, never a closed account), as one subquery."""
    follows = ArticleFollow.objects.filter(article=article, member__is_active=True)
    if actor is not None:
        follows = follows.exclude(member_id=actor.pk)
    return follows.values("member_id")


def notify_followers(
    article: Article,
    kind: Notification.Kind,
    *,
    actor: User | None = None,
    comment: Comment | None = None,
    text: str = "",
) -> int:
    """Tell every follower of the article at once, in a few queries however many there
    are (run from a task, never the request that caused it). New comments coalesce: a
    follower's unread notification for the article counts one more and points at the
    newest comment, so a busy discussion makes one notification per follower until they
    read it. Returns how many followers were told."""
    followers = _followers(article, actor)
    now = timezone.now()
    told = 0
    if kind == Notification.Kind.FOLLOWED_COMMENTS:
        told = (
            Notification.objects.unread()
            .filter(kind=kind, article=article, recipient_id__in=followers)
            .update(count=F("count") + 1, comment=comment, actor=actor, created_at=now)
        )
        have = Notification.objects.unread().filter(kind=kind, article=article)
        followers = followers.exclude(member_id__in=have.values("recipient_id"))
    new = [
        Notification(
            recipient_id=member_id,
            kind=kind,
            actor=actor,
            comment=comment,
            article=article,
            text=text,
            created_at=now,
        )
        for member_id in followers.values_list("member_id", flat=True)
    ]
    # Another task may have made some of them in between: the constraint keeps one.
    Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return told + len(new)


def mark_read(member: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's unread notifications read (only the given ones, when given);
    another member's ids are ignored. Returns how many changed."""
    unread = Notification.objects.for_member(member).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(member: User) -> int:
    return Notification.objects.for_member(member).unread().count()
