"""Trusted flaggers (DSA Art. 22): members a moderator marks as reporting for an
organisation with expertise; their reports carry Report.Source.TRUSTED_FLAGGER and come
first within the same severity in the queue (forum/moderation/queue.py)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aposbook.models import User
from forum.models import ModerationAction, TrustedFlagger
from forum.moderation.audit import log_action
from forum.moderation.errors import ActionRefused

Kind = ModerationAction.Kind


@transaction.atomic
def add_trusted_flagger(
    *, member: User, moderator: User, organisation: str, since: date
) -> TrustedFlagger:
    organisation = organisation.strip()
    if not organisation:
        raise ActionRefused(_("Please name the organisation the member reports for."))
    try:
        with transaction.atomic():
            flagger = TrustedFlagger.objects.create(
                member=member, organisation=organisation[:200], since=since, added_by=moderator
            )
    except IntegrityError:
        raise ActionRefused(
            _("%(name)s is already a trusted flagger. Nothing was changed.")
            % {"name": member.username}
        ) from None
    log_action(
        Kind.TRUSTED_ADD,
        moderator=moderator,
        member=member,
        reason=f"{organisation}, since {since.isoformat()}"[:200],
    )
    return flagger


@transaction.atomic
def remove_trusted_flagger(*, flagger_id: int, moderator: User) -> None:
    flagger = TrustedFlagger.objects.select_for_update().filter(pk=flagger_id).first()
    if flagger is None:
        raise ActionRefused(_("This trusted flagger was already removed. Nothing was changed."))
    log_action(
        Kind.TRUSTED_REMOVE,
        moderator=moderator,
        member=flagger.member,
        reason=flagger.organisation[:200],
    )
    flagger.delete()
