"""Emails to moderators when queue items have waited too long."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aposbook.models import User
from forum.models import (
    QueueAlert,
)
from forum.moderation.emails import email_people
from forum.moderation.queue import queue_comments


@transaction.atomic
def notify_stale_queue(*, now: datetime | None = None) -> int:
    """Email moderators about items waiting longer than FORUM_QUEUE_ALERT_HOURS, once per
    wait (an item that leaves and re-enters the queue is a new wait). Returns the count."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.FORUM_QUEUE_ALERT_HOURS)
    waiting = list(queue_comments().filter(waiting_since__lte=cutoff).select_related(None))
    alerted = dict(
        QueueAlert.objects.filter(comment_id__in=[c.pk for c in waiting]).values_list(
            "comment_id", "waiting_since"
        )
    )
    stale = [c for c in waiting if alerted.get(c.pk) != c.waiting_since]
    for comment in stale:
        QueueAlert.objects.update_or_create(
            comment=comment, defaults={"waiting_since": comment.waiting_since}
        )
    if stale:
        email_people(
            User.objects.moderators(),
            "stale_queue",
            {"count": len(stale), "hours": settings.FORUM_QUEUE_ALERT_HOURS, "oldest": stale[0]},
        )
    return len(stale)
