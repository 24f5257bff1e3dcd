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
    ReportingLimit,
    ReportReason,
    TrustedFlagger,
)
from forum.moderation import statements
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
                source=(
                    Report.Source.TRUSTED_FLAGGER
                    if TrustedFlagger.objects.filter(member=reporter).exists()
                    else Report.Source.MEMBER
                ),
            )
    except IntegrityError:
        raise ReportRefused(permissions.REPORT_TWICE) from None
    _received(comment, report)
    return report


def _received(comment: Comment, report: Report) -> None:
    """What every new report sets off, whoever sent it (the one rule for members' reports
    and visitors' notices): the queue hears of it, enough distinct *members* hide the
    comment, a crisis pages the moderators on call, others email them. A visitor's notice
    never counts toward the automatic hide: its sender proved only an email address, and
    one person could send notices from many; a moderator reads it first."""
    reports_changed(comment)
    open_reports = Report.objects.filter(comment=comment, resolution=OPEN)
    first = not open_reports.exclude(pk=report.pk).exists()
    # Members whose reporting is limited for misuse (misuse.py) still reach the queue,
    # but do not count toward hiding; nor do visitors' notices.
    limited = ReportingLimit.objects.active().values("member")
    counting = (
        open_reports.filter(reporter__isnull=False)
        .exclude(source=Report.Source.VISITOR)
        .exclude(reporter__in=limited)
        .values("reporter")
        .distinct()
        .count()
    )
    hidden = (
        report.source != Report.Source.VISITOR
        and comment.status == CommentStatus.PUBLISHED
        and counting >= settings.FORUM_HIDE_AFTER_REPORTS
    )
    if hidden:
        set_status(comment, CommentStatus.HIDDEN)
        action = ModerationAction.objects.create(
            moderator=None,
            kind=Kind.AUTO_HIDE,
            comment=comment,
            member=comment.author,
            reason=f"{counting} members reported it",
            automated=True,
        )
        statements.for_hiding(action=action, comment=comment, reporters=counting)
        email_people(
            [comment.author],
            "comment_hidden",
            {"comment": comment, "statement": action.statement},
        )
    if report.reason == ReportReason.CRISIS:
        # Pages the moderators on call (crisis_cases): that is its moderator email.
        crisis_reported(comment=comment)
    elif first or hidden:
        email_people(
            User.objects.moderators(), "new_report", {"comment": comment, "report": report}
        )


@transaction.atomic
def file_visitor_report(*, comment: Comment, reason: str, note: str, snapshot: str) -> Report:
    """A visitor's confirmed notice enters the queue as a report (source "visitor"),
    through the same door as members' reports (forum/moderation/notices.py calls this)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    report = Report.objects.create(
        comment=comment,
        reporter=None,
        reason=reason,
        note=note,
        snapshot=snapshot,
        source=Report.Source.VISITOR,
    )
    _received(comment, report)
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
    action = ModerationAction.objects.create(
        moderator=None,
        kind=Kind.HOLD,
        comment=comment,
        member=comment.author,
        reason=gettext("Edited after a report"),
        automated=True,
    )
    statements.for_hold(
        action=action, comment=comment, hold_reason=HOLD_EDITED, label=HOLD_REASONS[HOLD_EDITED]
    )
    return True


def hold_edited_comment(*, comment: Comment, screening: Screening) -> None:
    """Screening held an edit's new text (edit_comment calls this inside its transaction
    and saves the row). A published comment goes back to the queue, logged like any hold."""
    if comment.status == CommentStatus.PUBLISHED:
        comment.status_changed_at = timezone.now()
        action = ModerationAction.objects.create(
            moderator=None,
            kind=Kind.HOLD,
            comment=comment,
            member=comment.author,
            reason=f"Edited: {HOLD_REASONS[screening.hold_reason].lower()}"[:200],
            automated=True,
        )
        statements.for_hold(
            action=action,
            comment=comment,
            hold_reason=screening.hold_reason,
            label=HOLD_REASONS[screening.hold_reason],
        )
    for name, value in screening.comment_fields().items():
        setattr(comment, name, value)
