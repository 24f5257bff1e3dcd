"""Misuse of reporting (DSA Art. 23): members whose reports are often dismissed as
manifestly unfounded are warned, then for a time their reports stop counting toward
hiding a comment (they still reach the queue). Thresholds are settings
(FORUM_MISUSE_*, see aposbook/settings.py and the README)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aposbook.models import User
from forum.models import ModerationAction, Notification, Report, ReportingLimit
from forum.moderation import statements
from forum.moderation.audit import log_action
from forum.moderation.emails import email_people
from forum.notifications import notify

Kind = ModerationAction.Kind


def reporting_standing(member: User) -> dict[str, object]:
    """What the moderators see of a reporter: unfounded reports in the window, the
    warning, the limit running (a read)."""
    since = timezone.now() - timedelta(days=settings.FORUM_MISUSE_WINDOW_DAYS)
    decided = Report.objects.filter(reporter=member, resolved_at__gte=since).exclude(
        resolution=Report.Resolution.OPEN
    )
    warning = (
        ModerationAction.objects.filter(member=member, kind=Kind.MISUSE_WARN, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )
    return {
        "decided": decided.count(),
        "unfounded": decided.filter(manifestly_unfounded=True).count(),
        "warned_at": warning.created_at if warning else None,
        "limit": ReportingLimit.objects.active().filter(member=member).first(),
    }


def review_reporter(*, member: User, moderator: User) -> str:
    """Called by dismiss_reports (inside its transaction) for each reporter whose report
    was marked manifestly unfounded: warns, or limits, when the thresholds are reached.
    Returns "warned", "limited" or ""."""
    standing = reporting_standing(member)
    unfounded = int(str(standing["unfounded"]))
    decided = max(int(str(standing["decided"])), 1)
    often = unfounded * 100 >= settings.FORUM_MISUSE_MIN_SHARE * decided
    if standing["limit"] is not None or not often:
        return ""
    if standing["warned_at"] is None:
        if unfounded < settings.FORUM_MISUSE_WARN_AFTER:
            return ""
        log_action(
            Kind.MISUSE_WARN,
            moderator=None,
            member=member,
            reason=f"{unfounded} manifestly unfounded reports"[:200],
        )
        text = _(
            "Several of your recent reports were dismissed as manifestly unfounded. Please "
            "report only what breaks the guidelines: if this goes on, your reports will for a "
            "time no longer hide comments automatically."
        )
        notify(member, Notification.Kind.MODERATOR_MESSAGE, text=text)
        email_people([member], "misuse_warning", {"member": member, "count": unfounded})
        return "warned"
    if unfounded < settings.FORUM_MISUSE_LIMIT_AFTER:
        return ""
    now = timezone.now()
    limit = ReportingLimit.objects.create(
        member=member,
        starts_at=now,
        ends_at=now + timedelta(days=settings.FORUM_MISUSE_LIMIT_DAYS),
    )
    action = log_action(
        Kind.MISUSE_LIMIT,
        moderator=None,
        member=member,
        reason=f"{unfounded} manifestly unfounded reports after a warning"[:200],
    )
    statement = statements.for_reporting_limit(action=action, limit=limit, unfounded=unfounded)
    notify(member, Notification.Kind.MODERATOR_MESSAGE, text=statement.facts)
    email_people([member], "misuse_limit", {"member": member, "statement": statement})
    return "limited"
