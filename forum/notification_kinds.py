"""What each kind of notification is: how it may reach a member by email, the line that
says what happened, and where it leads. Plain reads of the models, shared by the door
(forum/notifications.py) and the email tasks (forum/tasks.py)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import User
from forum.models import CommentStatus, Notification

Kind = Notification.Kind


class EmailMode(models.TextChoices):
    NOW = "now", _("Email me at once")
    DIGEST = "digest", _("In one daily email")
    OFF = "off", _("No email (on the site only)")


# The kinds a member chooses for, and what they get until they choose. Reactions never
# emailed before notifications had preferences, and stay quiet unless asked for.
EMAIL_DEFAULTS: dict[str, EmailMode] = {
    Kind.REPLY: EmailMode.NOW,
    Kind.MENTION: EmailMode.NOW,
    Kind.MODERATOR_MESSAGE: EmailMode.NOW,
    Kind.ARTICLE_UPDATE: EmailMode.DIGEST,
    # A busy discussion would fill an inbox: new comments come once a day unless asked
    # for at once, and then once until the member reads them (notify_followers).
    Kind.FOLLOWED_COMMENTS: EmailMode.DIGEST,
    Kind.REACTION: EmailMode.OFF,
}
# These come with an email of their own, sent by their caller at once whatever the
# preferences say: support resources after crisis language (never delayed or silenced),
# and the decision on a member's report or appeal, which the DSA (Art. 16(5), 20(4))
# says we must tell them. The notification only keeps it on /notifications/.
# A redaction is a restriction: the author is told by its own email (redaction.py).
OWN_EMAIL_KINDS = frozenset(
    {Kind.SUPPORT, Kind.REPORT_OUTCOME, Kind.APPEAL_OUTCOME, Kind.REDACTION}
)


def email_mode(member: User, kind: str) -> EmailMode:
    """How this member hears of this kind by email. Replies are off whenever the old
    switch (and the one-click unsubscribe) says so."""
    if kind in OWN_EMAIL_KINDS:
        return EmailMode.NOW
    if kind == Kind.REPLY and not member.email_on_reply:
        return EmailMode.OFF
    chosen = (member.email_preferences or {}).get(kind)
    if chosen in EmailMode.values:
        return EmailMode(chosen)
    return EMAIL_DEFAULTS.get(kind, EmailMode.OFF)


def email_modes(member: User) -> dict[str, EmailMode]:
    return {kind: email_mode(member, kind) for kind in EMAIL_DEFAULTS}


def target_path(notification: Notification) -> str:
    """Where a notification leads: its comment, else its article, else the list."""
    if notification.comment_id is not None and notification.comment is not None:
        return notification.comment.get_absolute_url()
    if notification.article_id is not None and notification.article is not None:
        return notification.article.get_absolute_url()
    return reverse("forum:notifications")


def summary(notification: Notification) -> str:
    """One line saying what happened, for the list and the emails (plain text)."""
    actor = notification.actor
    name = actor.username if actor is not None and actor.is_active else gettext("A member")
    article = notification.article.title if notification.article is not None else ""
    lines = {
        Kind.REPLY: gettext("%(name)s replied to your comment on “%(article)s”"),
        Kind.MENTION: gettext("%(name)s mentioned you in a comment on “%(article)s”"),
        Kind.REPORT_OUTCOME: gettext("The decision on your report"),
        Kind.APPEAL_OUTCOME: gettext("The decision on your appeal"),
        Kind.MODERATOR_MESSAGE: gettext("A message from the moderators"),
        Kind.SUPPORT: gettext("Support resources"),
        Kind.ARTICLE_UPDATE: gettext("“%(article)s”, an article you follow"),
        Kind.FOLLOWED_COMMENTS: gettext("New comments on “%(article)s”, an article you follow"),
        Kind.REACTION: gettext("Members found your comment helpful"),
        Kind.REDACTION: gettext("Part of your comment was removed"),
    }
    line = lines.get(Kind(notification.kind), str(notification.get_kind_display()))
    return line % {"name": name, "article": article} if "%(" in line else line


def excerpt(notification: Notification) -> str:
    """The words of the reply or mention, while its comment is still shown."""
    comment = notification.comment
    if notification.kind not in (Kind.REPLY, Kind.MENTION) or comment is None:
        return ""
    return comment.body_source if comment.status == CommentStatus.PUBLISHED else ""
