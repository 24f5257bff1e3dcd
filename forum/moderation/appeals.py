"""An author's one appeal against a removal, decided by another moderator where there
is one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from aposbook.models import User
from forum import validation
from forum.models import (
    Appeal,
    Comment,
    CommentStatus,
    ModerationAction,
)
from forum.moderation.audit import log_action
from forum.moderation.decisions import (
    announce_if_first_published,
    locked_comment,
    refuse_restoring_nothing,
    set_status,
)
from forum.moderation.emails import email_people
from forum.moderation.errors import ActionRefused, AppealRefused

Kind = ModerationAction.Kind


@transaction.atomic
def submit_appeal(*, comment: Comment, author: User, message: str) -> Appeal:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != author.pk:
        raise AppealRefused(gettext("Only the author of a comment can appeal its removal."))
    if comment.status != CommentStatus.REMOVED:
        raise AppealRefused(gettext("Only a removed comment can be appealed."))
    try:
        message = validation.clean_appeal_message(message)
    except ValidationError as error:
        raise AppealRefused(validation.message_of(error)) from None
    if Appeal.objects.filter(comment=comment).exists():
        raise AppealRefused(gettext("You have already appealed this removal."))
    appeal = Appeal.objects.create(comment=comment, author=author, message=message)
    # A new state for the queue's version token.
    set_status(comment, CommentStatus.REMOVED)
    email_people(User.objects.moderators(), "new_appeal", {"comment": comment, "appeal": appeal})
    return appeal


def remover_of(comment_id: int) -> int | None:
    action = (
        ModerationAction.objects.filter(comment_id=comment_id, kind=Kind.REMOVE)
        .exclude(moderator=None)
        .first()
    )
    return action.moderator_id if action else None


def may_decide_appeal(*, moderator: User, remover_id: int | None, others_exist: bool) -> bool:
    """A different moderator than the one who removed it, when there is one."""
    return remover_id != moderator.pk or not others_exist


@transaction.atomic
def decide_appeal(
    *,
    comment_id: int,
    moderator: User,
    overturn: bool,
    message: str = "",
    expected_version: str | None = None,
) -> Appeal:
    comment = locked_comment(comment_id, action="decide_appeal", expected_version=expected_version)
    remover_id = remover_of(comment.pk)
    others = User.objects.moderators().exclude(pk=moderator.pk).exists()
    if not may_decide_appeal(moderator=moderator, remover_id=remover_id, others_exist=others):
        raise ActionRefused(
            gettext(
                "You removed this comment, so another moderator decides the appeal. "
                "Nothing was changed."
            )
        )
    if overturn:
        refuse_restoring_nothing(comment)
    appeal = Appeal.objects.get(comment=comment)
    appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
    appeal.decided_by = moderator
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decided_by", "decided_at"])
    if overturn:
        announce_if_first_published(comment)
        comment.removal_reason = ""
        comment.moderator_message = ""
        set_status(comment, CommentStatus.PUBLISHED, "removal_reason", "moderator_message")
    else:
        # The version token includes the appeal, so a stale form sees the change.
        set_status(comment, CommentStatus.REMOVED)
    kind = Kind.APPEAL_OVERTURNED if overturn else Kind.APPEAL_UPHELD
    log_action(kind, moderator=moderator, comment=comment, message=message.strip())
    email_people(
        [appeal.author],
        "appeal_decided",
        {"comment": comment, "appeal": appeal, "message": message.strip()},
    )
    return appeal
