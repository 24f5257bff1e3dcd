"""Telling a member something inside the site: the one door for storing notifications.

Callers say who, what kind and about what; the rule that nobody is told of their own
actions, and that closed accounts are told nothing, lives here and nowhere else. So does
what follows a notification: the unread count in the header (kept in the cache, and
forgotten by every change here), and its email as the member chose: at once (a task after
commit), in the daily digest (`send_digests`, run by aposbook/daily.py), or not at all.

Who is told of a comment (the member it answers, the members it mentions) is decided
here too, and only once the comment is published: a held comment tells nobody until a
moderator publishes it, a removed one never.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from aposbook.models import User
from articles.models import Article
from forum.models import ArticleFollow, Comment, CommentStatus, Notification
from forum.notification_kinds import (
    EMAIL_DEFAULTS,
    OWN_EMAIL_KINDS,
    EmailMode,
    email_mode,
    email_modes,
)
from forum.pagecache import shared
from forum.rendering import mention_candidates, mentions_in

Kind = Notification.Kind


# A comment naming more members than this notifies the first ones only (all are linked):
# a mention is a nudge to one person, not a mailing list.
MAX_MENTIONS_NOTIFIED = 10
# The digest takes unsent notifications this far back: a day, and the day before when
# a run was missed (emailed_at keeps anything from going out twice).
DIGEST_LOOKBACK = timedelta(days=2)

_COUNT_KEY = "notifications:unread:{pk}"
# Forgotten on every change; the limit only bounds a count kept through a cache outage.
COUNT_SECONDS = 3600


@transaction.atomic
def set_email_modes(*, member: User, modes: Mapping[str, str]) -> None:
    """Store the member's choices (kinds they cannot choose for are ignored)."""
    chosen = dict(member.email_preferences or {})
    chosen |= {
        kind: mode
        for kind, mode in modes.items()
        if kind in EMAIL_DEFAULTS and mode in EmailMode.values
    }
    member.email_preferences = chosen
    member.email_on_reply = chosen.get(Kind.REPLY, EmailMode.NOW) != EmailMode.OFF
    User.objects.filter(pk=member.pk).update(
        email_preferences=chosen, email_on_reply=member.email_on_reply
    )


@transaction.atomic
def stop_emails(*, member: User, kind: str) -> None:
    """The one-click unsubscribe: no more emails of this kind ("digest": no digest at
    all, every kind it carried goes off)."""
    if kind == "digest":
        kinds = [k for k, mode in email_modes(member).items() if mode == EmailMode.DIGEST]
    else:
        kinds = [kind if kind in EMAIL_DEFAULTS else Kind.REPLY]
    set_email_modes(member=member, modes=dict.fromkeys(kinds, EmailMode.OFF))


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
    themselves or their account is closed. Its email, if the member wants one at
    once, leaves after commit."""
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    if article is None and comment is not None:
        article = comment.article
    own_email = kind in OWN_EMAIL_KINDS
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        comment=comment,
        article=article,
        text=text,
        emailed_at=timezone.now() if own_email else None,
    )
    forget_unread_count(recipient.pk)
    if not own_email and recipient.email and email_mode(recipient, kind) == EmailMode.NOW:
        from forum.tasks import send_notification_email

        transaction.on_commit(
            lambda: send_notification_email.enqueue(notification_id=notification.pk)
        )
    return notification


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
    recipients = list(followers.values_list("member_id", flat=True))
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
    # Their header counts change: one cache call for everyone (no database query).
    shared.delete_many([_COUNT_KEY.format(pk=member_id) for member_id in recipients])
    if new:
        _email_new_at_once(article, kind, created_at=now)
    return told + len(new)


def _email_new_at_once(article: Article, kind: Notification.Kind, *, created_at: datetime) -> None:
    """Queue the email of each notification just made for a follower who asked for this
    kind at once (one query to find them). Only new notifications: a comment that
    coalesces into an unread one was told by that one's email, so a busy discussion sends
    a follower one email until they read it, not one per comment."""
    from forum.tasks import send_notification_email

    wanted = {f"recipient__email_preferences__{kind}": EmailMode.NOW.value}
    if EMAIL_DEFAULTS.get(kind) == EmailMode.NOW:  # and those who never chose
        wanted = {}
    made = Notification.objects.filter(
        kind=kind,
        article=article,
        created_at=created_at,
        emailed_at__isnull=True,
        recipient__email__gt="",
        **wanted,
    ).values_list("pk", flat=True)
    for notification_id in made:
        send_notification_email.enqueue(notification_id=notification_id)


def mark_read(member: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's unread notifications read (only the given ones, when given);
    another member's ids are ignored. Returns how many changed."""
    unread = Notification.objects.for_member(member).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        forget_unread_count(member.pk)
    return changed


