"""The moderation log: every decision, automatic or not, writes one row here, in the
transaction of the change it records."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from aposbook.models import User
from forum.models import Comment, ModerationAction

T = TypeVar("T")

# How a hold row written by post_comment begins (holds after an edit begin "Edited").
HELD_AT_POSTING = "At posting: "


def log_action(
    kind: str,
    *,
    moderator: User | None,
    comment: Comment | None = None,
    member: User | None = None,
    **extra: Any,
) -> ModerationAction:
    """A row with no moderator is an automatic decision (automated=True)."""
    extra.setdefault("automated", moderator is None)
    return ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        comment=comment,
        member=member if member is not None else (comment.author if comment else None),
        **extra,
    )


def logs_refusals(service: Callable[..., T]) -> Callable[..., T]:
    """Wrap a posting service (outside its transaction) so that a refusal by a blocked
    watched word is logged as an automatic decision even though the service's own
    transaction rolls back. The refusal carries `refused_rule`; the member is the
    `author=` (or `editor=`) keyword."""

    @functools.wraps(service)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return service(*args, **kwargs)
        except Exception as error:
            rule = getattr(error, "refused_rule", "")
            member = kwargs.get("author") or kwargs.get("editor")
            if rule and member is not None:
                log_action(
                    ModerationAction.Kind.REFUSE,
                    moderator=None,
                    member=member,
                    reason=f"Blocked watched word: {rule}"[:200],
                )
            raise

    return wrapper
