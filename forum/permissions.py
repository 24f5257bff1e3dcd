"""Who may do what in the discussion. Views and templates ask here; nobody else decides.

Each helper costs at most one small query, so the article page asks them once per
request and hands the answers to templates as flags.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.utils import dateformat, timezone

from articles.models import Article
from forum.models import Comment, Sanction


@dataclass(frozen=True)
class Refusal:
    """Why a member cannot post: a message for them, the HTTP status, a machine code."""

    code: str
    message: str
    status: int = 403


def can_moderate(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("forum.moderate"))


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def sanction_refusal(user) -> Refusal | None:
    sanction = Sanction.objects.active().filter(member=user).order_by("-ends_at").first()
    if sanction is None:
        return None
    if sanction.kind == Sanction.Kind.BAN or sanction.ends_at is None:
        return Refusal("banned", "Your account is banned from the discussion.")
    ends = dateformat.format(timezone.localtime(sanction.ends_at), "j F Y, H:i T")
    return Refusal(
        "suspended",
        f"Your account is suspended until {ends}. "
        "You can read the discussion, and post again after that.",
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
    return comment.editable_by(user)


def can_delete(user, comment: Comment) -> bool:
    return comment.deletable_by(user)


def can_report(user, comment: Comment) -> bool:
    return bool(
        user.is_authenticated
        and comment.author_id != user.pk
        and comment.status == "published"
        and has_verified_email(user)
    )
