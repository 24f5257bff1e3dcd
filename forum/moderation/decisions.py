"""A moderator's decisions on a comment: approve, hide, remove, dismiss, restore, bulk.

Decisions lock the comment's row (select_for_update; SQLite's IMMEDIATE transactions
serialize writers anyway) and compare the state the moderator saw (`item_version`) with
the state now, so two moderators acting at once produce one decision and the second is
told who was first."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import User
from forum.follows import comment_published
from forum.models import (
    Appeal,
    Comment,
    CommentStatus,
    ModerationAction,
    Notification,
    Report,
    ReportReason,
)
from forum.moderation import misuse, statements
from forum.moderation.audit import HELD_AT_POSTING, log_action
from forum.moderation.emails import email_people, notify_reporters
from forum.moderation.errors import ActionRefused
from forum.notifications import announce_published, notify
from forum.pagecache.invalidation import comment_changed, reports_changed

OPEN = Report.Resolution.OPEN
REPORT_ACTIONED = _("A moderator reviewed the comment you reported and took action.")
REPORT_LEFT_UP = _(
    "A moderator reviewed the comment you reported and left it up: it is within the guidelines."
)

Kind = ModerationAction.Kind


def set_status(comment: Comment, status: str, *fields: str) -> None:
    comment.status = status
    comment.status_changed_at = timezone.now()
    comment.save(update_fields=["status", "status_changed_at", *fields])
    comment_changed(comment)


def version_of(
    *,
    status: str,
    changed: datetime | None,
    edited: datetime | None,
    open_reports: int,
    appeal: Appeal | None,
) -> str:
    """A short token for the state a moderator saw; any change makes a new token."""
    state = f"{status}|{changed}|{edited}|{open_reports}|{appeal.status if appeal else '-'}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def appeal_of(comment: Comment) -> Appeal | None:
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(comment, "appeal", None)


def allowed_actions(*, status: str, open_reports: int, appeal: Appeal | None) -> set[str]:
    """The decisions that make sense for a comment in this state (forms and services)."""
    open_appeal = appeal is not None and appeal.status == Appeal.Status.OPEN
    no_action: set[str] = set()
    actions: dict[str, set[str]] = {
        CommentStatus.PENDING: {"approve", "remove"},
        CommentStatus.HIDDEN: {"restore", "remove"} | ({"dismiss"} if open_reports else set()),
        CommentStatus.PUBLISHED: {"hide", "remove"} | ({"dismiss"} if open_reports else set()),
        CommentStatus.REMOVED: {"decide_appeal"} if open_appeal else {"restore"},
        CommentStatus.DELETED: {"dismiss"} if open_reports else no_action,
    }
    return actions.get(status, no_action)


def locked_comment(comment_id: int, *, action: str, expected_version: str | None) -> Comment:
    """The comment, locked, if `action` is still possible in the state the form showed."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused(gettext("This comment no longer exists. Nothing was changed."))
    open_reports = Report.objects.filter(comment=comment, resolution=OPEN).count()
    appeal = Appeal.objects.filter(comment=comment).first()
    version = version_of(
        status=comment.status,
        changed=comment.status_changed_at,
        edited=comment.edited_at,
        open_reports=open_reports,
        appeal=appeal,
    )
    if expected_version is not None and expected_version != version:
        last = (
            ModerationAction.objects.filter(comment=comment, moderator__isnull=False)
            .select_related("moderator")
            .first()
        )
        if last is not None and last.moderator is not None:
            raise ActionRefused(
                gettext("Already handled by %(name)s (%(action)s). Nothing was changed.")
                % {"name": last.moderator.username, "action": last.get_kind_display().lower()}
            )
        raise ActionRefused(
            gettext(
                "This item changed since you opened it (a new report or an edit). "
                "Nothing was changed: please review it again."
            )
        )
    allowed = allowed_actions(status=comment.status, open_reports=open_reports, appeal=appeal)
    if action not in allowed:
        raise ActionRefused(
            gettext("You cannot %(action)s a comment that is “%(status)s”. Nothing was changed.")
            % {"action": action.replace("_", " "), "status": comment.get_status_display().lower()}
        )
    return comment


