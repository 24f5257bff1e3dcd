"""Complaints against decisions (DSA Art. 20): an author's appeal of a removal, of a
sanction or another restriction, and a reporter's complaint that nothing was done about
their report. Each is taken within FORUM_COMPLAINT_MONTHS of the decision, once, and
decided by a person who is not the moderator who took the decision, with reasons that
the complainant reads (email and notification)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import User
from forum import validation
from forum.models import (
    Appeal,
    Comment,
    CommentStatus,
    ModerationAction,
    Notification,
    Report,
    ReportingLimit,
    StatementOfReasons,
)
from forum.moderation.audit import log_action
from forum.moderation.decisions import (
    announce_if_first_published,
    locked_comment,
    refuse_restoring_nothing,
    set_status,
)
from forum.moderation.emails import (
    email_address,
    email_addresses,
    email_people,
    notice_contact_url,
)
from forum.moderation.errors import ActionRefused, AppealRefused
from forum.moderation.redaction import undo_redaction
from forum.moderation.statements import complaint_deadline
from forum.notifications import notify
from forum.pagecache.invalidation import member_changed, reports_changed

Kind = ModerationAction.Kind


@transaction.atomic
def submit_appeal(*, comment: Comment, author: User, message: str) -> Appeal:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != author.pk:
        raise AppealRefused(gettext("Only the author of a comment can appeal its removal."))
    if comment.status != CommentStatus.REMOVED:
        raise AppealRefused(gettext("Only a removed comment can be appealed."))
    try:
        message = validation.clean_appeal_message(message)
    except ValidationError as error:
        raise AppealRefused(validation.message_of(error)) from None
    if Appeal.objects.filter(comment=comment).exists():
        raise AppealRefused(gettext("You have already appealed this removal."))
    removal = ModerationAction.objects.filter(comment=comment, kind=Kind.REMOVE).first()
    refuse_if_late(removal.created_at if removal else comment.status_changed_at)
    appeal = Appeal.objects.create(
        kind=Appeal.Kind.REMOVAL, comment=comment, author=author, message=message
    )
    # A new state for the queue's version token.
    set_status(comment, CommentStatus.REMOVED)
    email_people(User.objects.moderators(), "new_appeal", {"comment": comment, "appeal": appeal})
    return appeal


def remover_of(comment_id: int) -> int | None:
    action = (
        ModerationAction.objects.filter(comment_id=comment_id, kind=Kind.REMOVE)
        .exclude(moderator=None)
        .first()
    )
    return action.moderator_id if action else None


def may_decide_appeal(*, moderator: User, remover_id: int | None) -> bool:
    """A different person than the moderator who decided (Art. 20(6): a person, and here
    never the same one: with a single moderator the complaint waits for a second)."""
    return remover_id != moderator.pk


def clean_answer(answer: str) -> str:
    """The reasons given with a decision on a complaint: required, a paragraph at most."""
    answer = answer.strip()
    if not answer:
        raise ActionRefused(
            _("Please give the reasons for your decision: the person who complained reads them.")
        )
    if len(answer) > validation.NOTE_MAX_LENGTH:
        raise ActionRefused(
            _("The reasons are too long (at most %(max)s characters).")
            % {"max": validation.NOTE_MAX_LENGTH}
        )
    return answer


def refuse_if_late(decided_at: datetime | None) -> None:
    """Complaints are taken for FORUM_COMPLAINT_MONTHS after the decision."""
    if decided_at is None:
        return
    deadline = complaint_deadline(decided_at)
    if timezone.now() > deadline:
        raise AppealRefused(
            _(
                "This decision was taken on %(decided)s. Complaints here are taken for "
                "%(months)s months after a decision, until %(deadline)s, so this one can no "
                "longer be reviewed here. You can still take it to a certified out-of-court "
                "dispute settlement body or to a court."
            )
            % {
                "decided": formats.date_format(timezone.localtime(decided_at), "j F Y"),
                "months": settings.FORUM_COMPLAINT_MONTHS,
                "deadline": formats.date_format(timezone.localtime(deadline), "j F Y"),
            }
        )


@transaction.atomic
def decide_appeal(
    *,
    comment_id: int,
    moderator: User,
    overturn: bool,
    message: str = "",
    expected_version: str | None = None,
) -> Appeal:
    comment = locked_comment(comment_id, action="decide_appeal", expected_version=expected_version)
    remover_id = remover_of(comment.pk)
    if not may_decide_appeal(moderator=moderator, remover_id=remover_id):
        raise ActionRefused(
            gettext(
                "You removed this comment, so another moderator decides the appeal. "
                "Nothing was changed."
            )
        )
    message = clean_answer(message)
    if overturn:
        refuse_restoring_nothing(comment)
    appeal = Appeal.objects.get(comment=comment)
    appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
    appeal.decided_by = moderator
    appeal.decided_at = timezone.now()
    appeal.answer = message
    appeal.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    if overturn:
        comment.removal_reason = ""
        comment.moderator_message = ""
        set_status(comment, CommentStatus.PUBLISHED, "removal_reason", "moderator_message")
        announce_if_first_published(comment)
    else:
        # The version token includes the appeal, so a stale form sees the change.
        set_status(comment, CommentStatus.REMOVED)
    kind = Kind.APPEAL_OVERTURNED if overturn else Kind.APPEAL_UPHELD
    log_action(kind, moderator=moderator, comment=comment, message=message)
    context = {"comment": comment, "appeal": appeal, "message": message}
    email_people([appeal.author], "appeal_decided", context)
    _notify_complainant(appeal, comment=comment)
    if overturn:
        _tell_reporters_of_reversal(comment, appeal=appeal)
    return appeal


def _tell_reporters_of_reversal(comment: Comment, *, appeal: Appeal) -> None:
    """Those who were told the comment was removed hear that it is back, and why: members
    on their notifications page, visitors by email to their notice's address, each with
    the ways to contest it (DSA Art. 17, 20), never who reported or who appealed."""
    reports = list(
        Report.objects.filter(comment=comment, resolution=Report.Resolution.ACTIONED)
        .select_related("reporter")
        .prefetch_related("notices")
    )
    text = gettext(
        "A comment you reported was restored: its author appealed and a different "
        "moderator found it within the guidelines."
    )
    for reporter in {report.reporter for report in reports if report.reporter is not None}:
        notify(reporter, Notification.Kind.REPORT_OUTCOME, comment=comment, text=text)
    for report in reports:
        for notice in report.notices.all():
            if notice.confirmed_at is None:
                continue
            context = {
                "notice": notice,
                "comment": comment,
                "answer": appeal.answer,
                # The appeal was the second look: what is left is writing to us,
                # dispute settlement and the courts.
                "contact_url": notice_contact_url(notice),
            }
            email_address(notice.email, "notice_reversed", context)


def _notify_complainant(appeal: Appeal, *, comment: Comment | None) -> None:
    if appeal.author is None:
        return
    outcome = (
        _("Your complaint was granted.")
        if appeal.status == Appeal.Status.OVERTURNED
        else _("Your complaint was declined.")
    )
    notify(
        appeal.author,
        Notification.Kind.APPEAL_OUTCOME,
        actor=appeal.decided_by,
        comment=comment,
        text=f"{outcome} {appeal.answer}",
    )


# --- Complaints other than removal appeals ----------------------------------------------

# The restrictions an author contests here (a removal is appealed on its comment; holds
# and hides are reviewed by a moderator anyway, and that decision is the one to contest).
CONTESTABLE = {
    StatementOfReasons.Restriction.SUSPENSION,
    StatementOfReasons.Restriction.BAN,
    StatementOfReasons.Restriction.REPORTS_LIMITED,
    StatementOfReasons.Restriction.REDACTION,
}


def contestable_statement(*, action_id: int, member: User) -> StatementOfReasons:
    """The member's own statement for this action, if it can be contested here."""
    statement = (
        StatementOfReasons.objects.filter(action_id=action_id, member=member)
        .select_related("action", "sanction")
        .first()
    )
    if statement is None or statement.restriction not in CONTESTABLE:
        raise AppealRefused(_("There is no decision about you to contest here."))
    return statement


