"""Moderation: screening new comments, reports, the queue, decisions and sanctions.

Every state change is one keyword-only function that runs in one transaction and
writes its ModerationAction row in that transaction; emails leave through
transaction.on_commit onto a background task (forum/moderation_tasks.py).

Decisions on a comment lock its row (select_for_update; SQLite's IMMEDIATE
transactions serialize writers anyway) and compare the state the moderator saw
(`item_version`) with the state now, so two moderators acting at once produce one
decision and the second is told who was first.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from forum import permissions
from forum.cache import discussion_changed, queue_changed
from forum.models import (
    REASON_SEVERITY,
    Appeal,
    Comment,
    CommentStatus,
    MemberNote,
    ModerationAction,
    QueueAlert,
    Report,
    ReportReason,
    Sanction,
    WatchedWord,
)

User = get_user_model()
Kind = ModerationAction.Kind
OPEN = Report.Resolution.OPEN

MODERATORS_GROUP = "Moderators"


class ModerationError(Exception):
    """A refused request; the text is the message shown to the person."""


class ReportRefused(ModerationError):
    pass


class AppealRefused(ModerationError):
    pass


class ActionRefused(ModerationError):
    """Not allowed, or the form was stale: nothing was changed."""


# --- Who the moderators are (who may do what: forum/permissions.py) -------------


def moderators_group():
    """The Moderators group with forum.moderate (made by a migration; remade if deleted)."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="forum", codename="moderate")
    )
    return group


def moderators() -> QuerySet:
    """Members of the Moderators group or holding forum.moderate directly."""
    permission = Permission.objects.filter(content_type__app_label="forum", codename="moderate")
    return User.objects.filter(
        Q(groups__permissions__in=permission) | Q(user_permissions__in=permission),
        is_active=True,
    ).distinct()


# --- Screening a new comment before it is stored -------------------------------

# A dose: a number and a unit. Units are case-sensitive so "5G network" is not a dose.
DOSE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|g|(?i:iu))(?!\w)")
# Telling others what to take (instead of sharing one's own experience).
ADVICE = re.compile(
    r"\b(?:you|u)\s+(?:should|must|need\s+to|have\s+to|ought\s+to)\s+(?:take|try|start)\b"
    r"|\btry\s+taking\b"
    # "Take X" as a command, at the start of a sentence; "take care" is not advice.
    r"|(?:^|[.!?]\s+)take\s+(?!care\b|a\s+look\b|a\s+break\b|it\s+easy\b|time\b)\w+",
    re.IGNORECASE | re.MULTILINE,
)

HOLD_WATCHED_WORD = "watched_word"
HOLD_DOSING = "dosing_advice"
HOLD_NEW_MEMBER = "new_member"
HOLD_REMOVALS = "recent_removals"
HOLD_ARTICLE = "article_premoderated"
HOLD_CATEGORY = "category_premoderated"
HOLD_EDITED = "edited_after_report"
HOLD_REASONS = {
    HOLD_WATCHED_WORD: "Matched a watched word",
    HOLD_DOSING: "Gives doses or tells others what to take",
    HOLD_NEW_MEMBER: "New member: first comments are reviewed",
    HOLD_REMOVALS: "Several recent comments were removed",
    HOLD_ARTICLE: "Every comment on this article is reviewed",
    HOLD_CATEGORY: "Every comment in this topic is reviewed",
    HOLD_EDITED: "Edited after a report",
}
DOSING_PROMPT = (
    "This looks like it gives doses or tells others what to take. Please share your own "
    "experience, or cite a source. If you post it as it is, a moderator will review it first."
)


def find_dosing_advice(text: str) -> str:
    """The first dose or instruction in the text, or '' when there is none."""
    match = DOSE.search(text) or ADVICE.search(text)
    return match.group(0).strip(" .!?") if match else ""


def needs_dosing_confirmation(text: str) -> bool:
    return bool(find_dosing_advice(text))


