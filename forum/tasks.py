"""Slow work for the task queue: notification emails go out after the transaction commits,
at once (one notification) or in the daily digest (the day's, in one email)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

UNSUBSCRIBE_SALT = "forum.unsubscribe.reply"


def unsubscribe_token(user, kind: str = "reply") -> str:
    """A signed, non-expiring token naming the member and the kind of email it stops
    ("digest" for the daily digest): a link in an old email still works."""
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str):
    """(member, kind) a token names, or None when it is forged or the member is gone.
    Tokens from before kinds existed stop reply emails, which was all they could."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    member = get_user_model().objects.filter(pk=data.get("user")).first()
    if member is None:
        return None
    return member, str(data.get("kind") or "reply")


def member_from_unsubscribe_token(token: str):
    found = read_unsubscribe_token(token)
    return found[0] if found else None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _unsubscribe_url(recipient, kind: str) -> str:
    token = unsubscribe_token(recipient, kind)
    return absolute(reverse("forum:unsubscribe", kwargs={"token": token}))


def _send(*, recipient, template: str, context: dict, unsubscribe_url: str) -> None:
    """One email with the one-click unsubscribe (RFC 8058) in its headers and its text."""
    context = {
        **context,
        "recipient": recipient,
        "unsubscribe_url": unsubscribe_url,
        "notice": gettext(settings.FORUM_NOTICE),
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string(f"forum/email/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"forum/email/{template}.txt", context),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    html = render_to_string(f"forum/email/{template}.html", context)
    message.attach_alternative(html, "text/html")
    message.send()


def _claim(notification_ids: list[int]) -> list[int]:
    """Mark these as emailed, and return the ones this call marked: two workers running
    the same task send each notification once."""
    from django.db import transaction
    from django.utils import timezone

    from forum.models import Notification

    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=notification_ids, emailed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
    return ids


def _still_shown(notification) -> bool:
    """A comment taken down since is not emailed about."""
    from forum.models import CommentStatus

    return notification.comment_id is None or notification.comment.status == CommentStatus.PUBLISHED


@task()
def send_notification_email(*, notification_id: int) -> bool:
    """Email one notification to a member who wants this kind at once. True when sent."""
    from forum.models import Notification
    from forum.notification_kinds import EmailMode, email_mode, summary, target_path

    notification = (
        Notification.objects.select_related(
            "recipient",
            "actor",
            "article",
            "comment__author",
            "comment__article",
            "comment__parent__author",
            "comment__in_reply_to__author",
        )
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    if (
        not recipient.is_active
        or not recipient.email
        or email_mode(recipient, notification.kind) != EmailMode.NOW  # changed meanwhile
        or not _still_shown(notification)
        or not _claim([notification.pk])
    ):
        return False
    context = {
        "notification": notification,
        "summary": summary(notification),
        "target_url": absolute(target_path(notification)),
    }
    template = "notification"
    if notification.kind == Notification.Kind.REPLY and notification.comment is not None:
        reply = notification.comment
        template = "reply"
        context |= {
            "reply": reply,
            "answered": reply.in_reply_to or reply.parent,
            "article": reply.article,
            "reply_url": absolute(reply.get_absolute_url()),
        }
    _send(
        recipient=recipient,
        template=template,
        context=context,
        unsubscribe_url=_unsubscribe_url(recipient, notification.kind),
    )
    return True


@task()
def send_digest(*, member_id: int, notification_ids: list[int]) -> bool:
    """The daily digest: one email with the member's unsent, unread notifications."""
    from django.contrib.auth import get_user_model

    from forum.models import Notification
    from forum.notification_kinds import EmailMode, email_mode, summary, target_path

    recipient = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    if recipient is None or not recipient.email:
        return False
    candidates = (
        Notification.objects.for_member(recipient)
        .unread()
        .filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("actor", "article", "comment__author", "comment__article")
    )
    wanted = [
        n
        for n in candidates
        if email_mode(recipient, n.kind) == EmailMode.DIGEST and _still_shown(n)
    ]
    claimed = set(_claim([n.pk for n in wanted]))
    items = [
        {"notification": n, "summary": summary(n), "target_url": absolute(target_path(n))}
        for n in wanted
        if n.pk in claimed
    ]
    if not items:
        return False
    _send(
        recipient=recipient,
        template="digest",
        context={"items": items, "notifications_url": absolute(reverse("forum:notifications"))},
        unsubscribe_url=_unsubscribe_url(recipient, "digest"),
    )
    return True