def resolve_reports(comment: Comment, moderator: User | None, *, actioned: bool) -> list[Report]:
    reports = list(
        Report.objects.filter(comment=comment, resolution=OPEN).select_related("reporter")
    )
    resolution = Report.Resolution.ACTIONED if actioned else Report.Resolution.DISMISSED
    now = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        resolution=resolution, resolved_by=moderator, resolved_at=now
    )
    reports_changed(comment)  # update() sends no signal
    notify_reporters(reports, actioned=actioned)
    text = REPORT_ACTIONED if actioned else REPORT_LEFT_UP
    for reporter in {report.reporter for report in reports if report.reporter is not None}:
        # Its email is the decision itself (notify_reporters, always sent); the
        # notification keeps it on the member's list.
        kind = Notification.Kind.REPORT_OUTCOME
        notify(reporter, kind, actor=moderator, comment=comment, text=str(text))
    return reports


def refuse_restoring_nothing(comment: Comment) -> None:
    """An author who deleted their account without keeping their comments took the text
    along (aposbook.accounts.delete_account): publishing the empty row would show nothing."""
    if not comment.body_source.strip():
        raise ActionRefused(
            gettext(
                "Its author deleted their account and its text with it, so there is nothing "
                "to restore. Nothing was changed."
            )
        )


# What can happen to a comment that was never published: a held comment is only ever
# approved or removed, and a removal appealed in vain (member sanctions may name it).
_BEFORE_FIRST_PUBLISHED = [Kind.REMOVE, Kind.APPEAL_UPHELD, Kind.SUSPEND, Kind.BAN]


def announce_if_first_published(comment: Comment) -> None:
    """A comment held at posting was never announced: the member it answers hears of it
    when it is first published (an approve, or a restore of a held reply that was
    removed). Any other logged step (an approve, a hide, a hold after an edit...) means it
    was published, and announced, before. The members it names hear of it on every
    publication (once per comment: a held edit may have added a name). Call after the
    status is set, before writing this decision's log row."""
    if comment.status != CommentStatus.PUBLISHED:
        return
    first_time = bool(comment.hold_reason)
    if first_time:
        rows = ModerationAction.objects.filter(comment=comment)
        # The hold at posting time says nothing of publication (holds after an edit do).
        rows = rows.exclude(kind=Kind.HOLD, reason__startswith=HELD_AT_POSTING)
        first_time = not rows.exclude(kind__in=_BEFORE_FIRST_PUBLISHED).exists()
    announce_published(comment, first_time=first_time)
    if first_time:
        # The article's followers hear of it now too (in a task, once committed).
        comment_published(comment)


@transaction.atomic
def approve_comment(
    *, comment_id: int, moderator: User, expected_version: str | None = None
) -> Comment:
    comment = locked_comment(comment_id, action="approve", expected_version=expected_version)
    set_status(comment, CommentStatus.PUBLISHED)
    announce_if_first_published(comment)
    resolve_reports(comment, moderator, actioned=False)
    log_action(Kind.APPROVE, moderator=moderator, comment=comment)
    return comment


@transaction.atomic
def hide_comment(
    *,
    comment_id: int,
    moderator: User | None,
    reason: str = "",
    expected_version: str | None = None,
) -> Comment:
    comment = locked_comment(comment_id, action="hide", expected_version=expected_version)
    set_status(comment, CommentStatus.HIDDEN)
    action = log_action(Kind.HIDE, moderator=moderator, comment=comment, reason=reason[:200])
    statement = statements.for_hiding(action=action, comment=comment, reason=reason)
    email_people([comment.author], "comment_hidden", {"comment": comment, "statement": statement})
    return comment