@transaction.atomic
def submit_complaint(*, action_id: int, member: User, message: str) -> Appeal:
    """The member contests a sanction, a limit on their reports or a redaction."""
    statement = contestable_statement(action_id=action_id, member=member)
    StatementOfReasons.objects.select_for_update().filter(pk=statement.pk).first()
    message = _clean_message(message)
    if Appeal.objects.filter(statement=statement).exists():
        raise AppealRefused(_("You have already sent a complaint about this decision."))
    refuse_if_late(statement.issued_at)
    complaint = Appeal.objects.create(
        kind=Appeal.Kind.RESTRICTION,
        statement=statement,
        author=member,
        message=message,
    )
    _tell_moderators(complaint)
    return complaint


def _clean_message(message: str) -> str:
    try:
        return validation.clean_complaint_message(message)
    except ValidationError as error:
        raise AppealRefused(validation.message_of(error)) from None


def _tell_moderators(complaint: Appeal) -> None:
    email_people(User.objects.moderators(), "new_complaint", {"complaint": complaint})


@transaction.atomic
def contest_report(
    *, report_id: int, message: str, member: User | None = None, email: str = ""
) -> Appeal:
    """A reporter (a member, or a visitor's notice by its confirmed `email`) contests the
    decision not to act on their report."""
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None or (member is not None and report.reporter_id != member.pk):
        raise AppealRefused(_("There is no report of yours to contest here."))
    if member is None and not email:
        raise AppealRefused(_("There is no report of yours to contest here."))
    if report.resolution != Report.Resolution.DISMISSED:
        raise AppealRefused(
            _("Only a report the moderators decided not to act on can be contested.")
        )
    message = _clean_message(message)
    if Appeal.objects.filter(report=report).exists():
        raise AppealRefused(_("You have already sent a complaint about this decision."))
    refuse_if_late(report.resolved_at)
    complaint = Appeal.objects.create(
        kind=Appeal.Kind.INACTION,
        report=report,
        author=member,
        contact_email="" if member else email,
        message=message,
    )
    _tell_moderators(complaint)
    return complaint