def _watched_match(word: WatchedWord, text: str) -> str:
    if word.is_regex:
        try:
            match = re.search(word.pattern, text, re.IGNORECASE)
        except re.error:
            return ""
    else:
        # Whole words only: watching "ass" must not hold "assess".
        match = re.search(rf"(?<!\w){re.escape(word.pattern)}(?!\w)", text, re.IGNORECASE)
    return match.group(0) if match else ""


@dataclass(frozen=True)
class Screening:
    """What to do with a new comment: 'publish', 'hold', 'refuse' or 'confirm_dosing'."""

    action: str
    message: str = ""
    hold_reason: str = ""
    matched_rule: str = ""
    matched_text: str = ""

    @property
    def needs_dosing_confirmation(self) -> bool:
        return self.action == "confirm_dosing"

    def comment_fields(self) -> dict:
        """Fields for Comment.objects.create(...) when the action is publish or hold."""
        held = self.action == "hold"
        return {
            "status": CommentStatus.PENDING if held else CommentStatus.PUBLISHED,
            "hold_reason": self.hold_reason,
            "matched_rule": self.matched_rule[:200],
            "matched_text": self.matched_text[:200],
        }


def recently_removed(author) -> bool:
    """At least 2 of the member's last 5 decided comments were removed by moderators."""
    decided = list(
        Comment.objects.filter(
            author=author, status__in=[CommentStatus.PUBLISHED, CommentStatus.REMOVED]
        )
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)[:5]
    )
    return decided.count(CommentStatus.REMOVED) >= 2


def _screen_text(
    *, body_source: str, dosing_confirmed: bool, cites_source: bool
) -> Screening | None:
    """The rules about the words themselves, for new comments and edits alike."""
    watched = list(WatchedWord.objects.all())
    for word in watched:
        if word.action == WatchedWord.Action.BLOCK and _watched_match(word, body_source):
            return Screening(
                action="refuse",
                message="This comment contains words that are not allowed here. "
                "Please rephrase it.",
                matched_rule=word.pattern,
            )
    # The nudge asks for one's own experience or a source: a cited source answers it
    # (readers can check it, and report the comment if it misleads).
    dose = "" if cites_source else find_dosing_advice(body_source)
    if dose and not dosing_confirmed:
        return Screening(action="confirm_dosing", message=DOSING_PROMPT, matched_text=dose)
    for word in watched:
        matched = _watched_match(word, body_source)
        if matched:
            note = f" ({word.note})" if word.note else ""
            return Screening(
                action="hold",
                hold_reason=HOLD_WATCHED_WORD,
                matched_rule=f"Watched word: {word.pattern}{note}",
                matched_text=matched,
            )
    if dose:
        return Screening(
            action="hold",
            hold_reason=HOLD_DOSING,
            matched_rule="Dosing advice, posted after the prompt",
            matched_text=dose,
        )
    return None


def screen_comment(
    *,
    author,
    article,
    body_source: str,
    dosing_confirmed: bool = False,
    cites_source: bool = False,
) -> Screening:
    """The decision for a new comment before it is stored (post_comment calls it; a
    refusal re-renders the form with `message` and the text kept)."""
    screening = _screen_text(
        body_source=body_source, dosing_confirmed=dosing_confirmed, cites_source=cites_source
    )
    if screening:
        return screening
    if recently_removed(author):
        return Screening(action="hold", hold_reason=HOLD_REMOVALS)
    approved = Comment.objects.filter(author=author, status=CommentStatus.PUBLISHED).count()
    if approved < settings.FORUM_PREMODERATE_UNTIL_APPROVED:
        return Screening(action="hold", hold_reason=HOLD_NEW_MEMBER)
    if article.premoderate:
        return Screening(action="hold", hold_reason=HOLD_ARTICLE)
    if article.category.premoderate:
        return Screening(action="hold", hold_reason=HOLD_CATEGORY)
    return Screening(action="publish")


