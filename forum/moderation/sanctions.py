"""Moderators' measures on members: suspensions, bans, lifting them, private notes."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from aposbook.models import User
from forum.models import (
    Comment,
    CommentStatus,
    MemberNote,
    ModerationAction,
    ReportReason,
    Sanction,
)
from forum.moderation import guidelines, statements
from forum.moderation.audit import log_action
from forum.moderation.decisions import remove_text
from forum.moderation.emails import email_people
from forum.moderation.errors import ActionRefused
from forum.pagecache.invalidation import member_changed, queue_changed

Kind = ModerationAction.Kind


def _refuse_unknown_clause(clause: int | None) -> None:
    if clause is not None and clause not in guidelines.BY_NUMBER:
        raise ActionRefused("Choose a clause of the community guidelines. Nothing was changed.")


def _refuse_self(member: User, moderator: User) -> None:
    if member.pk == moderator.pk:
        raise ActionRefused(gettext("You cannot sanction yourself. Nothing was changed."))


@transaction.atomic
def suspend_member(
    *,
    member: User,
    moderator: User,
    days: int,
    reason: str,
    comment: Comment | None = None,
    clause: int | None = None,
) -> Sanction:
    _refuse_self(member, moderator)
    _refuse_unknown_clause(clause)
    reason = reason.strip()
    if not reason or days < 1:
        raise ActionRefused(gettext("A suspension needs a reason and at least one day."))
    sanction = Sanction.objects.create(
        member=member,
        kind=Sanction.Kind.SUSPENSION,
        reason=reason,
        ends_at=timezone.now() + timedelta(days=days),
        created_by=moderator,
    )
    action = log_action(
        Kind.SUSPEND, moderator=moderator, member=member, comment=comment, reason=reason[:200]
    )
    statement = statements.for_sanction(
        action=action, sanction=sanction, reason=reason, comment=comment, clause=clause
    )
    member_changed(member)
    email_people([member], "sanction", {"sanction": sanction, "statement": statement})
    return sanction


@transaction.atomic
def ban_member(
    *,
    member: User,
    moderator: User,
    reason: str,
    remove_comments: bool = False,
    removal_reason: str = "",
    comment: Comment | None = None,
    clause: int | None = None,
) -> Sanction:
    _refuse_self(member, moderator)
    _refuse_unknown_clause(clause)
    reason = reason.strip()
    if not reason:
        raise ActionRefused(gettext("A ban needs a reason the member will read."))
    if remove_comments and removal_reason not in ReportReason.values:
        raise ActionRefused(gettext("Choose the reason shown on the removed comments."))
    sanction = Sanction.objects.create(
        member=member, kind=Sanction.Kind.BAN, reason=reason, created_by=moderator
    )
    action = log_action(
        Kind.BAN, moderator=moderator, member=member, comment=comment, reason=reason[:200]
    )
    statement = statements.for_sanction(
        action=action, sanction=sanction, reason=reason, comment=comment, clause=clause
    )
    member_changed(member)
    removed = 0
    if remove_comments:
        live = [CommentStatus.PUBLISHED, CommentStatus.PENDING, CommentStatus.HIDDEN]
        for each in Comment.objects.select_for_update().filter(author=member, status__in=live):
            remove_text(each, moderator, removal_reason, "")
            removed += 1
    email_people(
        [member], "sanction", {"sanction": sanction, "removed": removed, "statement": statement}
    )
    return sanction


@transaction.atomic
def lift_sanction(*, sanction_id: int, moderator: User) -> Sanction:
    sanction = Sanction.objects.select_for_update().filter(pk=sanction_id).first()
    if sanction is None or sanction.lifted_at is not None:
        raise ActionRefused(gettext("This sanction was already lifted. Nothing was changed."))
    sanction.lifted_at = timezone.now()
    sanction.save(update_fields=["lifted_at"])
    log_action(Kind.LIFT, moderator=moderator, member=sanction.member)
    member_changed(sanction.member)
    email_people([sanction.member], "sanction_lifted", {"sanction": sanction})
    return sanction


@transaction.atomic
def add_member_note(*, member: User, moderator: User, text: str) -> MemberNote:
    text = text.strip()
    if not text:
        raise ActionRefused(gettext("The note is empty."))
    note = MemberNote.objects.create(member=member, author=moderator, text=text)
    log_action(Kind.NOTE, moderator=moderator, member=member, message=text)
    queue_changed()  # the author's history on their items shows notes
    return note
