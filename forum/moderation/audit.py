"""The moderation log: every decision, automatic or not, writes one row here, in the
transaction of the change it records."""

from __future__ import annotations

from forum.models import Comment, ModerationAction


def log_action(kind: str, *, moderator, comment: Comment | None = None, member=None, **extra):
    return ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        comment=comment,
        member=member if member is not None else (comment.author if comment else None),
        **extra,
    )