def screen_edit(
    *, body_source: str, dosing_confirmed: bool = False, cites_source: bool = False
) -> Screening:
    """The decision for a comment's new text (edit_comment calls it). Only the words
    count: the comment was already admitted, so member and article rules do not apply
    again."""
    screening = _screen_text(
        body_source=body_source, dosing_confirmed=dosing_confirmed, cites_source=cites_source
    )
    return screening or Screening(action="publish")


# --- Side effects after commit ---------------------------------------------------


def _email(recipients, template: str, context: dict) -> None:
    """Render now, send from the task worker once the transaction has committed."""
    from forum.moderation_tasks import send_email

    addresses = sorted({user.email for user in recipients if user and user.email})
    if not addresses:
        return
    context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    subject = render_to_string(f"moderation/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"moderation/email/{template}.txt", context)

    def enqueue() -> None:
        for address in addresses:  # one email each: reporters never see each other
            send_email.enqueue(to=[address], subject=subject, body=body)

    transaction.on_commit(enqueue)


def _notify_reporters(reports: list[Report], *, actioned: bool) -> None:
    for report in reports:
        _email([report.reporter], "report_handled", {"report": report, "actioned": actioned})


# --- Reports ----------------------------------------------------------------------


@transaction.atomic
def report_comment(*, comment: Comment, reporter, reason: str, note: str = "") -> Report:
    if reason not in ReportReason.values:
        raise ReportRefused("Please choose a reason from the list.")
    note = note.strip()
    if reason == ReportReason.OTHER and not note:
        raise ReportRefused("Please say what is wrong when you choose “Other”.")
    # The row lock makes simultaneous reports count one after another: exactly one of
    # them crosses the threshold and hides the comment.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    refusal = permissions.report_refusal(reporter, comment)
    if refusal:
        raise ReportRefused(refusal)
    # Hidden comments still take reports: a member who opened the page before the hide
    # adds their reason (and urgency) to the item the moderators will see.
    if comment.status not in {CommentStatus.PUBLISHED, CommentStatus.HIDDEN}:
        raise ReportRefused("This comment is already with the moderators.")
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
        raise ReportRefused("You have already reported this comment.") from None
    queue_changed()
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
        _set_status(comment, CommentStatus.HIDDEN)
        ModerationAction.objects.create(
            moderator=None,
            kind=Kind.AUTO_HIDE,
            comment=comment,
            member=comment.author,
            reason=f"{reporters} members reported it",
        )
    if reporters == 1 or hidden or reason == ReportReason.CRISIS:
        _email(moderators(), "new_report", {"comment": comment, "report": report})
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
    _set_status(comment, CommentStatus.PENDING, "hold_reason", "matched_rule", "matched_text")
    ModerationAction.objects.create(
        moderator=None,
        kind=Kind.HOLD,
        comment=comment,
        member=comment.author,
        reason="Edited after a report",
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
        )
    for name, value in screening.comment_fields().items():
        setattr(comment, name, value)


# --- Decisions on a comment -----------------------------------------------------


def _set_status(comment: Comment, status: str, *fields: str) -> None:
    comment.status = status
    comment.status_changed_at = timezone.now()
    comment.save(update_fields=["status", "status_changed_at", *fields])
    discussion_changed(article_id=comment.article_id)  # the article page shows it
    queue_changed()  # a comment enters or leaves the queue, or its item changes


def version_of(
    *, status: str, changed: datetime | None, edited: datetime | None, open_reports: int, appeal
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
    return {
        CommentStatus.PENDING: {"approve", "remove"},
        CommentStatus.HIDDEN: {"restore", "remove"} | ({"dismiss"} if open_reports else set()),
        CommentStatus.PUBLISHED: {"hide", "remove"} | ({"dismiss"} if open_reports else set()),
        CommentStatus.REMOVED: {"decide_appeal"} if open_appeal else {"restore"},
        CommentStatus.DELETED: {"dismiss"} if open_reports else set(),
    }.get(status, set())


def _locked(comment_id: int, *, action: str, expected_version: str | None) -> Comment:
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
        if last is not None:
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


def _resolve_reports(comment: Comment, moderator, *, actioned: bool) -> list[Report]:
    reports = list(
        Report.objects.filter(comment=comment, resolution=OPEN).select_related("reporter")
    )
    resolution = Report.Resolution.ACTIONED if actioned else Report.Resolution.DISMISSED
    now = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        resolution=resolution, resolved_by=moderator, resolved_at=now
    )
    queue_changed()  # the item shows its reports, and open ones keep it queued
    _notify_reporters(reports, actioned=actioned)
    return reports


def _log(kind: str, *, moderator, comment: Comment | None = None, member=None, **extra):
    return ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        comment=comment,
        member=member if member is not None else (comment.author if comment else None),
        **extra,
    )


