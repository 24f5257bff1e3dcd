"""Who may do what in the discussion. Views and templates ask here; nobody else decides.

Each helper costs a small query or two, so the article page asks the member-level ones
once per request and hands the answers to templates as flags.
"""

from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.db.models import Case, When
from django.http import HttpRequest
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.accounts import has_verified_email
from articles.models import Article
from forum.models import Comment, CommentStatus, Report, Sanction


@dataclass(frozen=True)
class Refusal:
    """Why a member cannot post: a message for them, the HTTP status, a machine code."""

    code: str
    message: str
    status: int = 403
    sanction: Sanction | None = None  # the ban or suspension, for the notice templates


def can_moderate(user: Any) -> bool:
    """A signed-in moderator (what a moderator is: aposbook.models.moderates)."""
    return bool(user.is_authenticated and user.is_moderator)


def has_two_factor(user) -> bool:
    """An authenticator app or a security key; allauth asks for it at every sign-in."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_passed_second_factor(request: HttpRequest) -> bool:
    """Did this session itself pass a second factor (TOTP, recovery code, security key or
    passkey), at sign-in or by reauthenticating? allauth records each step it passed."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def moderation_access(request: HttpRequest) -> str:
    """'ok', or why not: 'login', 'forbidden', 'needs_2fa' (the account has no second
    factor) or 'needs_2fa_session' (it has one, but this session never passed it: a
    password-only session opened before 2FA was set up, or elsewhere)."""
    user = request.user
    if not user.is_authenticated:
        return "login"
    if not can_moderate(user):
        return "forbidden"
    if settings.FORUM_MODERATORS_REQUIRE_2FA:
        if not has_two_factor(user):
            return "needs_2fa"
        if not session_passed_second_factor(request):
            return "needs_2fa_session"
    return "ok"


def active_sanction(user) -> Sanction | None:
    """The ban or running suspension that stops this member posting, editing, reporting
    (a ban first: it outlasts any suspension)."""
    if not user.is_authenticated:
        return None
    if getattr(user, "standing_sanctioned", None) is False:
        return None  # no sanction at all, known since the user was loaded (backends.py)
    return (
        Sanction.objects.active()
        .filter(member_id=user.pk)
        .order_by(Case(When(kind=Sanction.Kind.BAN, then=0), default=1), "-ends_at")
        .first()
    )


def sanction_refusal(user) -> Refusal | None:
    sanction = active_sanction(user)
    if sanction is None:
        return None
    if sanction.kind == Sanction.Kind.BAN or sanction.ends_at is None:
        return Refusal(
            "banned", gettext("Your account is banned from the discussion."), sanction=sanction
        )
    ends = dateformat.format(timezone.localtime(sanction.ends_at), "j F Y, H:i T")
    return Refusal(
        "suspended",
        gettext(
            "Your account is suspended until %(ends)s. "
            "You can read the discussion, and post again after that."
        )
        % {"ends": ends},
        sanction=sanction,
    )


def posting_refusal(user, article: Article) -> Refusal | None:
    """None when the user may post on this article, else the reason they may not."""
    if not user.is_authenticated:
        return Refusal("anonymous", gettext("Sign in to join the discussion."))
    if not article.discussion_open:
        return Refusal("closed", gettext("The discussion on this article is closed."))
    if not user.is_active:
        return Refusal("inactive", gettext("Your account is not active."))
    if not has_verified_email(user):
        return Refusal(
            "unverified",
            gettext(
                "Verify your email address to join the discussion. "
                "We sent you a link when you signed up; you can send it again."
            ),
        )
    return sanction_refusal(user)


def can_post(user, article: Article) -> bool:
    return posting_refusal(user, article) is None


def can_edit(user: Any, comment: Comment) -> bool:
    """Own comment, inside the edit window, and the member may still post there (as
    services.edit_refusal decides). The discussion page asks posting_refusal once and
    comment.editable_by per comment."""
    return comment.editable_by(user) and posting_refusal(user, comment.article) is None


def can_delete(user, comment: Comment) -> bool:
    return comment.deletable_by(user)


# Who may report which comment: one rule in two halves, so a page asks the member's
# half once and the comment's half per comment (no query), and the report view and
# report_comment ask both (report_refusal) with the same words.
REPORT_SIGN_IN = _("Sign in to report comments.")
REPORT_OWN = _("You cannot report your own comment.")
REPORT_TWICE = _("You have already reported this comment.")
REPORT_WAITING = _("This comment is already with the moderators.")
REPORT_GONE = _("This comment has been taken down, so there is nothing left to report.")


def reporter_refusal(user: Any) -> str:
    """Why this member may not report any comment now, or '' when they may."""
    if not user.is_authenticated:
        return str(REPORT_SIGN_IN)
    if not user.is_active:
        return gettext("Your account is not active.")
    if not has_verified_email(user):
        return gettext("Please verify your email address before reporting comments.")
    if active_sanction(user):
        return gettext("Your account is restricted, so you cannot report comments now.")
    return ""


def comment_report_refusal(user: Any, comment: Comment, *, already_reported: bool) -> str:
    """Why this (signed-in, allowed) member may not report this comment, or ''.

    A hidden comment still takes reports, from any member allowed to report: whoever
    had the page open before reports hid it saw it, and their reason (a crisis above
    all) must reach the moderators with the item. Pending comments are in the queue
    already; removed and deleted ones are gone from the discussion."""
    if comment.author_id is not None and comment.author_id == user.pk:
        return str(REPORT_OWN)
    if already_reported:
        return str(REPORT_TWICE)
    if comment.status == CommentStatus.PENDING:
        return str(REPORT_WAITING)
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.HIDDEN):
        return str(REPORT_GONE)
    return ""


def has_open_report(user: Any, comment: Comment) -> bool:
    return Report.objects.filter(
        comment_id=comment.pk, reporter_id=user.pk, resolution=Report.Resolution.OPEN
    ).exists()


def report_refusal(user: Any, comment: Comment) -> str:
    """Why this member may not report this comment, or '' when they may: the one
    answer the report page, report_comment and (in its two halves) the discussion give."""
    if refusal := reporter_refusal(user):
        return refusal
    return comment_report_refusal(user, comment, already_reported=has_open_report(user, comment))


def may_report(user: Any) -> bool:
    """The member's half, for a page to ask once."""
    return not reporter_refusal(user)


REACT_OWN = _("You cannot mark your own comment.")
REACT_GONE = _("This comment is not in the discussion now, so it cannot be marked.")


def reaction_refusal(user: Any, comment: Comment) -> str:
    """Why this member may not mark this comment "Helpful" or "Same for me", or ''.
    The member's half is reporting's (active, verified email, no sanction): the page
    asks it once (may_report) and shows the buttons by it."""
    if not user.is_authenticated:
        return gettext("Sign in to mark comments helpful.")
    if not user.is_active:
        return gettext("Your account is not active.")
    if not has_verified_email(user):
        return gettext("Please verify your email address before marking comments.")
    if active_sanction(user):
        return gettext("Your account is restricted, so you cannot mark comments now.")
    if comment.author_id is not None and comment.author_id == user.pk:
        return str(REACT_OWN)
    if comment.status != CommentStatus.PUBLISHED:
        return str(REACT_GONE)
    return ""
