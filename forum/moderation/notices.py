"""Notices from signed-out visitors (DSA Art. 16): sent, confirmed by email, decided.

A visitor fills in the notice form; the notice is stored unconfirmed and the visitor is
emailed a link holding a random token (only its sha256 is stored). Only following that
link and pressing "Confirm" turns the notice into a Report with source "visitor", through
the same door as members' reports (reports.file_visitor_report), so it merges with the
comment's other reports in the queue. A visitor's notice does not count toward the
automatic hide (see reports._received). Unconfirmed notices expire after
FORUM_NOTICE_CONFIRM_HOURS and the daily prune deletes them. The decision reaches the
visitor through emails.notify_notifiers, called wherever reports are resolved.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import ratelimit, validation
from forum.models import Comment, CommentStatus, Notice, Report, ReportReason
from forum.moderation.emails import email_address
from forum.moderation.errors import NoticeRefused, TooManyNotices
from forum.moderation.reports import file_visitor_report
from forum.pagecache.invalidation import reports_changed

NAME_MAX_LENGTH = 100
_RATE_GROUP = "forum.notice"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def notice_refusal(comment: Comment) -> str:
    """Why a visitor may not send a notice about this comment, or '': visitors see, and
    so notice, only published comments."""
    if comment.status != CommentStatus.PUBLISHED:
        return _("This comment is not shown in the discussion now, so there is nothing to report.")
    return ""


def clean_notice(*, reason: str, explanation: str, name: str, email: str, good_faith: bool) -> dict:
    """The notice's fields as stored, or a ValidationError with the message the form
    shows (the form asks the same questions first; this protects the data)."""
    if reason not in ReportReason.values:
        raise ValidationError(validation.REASON_REQUIRED)
    explanation = explanation.strip()
    if not explanation:
        raise ValidationError(_("Please explain what is wrong with the comment."))
    if len(explanation) > validation.NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Please keep the explanation under %(limit)d characters.")
            % {"limit": validation.NOTE_MAX_LENGTH}
        )
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ValidationError(_("Please give your name (up to 100 characters)."))
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Please give an email address we can write to.")) from None
    if not good_faith:
        raise ValidationError(
            _("Please confirm that what you say in this notice is accurate and complete.")
        )
    return {"reason": reason, "explanation": explanation, "name": name, "email": email}


@transaction.atomic
def submit_notice(
    *,
    comment: Comment,
    reason: str,
    explanation: str,
    name: str,
    email: str,
    good_faith: bool,
    address: str,
) -> Notice:
    """Store an unconfirmed notice and email the visitor the link that confirms it.
    Limited per client `address` and per email (FORUM_NOTICE_RATE): TooManyNotices."""
    try:
        fields = clean_notice(
            reason=reason, explanation=explanation, name=name, email=email, good_faith=good_faith
        )
    except ValidationError as error:
        raise NoticeRefused(validation.message_of(error)) from None
    if refusal := notice_refusal(comment):
        raise NoticeRefused(refusal)
    keys = [f"ip:{address}", f"email:{fields['email'].lower()}"]
    if wait := ratelimit.counted_wait(_RATE_GROUP, keys, settings.FORUM_NOTICE_RATE):
        raise TooManyNotices(
            _("You have sent several notices in a short time. Please try again in %(wait)s.")
            % {"wait": ratelimit.wait_phrase(wait)}
        )
    token = secrets.token_urlsafe(32)
    notice = Notice.objects.create(
        comment=comment,
        good_faith=True,
        snapshot=comment.body_source,
        token_hash=_hash(token),
        **fields,
    )
    email_address(
        notice.email,
        "notice_confirm",
        {
            "notice": notice,
            "comment": comment,
            "confirm_url": reverse("forum:notice-confirm", args=[token]),
            "hours": settings.FORUM_NOTICE_CONFIRM_HOURS,
        },
    )
    return notice


class Confirmation(enum.Enum):
    CONFIRMED = "confirmed"  # a new report in the queue
    MERGED = "merged"  # the same visitor's open notice on this comment already is
    ALREADY = "already"  # the link was used before
    EXPIRED = "expired"
    INVALID = "invalid"  # no such token: mistyped, forged, or pruned
    GONE = "gone"  # the comment was taken down meanwhile


@dataclass(frozen=True)
class Lookup:
    outcome: Confirmation | None  # None: valid and waiting to be confirmed
    notice: Notice | None


def look_up_notice(token: str) -> Lookup:
    """What the confirmation link points at, without changing anything (the page a GET
    shows: mail scanners that open links must not confirm notices)."""
    notice = (
        Notice.objects.select_related("comment__article").filter(token_hash=_hash(token)).first()
    )
    if notice is None:
        return Lookup(Confirmation.INVALID, None)
    if notice.confirmed_at is not None:
        return Lookup(Confirmation.ALREADY, notice)
    if notice.expires_at <= timezone.now():
        return Lookup(Confirmation.EXPIRED, notice)
    return Lookup(None, notice)


@transaction.atomic
def confirm_notice(*, token: str) -> Lookup:
    """The visitor confirmed their email: the notice becomes a report in the queue (or
    joins the same visitor's open one on this comment), and a receipt is emailed. A
    forged, expired or used token changes nothing and says which it was."""
    notice = Notice.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if notice is None:
        return Lookup(Confirmation.INVALID, None)
    if notice.confirmed_at is not None:
        return Lookup(Confirmation.ALREADY, notice)
    if notice.expires_at <= timezone.now():
        return Lookup(Confirmation.EXPIRED, notice)
    comment = Comment.objects.select_related("article").get(pk=notice.comment_id)
    notice.confirmed_at = timezone.now()
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.HIDDEN):
        notice.save(update_fields=["confirmed_at"])
        return Lookup(Confirmation.GONE, notice)
    # One visitor's repeated notices on one comment are one report: the moderators see
    # one line and the visitor is told the decision once.
    same = (
        Report.objects.filter(
            comment=comment,
            resolution=Report.Resolution.OPEN,
            source=Report.Source.VISITOR,
            notices__email__iexact=notice.email,
        )
        .order_by("pk")
        .first()
    )
    outcome = Confirmation.MERGED if same else Confirmation.CONFIRMED
    notice.report = same or file_visitor_report(
        comment=comment, reason=notice.reason, note=notice.explanation, snapshot=notice.snapshot
    )
    notice.save(update_fields=["confirmed_at", "report"])
    if same:
        reports_changed(comment)  # the queue shows each notice's explanation
    email_address(notice.email, "notice_received", {"notice": notice, "comment": comment})
    return Lookup(outcome, notice)


def prune_notices(*, now=None) -> int:
    """Delete unconfirmed notices past their window (the daily job): the visitor's name
    and email leave with them. Returns how many."""
    deleted, _rows = Notice.objects.expired(now).delete()
    return deleted
