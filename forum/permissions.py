"""Who may do what in the discussion. Views and templates ask here; nobody else decides.

Each helper costs at most one small query, so the article page asks them once per
request and hands the answers to templates as flags.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, When
from django.utils import dateformat, timezone

from aposbook.accounts import has_verified_email
from articles.models import Article
from forum.models import Comment, CommentStatus, Sanction

MODERATE_PERMISSION = "forum.moderate"


@dataclass(frozen=True)
class Refusal:
    """Why a member cannot post: a message for them, the HTTP status, a machine code."""

    code: str
    message: str
    status: int = 403
    sanction: Sanction | None = None  # the ban or suspension, for the notice templates


def can_moderate(user) -> bool:
    """Holds forum.moderate (directly, through a group, or as a superuser), as
    user.has_perm would say; the answer is kept on the user object, which lives as long
    as the request."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_aposbook_can_moderate", None)
    if cached is None:
        cached = user.is_superuser or _moderation_facts(user)[0]
    return cached


def has_two_factor(user) -> bool:
    """An authenticator app or a security key; allauth asks for it at every sign-in."""
    return _moderation_facts(user)[1]


def moderation_access(user) -> str:
    """'ok', or why not: 'login', 'forbidden' or 'needs_2fa'."""
    if not user.is_authenticated:
        return "login"
    if not user.is_active:
        return "forbidden"
    moderates, two_factor = _moderation_facts(user)  # both in one query
    if not (user.is_superuser or moderates):
        return "forbidden"
    if settings.FORUM_MODERATORS_REQUIRE_2FA and not two_factor:
        return "needs_2fa"
    return "ok"


# forum.moderate held directly or through a group, and an authenticator app or security
# key: both in one query, in SQL. The ORM took ~1.3 ms to build the permission query and
# ~0.6 ms the two-factor one (in-process, SQLite), more than all the rest of a cached
# moderation page; the database answers both in microseconds. The tables are Django's
# and allauth's own; tests/moderation/test_permissions.py checks the names still hold.
MODERATION_FACTS_SQL = """
SELECT
  EXISTS (
    SELECT 1 FROM aposbook_user_user_permissions held
    JOIN auth_permission p ON p.id = held.permission_id
    JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE held.user_id = %(user)s AND ct.app_label = %(app_label)s AND p.codename = %(codename)s
  ) OR EXISTS (
    SELECT 1 FROM aposbook_user_groups membership
    JOIN auth_group_permissions granted ON granted.group_id = membership.group_id
    JOIN auth_permission p ON p.id = granted.permission_id
    JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE membership.user_id = %(user)s AND ct.app_label = %(app_label)s
      AND p.codename = %(codename)s
  ),
  EXISTS (
    SELECT 1 FROM mfa_authenticator a
    WHERE a.user_id = %(user)s AND a.type IN (%(totp)s, %(webauthn)s)
  )
"""


def _moderation_facts(user) -> tuple[bool, bool]:
    """(holds forum.moderate directly or through a group, has an authenticator app or a
    security key). Keeps the first on the user for can_moderate; the second is asked
    afresh each time (setting up two-factor changes it)."""
    from allauth.mfa.models import Authenticator

    app_label, codename = MODERATE_PERMISSION.split(".")
    parameters = {
        "user": user.pk,
        "app_label": app_label,
        "codename": codename,
        "totp": Authenticator.Type.TOTP.value,
        "webauthn": Authenticator.Type.WEBAUTHN.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(MODERATION_FACTS_SQL, parameters)
        moderates, two_factor = (bool(value) for value in cursor.fetchone())
    user._aposbook_can_moderate = user.is_superuser or moderates
    return moderates, two_factor


def active_sanction(user) -> Sanction | None:
    """The ban or running suspension that stops this member posting, editing, reporting
    (a ban first: it outlasts any suspension)."""
    if not user.is_authenticated:
        return None
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
