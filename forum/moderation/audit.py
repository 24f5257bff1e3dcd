"""The moderation log: every decision, automatic or not, writes one row here, in the
transaction of the change it records."""

from __future__ import annotations

from typing import Any

from aposbook.models import User
from forum.models import Comment, ModerationAction


def log_action(
    kind: str,
    *,
    moderator: User | None,
    comment: Comment | None = None,
    member: User | None = None,
    **extra: Any,
) -> ModerationAction:
    return ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        comment=comment,
        member=member if member is not None else (comment.author if comment else None),
        **extra,
    )
