"""Members report comments; reports can hide a comment and reopen after an edit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from aposbook.models import User
from forum import permissions, validation
from forum.models import (
    Comment,
    CommentStatus,
    ModerationAction,
    Report,
    ReportReason,
)
from forum.moderation.crisis_cases import crisis_reported
from forum.moderation.decisions import set_status
from forum.moderation.emails import email_people
from forum.moderation.errors import ReportRefused
from forum.moderation.screening import HOLD_EDITED, HOLD_REASONS, Screening
from forum.pagecache.invalidation import reports_changed

OPEN = Report.Resolution.OPEN

Kind = ModerationAction.Kind


@transaction.atomic
def report_comment(*, comment: Comment, reporter: User, reason: str, note: str = "") -> Report:
    """Store a member's report (the text as they saw it kept with it); enough distinct
    reporters hide the comment. Who may report what: permissions.report_refusal."""
    try:
        note = validation.clean_report(reason=reason, note=note)
    except ValidationError as error:
        raise ReportRefused(validation.message_of(error)) from None
    # The row lock makes simultaneous reports count one after another: exactly one of
    # them crosses the threshold and hides the comment.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if refusal := permissions.report_refusal(reporter, comment):
        raise ReportRefused(refusal)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reporter=reporter,
                reason=reason,
                note=note,
                snapshot=comment.body_source,
            )
    except IntegrityError:
        raise ReportRefused(permissions.REPORT_TWICE) from None
    reports_changed(comment)
    reporters = (
        Report.objects.filter(comment=comment, resolution=OPEN)
        .values("reporter")
        .distinct()
        .count()
    )
    hidden = (
        comment.status == CommentStatus.PUBLISHED and reporters >= settings.FORUM_HIDE_AFTER_REPORTS
    )
    if hidden:
        set_status(comment, CommentStatus.HIDDEN)
        ModerationAction.objects.create(
            moderator=None,
            kind=Kind.AUTO_HIDE,
            comment=comment,
            member=comment.author,
            reason=f"{reporters} members reported it",
            automated=True,
        )
    if reason == ReportReason.CRISIS:
        # Pages the moderators on call (crisis_cases): that is its moderator email.
        crisis_reported(comment=comment)
    elif reporters == 1 or hidden:
        email_people(
            User.objects.moderators(), "new_report", {"comment": comment, "report": report}
        )
    return report


@transaction.atomic
def reopen_after_edit(*, comment: Comment) -> bool:
    """Call from edit_comment after saving the new text. A published comment whose
    reports were all decided goes back to the queue (pending) when its text now differs
    from what was reported; with open reports it is already queued and the queue shows
    the difference. Returns True when the comment was held again."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    reports = Report.objects.filter(comment=comment)
    if comment.status != CommentStatus.PUBLISHED or reports.filter(resolution=OPEN).exists():
        return False
    latest = reports.order_by("-created_at", "-pk").first()
    if latest is None or latest.snapshot == comment.body_source:
        return False
    comment.hold_reason = HOLD_EDITED
    comment.matched_rule = ""
    comment.matched_text = ""
    set_status(comment, CommentStatus.PENDING, "hold_reason", "matched_rule", "matched_text")
    ModerationAction.objects.create(
        moderator=None,
        kind=Kind.HOLD,
        comment=comment,
        member=comment.author,
        reason=gettext("Edited after a report"),
        automated=True,
    )
    return True


def hold_edited_comment(*, comment: Comment, screening: Screening) -> None:
    """Screening held an edit's new text (edit_comment calls this inside its transaction
    and saves the row). A published comment goes back to the queue, logged like any hold."""
    if comment.status == CommentStatus.PUBLISHED:
        comment.status_changed_at = timezone.now()
        ModerationAction.objects.create(
            moderator=None,
            kind=Kind.HOLD,
            comment=comment,
            member=comment.author,
            reason=f"Edited: {HOLD_REASONS[screening.hold_reason].lower()}"[:200],
            automated=True,
        )
    for name, value in screening.comment_fields().items():
        setattr(comment, name, value)