def unread_count(member: User) -> int:
    """The header's number: from the cache, else one query (kept until a change here).
    With the cache out of reach, the query every time: pages carry on without it."""
    key = _COUNT_KEY.format(pk=member.pk)
    count = shared.get(key)
    if count is None:
        count = Notification.objects.for_member(member).unread().count()
        shared.put(key, count, timeout=COUNT_SECONDS)
    return int(count)


def forget_unread_count(member_id: int) -> None:
    """Now, and again after commit: a request reading in between must not keep the
    old number. A cache out of reach must not stop a notification (a support notice
    among them): the count is then at most COUNT_SECONDS old."""
    key = _COUNT_KEY.format(pk=member_id)
    shared.delete(key)
    transaction.on_commit(lambda: shared.delete(key))


# ---- Who a published comment tells.


def mention_targets(source: str) -> dict[str, str]:
    """The members a text may mention, by lower-cased name: {"alice": "Alice"}. One
    query, none when the text has no "@"."""
    candidates = mention_candidates(source)
    if not candidates:
        return {}
    names = (
        User.objects.filter(is_active=True)
        .annotate(lower_name=Lower("username"))
        .filter(lower_name__in=candidates)
        .values_list("lower_name", "username")
    )
    return dict(names)


def _answered(comment: Comment) -> Comment | None:
    return comment.in_reply_to or comment.parent


def announce_reply(comment: Comment) -> Notification | None:
    """The member a published reply answers hears of it (once: at its first publication)."""
    answered = _answered(comment)
    if answered is None or answered.author is None or comment.author is None:
        return None
    return notify(answered.author, Kind.REPLY, actor=comment.author, comment=comment)


def announce_mentions(
    comment: Comment, targets: Mapping[str, str] | None = None
) -> list[Notification]:
    """Members a published comment names outside quotes hear of it, each once per
    comment however often it is edited or published again. The member it answers has
    the reply notification already; nobody hears of mentioning themselves."""
    if comment.status != CommentStatus.PUBLISHED or comment.author is None:
        return []
    if targets is None:  # the caller may have looked them up to render the text
        targets = mention_targets(comment.body_source)
    names = mentions_in(comment.body_source, targets)[:MAX_MENTIONS_NOTIFIED]
    if not names:
        return []
    told = set(
        Notification.objects.filter(
            comment=comment, kind__in=[Kind.MENTION, Kind.REPLY]
        ).values_list("recipient_id", flat=True)
    )
    answered = _answered(comment)
    if answered is not None and answered.author_id is not None:
        told.add(answered.author_id)
    members = User.objects.filter(username__in=names).exclude(pk__in=told)
    author = comment.author
    made = [notify(member, Kind.MENTION, actor=author, comment=comment) for member in members]
    return [notification for notification in made if notification is not None]


def announce_published(
    comment: Comment, *, first_time: bool, targets: Mapping[str, str] | None = None
) -> None:
    """A comment became visible: the reply (first publication only) and mentions."""
    if first_time and comment.parent_id:
        announce_reply(comment)
    announce_mentions(comment, targets)


# ---- The daily jobs.


def send_digests(now: datetime | None = None) -> int:
    """One email per member with the notifications they chose to hear of once a day and
    have neither read nor been sent. Returns how many emails were queued."""
    from forum.tasks import send_digest

    now = now or timezone.now()
    pending = (
        Notification.objects.unread()
        .filter(emailed_at__isnull=True, created_at__gt=now - DIGEST_LOOKBACK, created_at__lte=now)
        .exclude(kind__in=OWN_EMAIL_KINDS)
        .select_related("recipient")
    )
    by_member: dict[int, list[int]] = {}
    members: dict[int, User] = {}
    for notification in pending:
        member = notification.recipient
        if email_mode(member, notification.kind) != EmailMode.DIGEST:
            continue
        if not member.is_active or not member.email:
            continue
        by_member.setdefault(member.pk, []).append(notification.pk)
        members[member.pk] = member
    for member_id, ids in by_member.items():
        send_digest.enqueue(member_id=member_id, notification_ids=ids)
    return len(by_member)


def prune_notifications(now: datetime | None = None) -> int:
    """Delete notifications older than FORUM_NOTIFICATIONS_KEEP_DAYS, read or not: the
    list is a recent inbox, not an archive, and a member who never opens it must not
    grow the table for ever. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.FORUM_NOTIFICATIONS_KEEP_DAYS)
    old = Notification.objects.filter(created_at__lt=cutoff)
    recipients = set(old.filter(read_at__isnull=True).values_list("recipient_id", flat=True))
    deleted, _by_model = old.delete()
    for member_id in recipients:  # their unread count changed
        forget_unread_count(member_id)
    return deleted