def _refuse_restoring_nothing(comment: Comment) -> None:
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


def _announce_if_first_published(comment: Comment) -> None:
    """A reply held at posting was never announced: the answered member hears of it when
    it is first published (an approve, or a restore of a held reply that was removed).
    Any other logged step (an approve, a hide, a hold after an edit...) means it was
    published, and announced, before. Call before writing this decision's log row."""
    if not comment.parent_id or not comment.hold_reason:
        return
    if (
        ModerationAction.objects.filter(comment=comment)
        .exclude(kind__in=_BEFORE_FIRST_PUBLISHED)
        .exists()
    ):
        return
    from forum.tasks import notify_reply

    transaction.on_commit(lambda: notify_reply.enqueue(comment_id=comment.pk))


@transaction.atomic
def approve_comment(*, comment_id: int, moderator, expected_version: str | None = None) -> Comment:
    comment = _locked(comment_id, action="approve", expected_version=expected_version)
    _announce_if_first_published(comment)
    _set_status(comment, CommentStatus.PUBLISHED)
    _resolve_reports(comment, moderator, actioned=False)
    _log(Kind.APPROVE, moderator=moderator, comment=comment)
    return comment


@transaction.atomic
def hide_comment(
    *, comment_id: int, moderator, reason: str = "", expected_version: str | None = None
) -> Comment:
    comment = _locked(comment_id, action="hide", expected_version=expected_version)
    _set_status(comment, CommentStatus.HIDDEN)
    _log(Kind.HIDE, moderator=moderator, comment=comment, reason=reason[:200])
    return comment


def _remove(comment: Comment, moderator, reason: str, message: str) -> None:
    comment.removal_reason = reason
    comment.moderator_message = message
    _set_status(comment, CommentStatus.REMOVED, "removal_reason", "moderator_message")
    _resolve_reports(comment, moderator, actioned=True)


@transaction.atomic
def remove_comment(
    *,
    comment_id: int,
    moderator,
    reason: str,
    message: str = "",
    expected_version: str | None = None,
) -> Comment:
    if reason not in ReportReason.values:
        raise ActionRefused("Please choose the reason for removing this comment.")
    comment = _locked(comment_id, action="remove", expected_version=expected_version)
    message = message.strip()
    _remove(comment, moderator, reason, message)
    _log(Kind.REMOVE, moderator=moderator, comment=comment, reason=reason, message=message)
    _email(
        [comment.author],
        "comment_removed",
        {"comment": comment, "appeal_url": reverse("forum:comment-appeal", args=[comment.pk])},
    )
    return comment


@transaction.atomic
def dismiss_reports(*, comment_id: int, moderator, expected_version: str | None = None) -> Comment:
    comment = _locked(comment_id, action="dismiss", expected_version=expected_version)
    if comment.status == CommentStatus.HIDDEN:
        _set_status(comment, CommentStatus.PUBLISHED)
    _resolve_reports(comment, moderator, actioned=False)
    _log(Kind.DISMISS, moderator=moderator, comment=comment)
    return comment


