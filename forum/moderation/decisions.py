"""A moderator's decisions on a comment: approve, hide, remove, dismiss, restore, bulk.

Decisions lock the comment's row (select_for_update; SQLite's IMMEDIATE transactions
serialize writers anyway) and compare the state the moderator saw (`item_version`) with
the state now, so two moderators acting at once produce one decision and the second is
told who was first."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aposbook.models import User
from forum.models import (
    Appeal,
    Comment,
    CommentStatus,
    ModerationAction,
    Report,
    ReportReason,
)
from forum.moderation.audit import HELD_AT_POSTING, log_action
from forum.moderation.emails import email_people, notify_reporters
from forum.moderation.errors import ActionRefused
from forum.pagecache.invalidation import comment_changed, reports_changed

OPEN = Report.Resolution.OPEN

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
        raise ActionRefused("This comment no longer exists. Nothing was changed.")
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
                f"Already handled by {last.moderator.username} "
                f"({last.get_kind_display().lower()}). Nothing was changed."
            )
        raise ActionRefused(
            "This item changed since you opened it (a new report or an edit). "
            "Nothing was changed: please review it again."
        )
    allowed = allowed_actions(status=comment.status, open_reports=open_reports, appeal=appeal)
    if action not in allowed:
        raise ActionRefused(
            f"You cannot {action.replace('_', ' ')} a comment that is "
            f"“{comment.get_status_display().lower()}”. Nothing was changed."
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
    return reports


def refuse_restoring_nothing(comment: Comment) -> None:
    """An author who deleted their account without keeping their comments took the text
    along (aposbook.accounts.delete_account): publishing the empty row would show nothing."""
    if not comment.body_source.strip():
        raise ActionRefused(
            "Its author deleted their account and its text with it, so there is nothing "
            "to restore. Nothing was changed."
        )


# What can happen to a comment that was never published: a held comment is only ever
# approved or removed, and a removal appealed in vain (member sanctions may name it).
_BEFORE_FIRST_PUBLISHED = [Kind.REMOVE, Kind.APPEAL_UPHELD, Kind.SUSPEND, Kind.BAN]


def announce_if_first_published(comment: Comment) -> None:
    """A comment held at posting was never announced: the answered member (for a reply)
    and the article's followers hear of it when it is first published (an approve, or a
    restore of a held comment that was removed).
    Any other logged step (an approve, a hide, a hold after an edit...) means it was
    published, and announced, before. Call before writing this decision's log row."""
    if not comment.hold_reason:
        return
    rows = ModerationAction.objects.filter(comment=comment)
    # The hold at posting time says nothing of publication (holds after an edit do).
    rows = rows.exclude(kind=Kind.HOLD, reason__startswith=HELD_AT_POSTING)
    if rows.exclude(kind__in=_BEFORE_FIRST_PUBLISHED).exists():
        return
    from forum.tasks import notify_followers_of_comment, notify_reply

    comment_id = comment.pk
    # The article's followers hear of it now too (the task reads it once committed).
    transaction.on_commit(lambda: notify_followers_of_comment.enqueue(comment_id=comment_id))
    if comment.parent_id:
        transaction.on_commit(lambda: notify_reply.enqueue(comment_id=comment_id))


@transaction.atomic
def approve_comment(
    *, comment_id: int, moderator: User, expected_version: str | None = None
) -> Comment:
    comment = locked_comment(comment_id, action="approve", expected_version=expected_version)
    announce_if_first_published(comment)
    set_status(comment, CommentStatus.PUBLISHED)
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
    log_action(Kind.HIDE, moderator=moderator, comment=comment, reason=reason[:200])
    return comment


def remove_text(comment: Comment, moderator: User | None, reason: str, message: str) -> None:
    comment.removal_reason = reason
    comment.moderator_message = message
    set_status(comment, CommentStatus.REMOVED, "removal_reason", "moderator_message")
    resolve_reports(comment, moderator, actioned=True)


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
        raise ActionRefused("Please choose the reason for removing this comment.")
    comment = locked_comment(comment_id, action="remove", expected_version=expected_version)
    message = message.strip()
    remove_text(comment, moderator, reason, message)
    log_action(Kind.REMOVE, moderator=moderator, comment=comment, reason=reason, message=message)
    email_people(
        [comment.author],
        "comment_removed",
        {"comment": comment, "appeal_url": reverse("forum:comment-appeal", args=[comment.pk])},
    )
    return comment


@transaction.atomic
def dismiss_reports(
    *, comment_id: int, moderator: User, expected_version: str | None = None
) -> Comment:
    comment = locked_comment(comment_id, action="dismiss", expected_version=expected_version)
    if comment.status == CommentStatus.HIDDEN:
        set_status(comment, CommentStatus.PUBLISHED)
    resolve_reports(comment, moderator, actioned=False)
    log_action(Kind.DISMISS, moderator=moderator, comment=comment)
    return comment


@transaction.atomic
def restore_comment(
    *, comment_id: int, moderator: User, expected_version: str | None = None
) -> Comment:
    comment = locked_comment(comment_id, action="restore", expected_version=expected_version)
    refuse_restoring_nothing(comment)
    announce_if_first_published(comment)
    comment.removal_reason = ""
    comment.moderator_message = ""
    set_status(comment, CommentStatus.PUBLISHED, "removal_reason", "moderator_message")
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