def remove_text(
    comment: Comment, moderator: User, reason: str, message: str
) -> statements.StatementOfReasons:
    """Remove the comment, log it and issue its statement of reasons."""
    # Held by screening (not by a person's report): automated means found it.
    detected = comment.status == CommentStatus.PENDING and comment.hold_reason in (
        statements.TEXT_HOLDS
    )
    comment.removal_reason = reason
    comment.moderator_message = message
    set_status(comment, CommentStatus.REMOVED, "removal_reason", "moderator_message")
    resolve_reports(comment, moderator, actioned=True)
    action = log_action(
        Kind.REMOVE, moderator=moderator, comment=comment, reason=reason, message=message
    )
    return statements.for_removal(
        action=action, comment=comment, reason=reason, detected_automatically=detected
    )


@transaction.atomic
def remove_comment(
    *,
    comment_id: int,
    moderator: User,
    reason: str,
    message: str = "",
    expected_version: str | None = None,
) -> Comment:
    if reason not in ReportReason.values:
        raise ActionRefused(gettext("Please choose the reason for removing this comment."))
    comment = locked_comment(comment_id, action="remove", expected_version=expected_version)
    message = message.strip()
    statement = remove_text(comment, moderator, reason, message)
    email_people(
        [comment.author],
        "comment_removed",
        {
            "comment": comment,
            "statement": statement,
            "appeal_url": reverse("forum:comment-appeal", args=[comment.pk]),
        },
    )
    return comment


@transaction.atomic
def dismiss_reports(
    *,
    comment_id: int,
    moderator: User,
    expected_version: str | None = None,
    unfounded: Collection[int] = (),
) -> Comment:
    """Dismiss the open reports; those in `unfounded` (report ids) are marked manifestly
    unfounded, which may warn or limit their reporters (misuse.py, DSA Art. 23)."""
    comment = locked_comment(comment_id, action="dismiss", expected_version=expected_version)
    if comment.status == CommentStatus.HIDDEN:
        set_status(comment, CommentStatus.PUBLISHED)
    reports = resolve_reports(comment, moderator, actioned=False)
    marked = [r for r in reports if r.pk in set(unfounded)]
    if marked:
        Report.objects.filter(pk__in=[r.pk for r in marked]).update(manifestly_unfounded=True)
    log_action(
        Kind.DISMISS,
        moderator=moderator,
        comment=comment,
        reason=f"{len(marked)} manifestly unfounded" if marked else "",
    )
    for reporter in {r.reporter for r in marked if r.reporter is not None}:
        misuse.review_reporter(member=reporter, moderator=moderator)
    return comment


@transaction.atomic
def restore_comment(
    *, comment_id: int, moderator: User, expected_version: str | None = None
) -> Comment:
    comment = locked_comment(comment_id, action="restore", expected_version=expected_version)
    refuse_restoring_nothing(comment)
    comment.removal_reason = ""
    comment.moderator_message = ""
    set_status(comment, CommentStatus.PUBLISHED, "removal_reason", "moderator_message")
    announce_if_first_published(comment)
    resolve_reports(comment, moderator, actioned=False)
    log_action(Kind.RESTORE, moderator=moderator, comment=comment)
    return comment


@dataclass
class BulkResult:
    done: int = 0
    refused: list[str] = field(default_factory=list)


def bulk_moderate(
    *, moderator: User, action: str, items: dict[int, str], reason: str = "", message: str = ""
) -> BulkResult:
    """Approve or remove several items; each is its own transaction, so one stale item
    is reported and skipped without undoing the others."""
    result = BulkResult()
    for comment_id, version in items.items():
        try:
            if action == "approve":
                approve_comment(
                    comment_id=comment_id, moderator=moderator, expected_version=version
                )
            else:
                remove_comment(
                    comment_id=comment_id,
                    moderator=moderator,
                    reason=reason,
                    message=message,
                    expected_version=version,
                )
            result.done += 1
        except ActionRefused as refusal:
            result.refused.append(f"Comment {comment_id}: {refusal}")
    return result