@transaction.atomic
def restore_comment(*, comment_id: int, moderator, expected_version: str | None = None) -> Comment:
    comment = _locked(comment_id, action="restore", expected_version=expected_version)
    _refuse_restoring_nothing(comment)
    _announce_if_first_published(comment)
    comment.removal_reason = ""
    comment.moderator_message = ""
    _set_status(comment, CommentStatus.PUBLISHED, "removal_reason", "moderator_message")
    _resolve_reports(comment, moderator, actioned=False)
    _log(Kind.RESTORE, moderator=moderator, comment=comment)
    return comment


def remover_of(comment_id: int):
    action = (
        ModerationAction.objects.filter(comment_id=comment_id, kind=Kind.REMOVE)
        .exclude(moderator=None)
        .first()
    )
    return action.moderator_id if action else None


def may_decide_appeal(*, moderator, remover_id: int | None, others_exist: bool) -> bool:
    """A different moderator than the one who removed it, when there is one."""
    return remover_id != moderator.pk or not others_exist


@transaction.atomic
def decide_appeal(
    *,
    comment_id: int,
    moderator,
    overturn: bool,
    message: str = "",
    expected_version: str | None = None,
) -> Appeal:
    comment = _locked(comment_id, action="decide_appeal", expected_version=expected_version)
    remover_id = remover_of(comment.pk)
    others = moderators().exclude(pk=moderator.pk).exists()
    if not may_decide_appeal(moderator=moderator, remover_id=remover_id, others_exist=others):
        raise ActionRefused(
            "You removed this comment, so another moderator decides the appeal. "
            "Nothing was changed."
        )
    if overturn:
        _refuse_restoring_nothing(comment)
    appeal = Appeal.objects.get(comment=comment)
    appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
    appeal.decided_by = moderator
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decided_by", "decided_at"])
    if overturn:
        _announce_if_first_published(comment)
        comment.removal_reason = ""
        comment.moderator_message = ""
        _set_status(comment, CommentStatus.PUBLISHED, "removal_reason", "moderator_message")
    else:
        # The version token includes the appeal, so a stale form sees the change.
        _set_status(comment, CommentStatus.REMOVED)
    kind = Kind.APPEAL_OVERTURNED if overturn else Kind.APPEAL_UPHELD
    _log(kind, moderator=moderator, comment=comment, message=message.strip())
    _email(
        [appeal.author],
        "appeal_decided",
        {"comment": comment, "appeal": appeal, "message": message.strip()},
    )
    return appeal


@dataclass
class BulkResult:
    done: int = 0
    refused: list[str] = field(default_factory=list)


