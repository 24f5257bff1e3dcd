"""Who may do what in the discussion. Views and templates ask here; nobody else decides.

Each helper costs at most one small query, so the article page asks them once per
request and hands the answers to templates as flags.
"""

from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.db.models import Case, When
from django.http import HttpRequest
from django.utils import dateformat, timezone

from aposbook.accounts import has_verified_email
from articles.models import Article
from forum.models import Comment, CommentStatus, Sanction


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
        return Refusal("banned", "Your account is banned from the discussion.", sanction=sanction)
    ends = dateformat.format(timezone.localtime(sanction.ends_at), "j F Y, H:i T")
    return Refusal(
        "suspended",
        f"Your account is suspended until {ends}. "
        "You can read the discussion, and post again after that.",
        sanction=sanction,
    )


def posting_refusal(user, article: Article) -> Refusal | None:
    """None when the user may post on this article, else the reason they may not."""
    if not user.is_authenticated:
        return Refusal("anonymous", "Sign in to join the discussion.")
    if not article.discussion_open:
        return Refusal("closed", "The discussion on this article is closed.")
    if not user.is_active:
        return Refusal("inactive", "Your account is not active.")
    if not has_verified_email(user):
        return Refusal(
            "unverified",
            "Verify your email address to join the discussion. "
            "We sent you a link when you signed up; you can send it again.",
        )
    return sanction_refusal(user)


def can_post(user, article: Article) -> bool:
    return posting_refusal(user, article) is None


def can_edit(user, comment: Comment) -> bool:
    """Own comment, inside the edit window, and no ban or suspension running. (The
    discussion page asks about sanctions once and uses comment.editable_by per comment.)"""
    return comment.editable_by(user) and sanction_refusal(user) is None


def can_delete(user, comment: Comment) -> bool:
    return comment.deletable_by(user)


def report_refusal(user, comment: Comment) -> str:
    """Why this member may not report this comment at all, or '' when they may."""
    if comment.author_id == user.pk:
        return "You cannot report your own comment."
    if not has_verified_email(user):
        return "Please verify your email address before reporting comments."
    if active_sanction(user):
        return "Your account is restricted, so you cannot report comments now."
    return ""


def may_report(user) -> bool:
    """May this member report other members' comments at all (verified, not sanctioned)?
    Asked once per page; the page then compares author ids per comment."""
    return bool(
        user.is_authenticated
        and user.is_active
        and has_verified_email(user)
        and active_sanction(user) is None
    )


def can_report(user, comment: Comment) -> bool:
    return bool(
        comment.author_id != user.pk
        and comment.status == CommentStatus.PUBLISHED
        and may_report(user)
    )