def decider_of(complaint: Appeal) -> int | None:
    """The moderator whose decision the complaint contests (None: no person took it)."""
    if complaint.kind == Appeal.Kind.INACTION and complaint.report is not None:
        return complaint.report.resolved_by_id
    if complaint.statement is not None:
        return complaint.statement.action.moderator_id
    if complaint.comment_id is not None:
        return remover_of(complaint.comment_id)
    return None


@transaction.atomic
def decide_complaint(*, complaint_id: int, moderator: User, grant: bool, answer: str) -> Appeal:
    """Decide a complaint other than a removal appeal (those are decided on the queue
    item, by decide_appeal). Granting one lifts the sanction or the limit, puts the
    dismissed report back in the queue, or puts the redacted words back (when the
    original is still kept and the text has not changed since: `redaction_undone` on
    the returned complaint says which)."""
    complaint = (
        # Only the complaint's row: PostgreSQL cannot lock the nullable side of the joins.
        Appeal.objects.select_for_update(of=("self",))
        .filter(pk=complaint_id)
        .exclude(kind=Appeal.Kind.REMOVAL)
        .select_related("statement__action", "statement__sanction", "report__comment", "author")
        .first()
    )
    if complaint is None or complaint.status != Appeal.Status.OPEN:
        raise ActionRefused(_("This complaint was already decided. Nothing was changed."))
    if not may_decide_appeal(moderator=moderator, remover_id=decider_of(complaint)):
        raise ActionRefused(
            _(
                "You took the decision this complaint contests, so another moderator "
                "decides it. Nothing was changed."
            )
        )
    answer = clean_answer(answer)
    now = timezone.now()
    complaint.status = Appeal.Status.OVERTURNED if grant else Appeal.Status.UPHELD
    complaint.decided_by = moderator
    complaint.decided_at = now
    complaint.answer = answer
    complaint.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    comment = None
    if grant:
        comment = _grant(complaint, moderator=moderator, now=now)
    elif complaint.report is not None:
        comment = complaint.report.comment
    kind = Kind.COMPLAINT_GRANTED if grant else Kind.COMPLAINT_UPHELD
    log_action(
        kind,
        moderator=moderator,
        comment=comment,
        member=complaint.author,
        reason=complaint.get_kind_display()[:200],
        message=answer,
    )
    addresses = [complaint.author.email] if complaint.author else [complaint.contact_email]
    email_addresses(addresses, "complaint_decided", {"complaint": complaint, "answer": answer})
    _notify_complainant(complaint, comment=comment)
    return complaint


def _grant(complaint: Appeal, *, moderator: User, now: datetime) -> Comment | None:
    statement = complaint.statement
    if complaint.report is not None:
        report = complaint.report
        # Back in the queue, unless the member has since reported the comment again (one
        # open report per member and comment).
        reported_again = (
            report.reporter_id is not None
            and Report.objects.filter(
                comment=report.comment, reporter=report.reporter, resolution=Report.Resolution.OPEN
            ).exists()
        )
        if not reported_again:
            Report.objects.filter(pk=report.pk).update(
                resolution=Report.Resolution.OPEN, resolved_by=None, resolved_at=None
            )
            reports_changed(report.comment)
        return report.comment
    if statement is None:
        return None
    if statement.sanction is not None and statement.sanction.lifted_at is None:
        statement.sanction.lifted_at = now
        statement.sanction.save(update_fields=["lifted_at"])
        log_action(Kind.LIFT, moderator=moderator, member=statement.sanction.member)
        member_changed(statement.sanction.member)
    if statement.restriction == StatementOfReasons.Restriction.REDACTION:
        complaint.redaction_undone = undo_redaction(  # type: ignore[attr-defined]
            action=statement.action, moderator=moderator
        )
    if statement.restriction == StatementOfReasons.Restriction.REPORTS_LIMITED:
        ReportingLimit.objects.filter(member=statement.member, lifted_at__isnull=True).update(
            lifted_at=now
        )
    return statement.comment


def open_complaints() -> list[Appeal]:
    """What waits for a decision on the complaints page, oldest first."""
    return list(
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .select_related(
            "author",
            "comment__article",
            "statement__action__moderator",
            "report__comment__article",
            "report__resolved_by",
        )
        .order_by("created_at", "pk")
    )


def complaint_url(complaint: Appeal) -> str:
    if complaint.kind == Appeal.Kind.REMOVAL and complaint.comment_id:
        return reverse("forum:moderation-item", args=[complaint.comment_id])
    return reverse("forum:moderation-complaint", args=[complaint.pk])