def bulk_moderate(
    *, moderator, action: str, items: dict[int, str], reason: str = "", message: str = ""
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


# --- Appeals -----------------------------------------------------------------------


@transaction.atomic
def submit_appeal(*, comment: Comment, author, message: str) -> Appeal:
    message = message.strip()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != author.pk:
        raise AppealRefused("Only the author of a comment can appeal its removal.")
    if comment.status != CommentStatus.REMOVED:
        raise AppealRefused("Only a removed comment can be appealed.")
    if not message:
        raise AppealRefused("Please say why the comment should be restored.")
    if Appeal.objects.filter(comment=comment).exists():
        raise AppealRefused("You have already appealed this removal.")
    appeal = Appeal.objects.create(comment=comment, author=author, message=message)
    # A new state for the queue's version token.
    _set_status(comment, CommentStatus.REMOVED)
    _email(moderators(), "new_appeal", {"comment": comment, "appeal": appeal})
    return appeal


# --- Members: sanctions and notes ---------------------------------------------------


def _refuse_self(member, moderator) -> None:
    if member.pk == moderator.pk:
        raise ActionRefused("You cannot sanction yourself. Nothing was changed.")


@transaction.atomic
def suspend_member(
    *, member, moderator, days: int, reason: str, comment: Comment | None = None
) -> Sanction:
    _refuse_self(member, moderator)
    reason = reason.strip()
    if not reason or days < 1:
        raise ActionRefused("A suspension needs a reason and at least one day.")
    sanction = Sanction.objects.create(
        member=member,
        kind=Sanction.Kind.SUSPENSION,
        reason=reason,
        ends_at=timezone.now() + timedelta(days=days),
        created_by=moderator,
    )
    _log(Kind.SUSPEND, moderator=moderator, member=member, comment=comment, reason=reason[:200])
    queue_changed()  # the author's history on their items lists running sanctions
    _email([member], "sanction", {"sanction": sanction})
    return sanction


@transaction.atomic
def ban_member(
    *,
    member,
    moderator,
    reason: str,
    remove_comments: bool = False,
    removal_reason: str = "",
    comment: Comment | None = None,
) -> Sanction:
    _refuse_self(member, moderator)
    reason = reason.strip()
    if not reason:
        raise ActionRefused("A ban needs a reason the member will read.")
    if remove_comments and removal_reason not in ReportReason.values:
        raise ActionRefused("Choose the reason shown on the removed comments.")
    sanction = Sanction.objects.create(
        member=member, kind=Sanction.Kind.BAN, reason=reason, created_by=moderator
    )
    _log(Kind.BAN, moderator=moderator, member=member, comment=comment, reason=reason[:200])
    queue_changed()
    removed = 0
    if remove_comments:
        live = [CommentStatus.PUBLISHED, CommentStatus.PENDING, CommentStatus.HIDDEN]
        for each in Comment.objects.select_for_update().filter(author=member, status__in=live):
            _remove(each, moderator, removal_reason, "")
            _log(Kind.REMOVE, moderator=moderator, comment=each, reason=removal_reason)
            removed += 1
    _email([member], "sanction", {"sanction": sanction, "removed": removed})
    return sanction


@transaction.atomic
def lift_sanction(*, sanction_id: int, moderator) -> Sanction:
    sanction = Sanction.objects.select_for_update().filter(pk=sanction_id).first()
    if sanction is None or sanction.lifted_at is not None:
        raise ActionRefused("This sanction was already lifted. Nothing was changed.")
    sanction.lifted_at = timezone.now()
    sanction.save(update_fields=["lifted_at"])
    _log(Kind.LIFT, moderator=moderator, member=sanction.member)
    queue_changed()
    _email([sanction.member], "sanction_lifted", {"sanction": sanction})
    return sanction


@transaction.atomic
def add_member_note(*, member, moderator, text: str) -> MemberNote:
    text = text.strip()
    if not text:
        raise ActionRefused("The note is empty.")
    note = MemberNote.objects.create(member=member, author=moderator, text=text)
    _log(Kind.NOTE, moderator=moderator, member=member, message=text)
    queue_changed()  # the author's history on their items shows notes
    return note


# --- The queue ------------------------------------------------------------------------

# Items with no report sort after every reported one; dosing holds count as medical harm.
_LAST = len(REASON_SEVERITY)
QUEUE_STATES = {
    "pending": "Awaiting approval",
    "reported": "Reported",
    "hidden": "Hidden",
    "appeal": "Appeals",
}


def waiting_comments(
    *, reason: str = "", article_id: int | None = None, state: str = ""
) -> QuerySet:
    """The comments waiting for a decision (and matching the filters), unordered: what
    the queue counts, without the per-comment sums its order needs."""
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolution=OPEN)
    appeal_open = Q(appeal__status=Appeal.Status.OPEN)
    queryset = Comment.objects.filter(
        Q(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
        # Deleted by its author after a report: the reported text (and a crisis
        # report's reason to reach out) still needs a moderator's eyes.
        | Q(Exists(open_reports), status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED])
        | Q(appeal_open, status=CommentStatus.REMOVED)
    )
    if reason:
        by_reason = Q(Exists(open_reports.filter(reason=reason)))
        if reason == ReportReason.MEDICAL_HARM:
            by_reason |= Q(hold_reason=HOLD_DOSING, status=CommentStatus.PENDING)
        queryset = queryset.filter(by_reason)
    if article_id:
        queryset = queryset.filter(article_id=article_id)
    if state == "pending":
        queryset = queryset.filter(status=CommentStatus.PENDING)
    elif state == "hidden":
        queryset = queryset.filter(status=CommentStatus.HIDDEN)
    elif state == "reported":
        queryset = queryset.filter(Exists(open_reports))
    elif state == "appeal":
        queryset = queryset.filter(appeal_open, status=CommentStatus.REMOVED)
    return queryset


def queue_comments(*, reason: str = "", article_id: int | None = None, state: str = "") -> QuerySet:
    """What needs a decision, most urgent first: severity, reporters, then age."""
    open_q = Q(reports__resolution=OPEN)
    severity = Min(
        Case(
            *[
                When(reports__resolution=OPEN, reports__reason=key, then=Value(rank))
                for key, rank in REASON_SEVERITY.items()
            ],
            output_field=IntegerField(),
        )
    )
    hold_severity = Case(
        When(hold_reason=HOLD_DOSING, then=Value(REASON_SEVERITY[ReportReason.MEDICAL_HARM])),
        default=Value(_LAST),
        output_field=IntegerField(),
    )
    appeal_open = Q(appeal__status=Appeal.Status.OPEN)
    return (
        waiting_comments(reason=reason, article_id=article_id, state=state)
        .select_related("article__category", "author", "parent__author", "appeal")
        .annotate(
            severity=Coalesce(severity, hold_severity),
            reporters=Count("reports__reporter", filter=open_q, distinct=True),
            open_reports=Count("reports", filter=open_q, distinct=True),
            waiting_since=Coalesce(
                Min("reports__created_at", filter=open_q),
                Case(When(appeal_open, then=F("appeal__created_at"))),
                "status_changed_at",
                "created_at",
            ),
        )
        .order_by("severity", "-reporters", "waiting_since", "pk")
    )


def highlight(text: str, needle: str) -> list[tuple[str, bool]]:
    """The text in pieces, (piece, is_match): the template marks matches with <mark>."""
    if not needle:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in re.finditer(re.escape(needle), text, re.IGNORECASE):
        pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    pieces.append((text[position:], False))
    return [piece for piece in pieces if piece[0]]


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(operation, text) with operation 'same', 'removed' or 'added', word by word."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(new[b1:b2])))
    return pieces


@dataclass
class MemberHistory:
    approved: int = 0
    removed: int = 0
    sanctions: list[Sanction] = field(default_factory=list)
    notes: list[MemberNote] = field(default_factory=list)


@dataclass
class QueueItem:
    comment: Comment
    version: str
    reports: list[Report]
    history: MemberHistory
    actions: set[str]
    appeal: Appeal | None
    remover: str = ""
    may_decide_appeal: bool = True
    may_sanction_author: bool = False
    thread_url: str = ""
    # "/moderation/comments/<pk>/" and "/moderation/members/<author>/": the action forms
    # append their action, so a page reverses two URLs per item, not eight.
    action_base: str = ""
    member_base: str = ""
    diff: list[tuple[str, str]] = field(default_factory=list)
    highlighted: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def hold_label(self) -> str:
        return HOLD_REASONS.get(self.comment.hold_reason, "")

    @property
    def open_reports(self) -> list[Report]:
        return [report for report in self.reports if report.resolution == OPEN]


def _url_base(name: str, pk: int) -> str:
    """The URL of `name` for `pk` without its trailing action slug ("x/")."""
    return reverse(name, args=[pk, "x"])[: -len("x/")]


def queue_page(*, moderator, page_number, per_page: int | None = None, **filters) -> Page:
    """One page of queue items with everything the template shows, in a fixed number
    of queries however long the queue is."""
    # Sort and count on the ids alone: grouping whole rows (the comment, its article
    # with its body, authors) to order the queue made every page cost more the longer
    # the queue. Then one more query fetches the page's rows, in the same order.
    ordered = queue_comments(**filters).values_list("pk", flat=True)
    paginator = Paginator(ordered, per_page or settings.FORUM_QUEUE_PER_PAGE)
    # Counted on the filter alone: counting the ordered queryset worked out every waiting
    # comment's report sums (severity, reporters, wait) only to throw them away.
    paginator.count = waiting_comments(**filters).count()
    page = paginator.get_page(page_number)
    ids = list(page.object_list)
    rows = {comment.pk: comment for comment in queue_comments().filter(pk__in=ids)}
    comments = [rows[pk] for pk in ids if pk in rows]
    authors = {comment.author_id for comment in comments if comment.author_id}

    reports: dict[int, list[Report]] = defaultdict(list)
    for report in Report.objects.filter(comment_id__in=ids).select_related("reporter"):
        reports[report.comment_id].append(report)
    history: dict[int, MemberHistory] = defaultdict(MemberHistory)
    counts = (
        Comment.objects.filter(author_id__in=authors)
        .values("author_id")
        .annotate(
            approved=Count("pk", filter=Q(status=CommentStatus.PUBLISHED)),
            removed=Count("pk", filter=Q(status=CommentStatus.REMOVED)),
        )
        .order_by()
    )
    for row in counts:
        history[row["author_id"]].approved = row["approved"]
        history[row["author_id"]].removed = row["removed"]
    for sanction in Sanction.objects.active().filter(member_id__in=authors):
        history[sanction.member_id].sanctions.append(sanction)
    for note in MemberNote.objects.filter(member_id__in=authors).select_related("author"):
        history[note.member_id].notes.append(note)
    removers = {
        action.comment_id: action.moderator
        for action in ModerationAction.objects.filter(comment_id__in=ids, kind=Kind.REMOVE)
        .exclude(moderator=None)
        .select_related("moderator")
        .order_by("created_at", "pk")
    }
    others_exist = moderators().exclude(pk=moderator.pk).exists()

    items = []
    for comment in comments:
        appeal = appeal_of(comment)
        remover = removers.get(comment.pk)
        snapshots = [r.snapshot for r in reports[comment.pk] if r.snapshot != comment.body_source]
        items.append(
            QueueItem(
                comment=comment,
                version=version_of(
                    status=comment.status,
                    changed=comment.status_changed_at,
                    edited=comment.edited_at,
                    open_reports=comment.open_reports,
                    appeal=appeal,
                ),
                reports=reports[comment.pk],
                history=history[comment.author_id],
                actions=allowed_actions(
                    status=comment.status, open_reports=comment.open_reports, appeal=appeal
                ),
                appeal=appeal,
                remover=remover.username if remover else "",
                may_decide_appeal=may_decide_appeal(
                    moderator=moderator,
                    remover_id=remover.pk if remover else None,
                    others_exist=others_exist,
                ),
                may_sanction_author=comment.author_id not in {None, moderator.pk},
                thread_url=comment.get_absolute_url(),
                action_base=_url_base("forum:moderation-action", comment.pk),
                member_base=(
                    _url_base("forum:moderation-member", comment.author_id)
                    if comment.author_id
                    else ""
                ),
                diff=word_diff(snapshots[-1], comment.body_source) if snapshots else [],
                highlighted=highlight(comment.body_source, comment.matched_text),
            )
        )
    page.object_list = items
    return page


def reason_label(reason: str) -> str:
    """A removal's reason as people read it; free-text reasons stay as they are."""
    return ReportReason(reason).label if reason in ReportReason.values else reason


def moderation_log(
    *, moderator: str = "", member: str = "", article_id: int | None = None, kind: str = ""
) -> QuerySet:
    actions = ModerationAction.objects.select_related("moderator", "member", "comment__article")
    if moderator:
        actions = actions.filter(moderator__username__iexact=moderator)
    if member:
        actions = actions.filter(member__username__iexact=member)
    if article_id:
        actions = actions.filter(comment__article_id=article_id)
    if kind:
        actions = actions.filter(kind=kind)
    return actions


# --- Stale queue alerts -----------------------------------------------------------------


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
        _email(
            moderators(),
            "stale_queue",
            {"count": len(stale), "hours": settings.FORUM_QUEUE_ALERT_HOURS, "oldest": stale[0]},
        )
    return len(stale)
