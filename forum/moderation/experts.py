"""Verified experts: a member applies with their professional registration, a moderator
checks it in the public registry and verifies or declines it (with a reason); a
verification lasts FORUM_EXPERT_VALID_DAYS, the member is reminded
FORUM_EXPERT_REMINDER_DAYS before it ends, and a moderator can revoke it. Every step
writes its ModerationAction row in its transaction.

A badge changes nothing about moderation: screening, reports and the queue treat an
expert's comments as anyone's (forum/moderation/screening.py never asks).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import default_task_backend, task

from aposbook.accounts import has_verified_email
from aposbook.models import User
from forum import permissions
from forum.models import ExpertCredential, ModerationAction
from forum.moderation.audit import log_action
from forum.moderation.emails import email_people
from forum.moderation.errors import ActionRefused, ApplicationRefused
from forum.pagecache.invalidation import credentials_changed, queue_changed

logger = logging.getLogger(__name__)
Kind = ModerationAction.Kind
Status = ExpertCredential.Status

FIELD_LIMITS = {"profession": 80, "registration_body": 200, "registration_number": 60}


def _refuse_applicant(member: User) -> None:
    if not member.is_authenticated or not member.is_active:
        raise ApplicationRefused(gettext("Sign in to apply."))
    if not has_verified_email(member):
        raise ApplicationRefused(gettext("Please verify your email address before applying."))
    if permissions.active_sanction(member):
        raise ApplicationRefused(gettext("Your account is restricted, so you cannot apply now."))
    credentials = ExpertCredential.objects.filter(member=member)
    if credentials.pending().exists():
        raise ApplicationRefused(gettext("Your application is already waiting for a moderator."))
    current = credentials.current().first()
    if current is not None and not in_renewal_window(current):
        raise ApplicationRefused(
            gettext(
                "You are verified already. You can apply again to renew in the month before "
                "your verification ends."
            )
        )


def in_renewal_window(credential: ExpertCredential, *, now: datetime | None = None) -> bool:
    if credential.expires_at is None:
        return False
    reminder = timedelta(days=settings.FORUM_EXPERT_REMINDER_DAYS)
    return (now or timezone.now()) >= credential.expires_at - reminder


def _checked_fields(**fields: str) -> dict[str, str]:
    cleaned = {name: " ".join(value.split()) for name, value in fields.items()}
    for name, limit in FIELD_LIMITS.items():
        if not cleaned[name]:
            raise ApplicationRefused(gettext("Fill in every field: the moderators check each one."))
        if len(cleaned[name]) > limit:
            raise ApplicationRefused(
                gettext("Keep the %(field)s under %(limit)d characters.")
                % {"field": name.replace("_", " "), "limit": limit}
            )
    try:
        URLValidator(schemes=["https", "http"])(cleaned["registry_url"])
    except ValidationError:
        raise ApplicationRefused(
            gettext("Give the address (https://…) of your entry in the public registry.")
        ) from None
    return cleaned


@transaction.atomic
def apply_for_verification(
    *,
    member: User,
    profession: str,
    registration_body: str,
    registration_number: str,
    registry_url: str,
) -> ExpertCredential:
    """The member's application; a moderator checks it against the public registry."""
    # The member's row lock: two submits at once make one application.
    list(User.objects.select_for_update().filter(pk=member.pk).values_list("pk"))
    _refuse_applicant(member)
    fields = _checked_fields(
        profession=profession,
        registration_body=registration_body,
        registration_number=registration_number,
        registry_url=registry_url,
    )
    try:
        with transaction.atomic():
            credential = ExpertCredential.objects.create(member=member, **fields)
    except IntegrityError:
        raise ApplicationRefused(
            gettext("Your application is already waiting for a moderator.")
        ) from None
    log_action(Kind.EXPERT_APPLY, moderator=None, member=member, reason=_summary(credential))
    queue_changed()
    return credential


def _summary(credential: ExpertCredential) -> str:
    text = (
        f"{credential.profession}; {credential.registration_body} "
        f"no. {credential.registration_number}"
    )
    return text[:200]


def _locked(credential_id: int, *statuses: str) -> ExpertCredential:
    credential = (
        ExpertCredential.objects.select_for_update()
        .select_related("member")
        .filter(pk=credential_id)
        .first()
    )
    if credential is None or credential.status not in statuses:
        raise ActionRefused(
            gettext("Someone else has dealt with this application. Nothing was changed.")
        )
    return credential


def _refuse_own(credential: ExpertCredential, moderator: User) -> None:
    if credential.member_id == moderator.pk:
        raise ActionRefused(gettext("Another moderator must decide on your own verification."))


@transaction.atomic
def verify_expert(*, credential_id: int, moderator: User) -> ExpertCredential:
    """The registry entry checks out: the badge shows from now for a year. A renewal
    replaces the verification it renews."""
    credential = _locked(credential_id, Status.PENDING)
    _refuse_own(credential, moderator)
    now = timezone.now()
    previous = ExpertCredential.objects.select_for_update().filter(
        member_id=credential.member_id, status=Status.VERIFIED
    )
    for old in previous:
        old.status, old.closed_at, old.reason = Status.EXPIRED, now, "Renewed"
        old.save(update_fields=["status", "closed_at", "reason"])
    credential.status = Status.VERIFIED
    credential.decided_by = moderator
    credential.verified_at = now
    credential.expires_at = now + timedelta(days=settings.FORUM_EXPERT_VALID_DAYS)
    credential.save()
    log_action(
        Kind.EXPERT_VERIFY,
        moderator=moderator,
        member=credential.member,
        reason=_summary(credential),
        message=f"Registry: {credential.registry_url}; until {credential.expires_at:%Y-%m-%d}",
    )
    credentials_changed(credential.member)
    email_people([credential.member], "expert_verified", {"credential": credential})
    return credential


@transaction.atomic
def decline_expert(*, credential_id: int, moderator: User, reason: str) -> ExpertCredential:
    reason = reason.strip()
    if not reason:
        raise ActionRefused(gettext("Say why, in words the member will read. Nothing was changed."))
    credential = _locked(credential_id, Status.PENDING)
    _refuse_own(credential, moderator)
    credential.status, credential.reason = Status.DECLINED, reason
    credential.decided_by, credential.closed_at = moderator, timezone.now()
    credential.save()
    log_action(
        Kind.EXPERT_DECLINE, moderator=moderator, member=credential.member, reason=reason[:200]
    )
    queue_changed()
    email_people([credential.member], "expert_declined", {"credential": credential})
    return credential


@transaction.atomic
def revoke_expert(*, credential_id: int, moderator: User, reason: str) -> ExpertCredential:
    """The badge goes at once, from every page."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(gettext("Say why, in words the member will read. Nothing was changed."))
    credential = _locked(credential_id, Status.VERIFIED)
    credential.status, credential.reason = Status.REVOKED, reason
    credential.decided_by, credential.closed_at = moderator, timezone.now()
    credential.save()
    log_action(
        Kind.EXPERT_REVOKE, moderator=moderator, member=credential.member, reason=reason[:200]
    )
    credentials_changed(credential.member)
    email_people([credential.member], "expert_revoked", {"credential": credential})
    return credential


def review_credentials(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind members whose verification ends within FORUM_EXPERT_REMINDER_DAYS (once
    each), and end the verifications whose time has passed. (reminded, expired)."""
    now = now or timezone.now()
    reminder = timedelta(days=settings.FORUM_EXPERT_REMINDER_DAYS)
    due = ExpertCredential.objects.current(now=now).filter(
        reminder_sent_at__isnull=True, expires_at__lte=now + reminder
    )
    reminded = sum(_remind(pk, now=now) for pk in due.values_list("pk", flat=True))
    ended = ExpertCredential.objects.filter(status=Status.VERIFIED, expires_at__lte=now)
    expired = sum(_expire(pk, now=now) for pk in ended.values_list("pk", flat=True))
    return reminded, expired


@transaction.atomic
def _remind(credential_id: int, *, now: datetime) -> bool:
    credential = ExpertCredential.objects.select_for_update().get(pk=credential_id)
    if credential.status != Status.VERIFIED or credential.reminder_sent_at is not None:
        return False  # another run got here first
    credential.reminder_sent_at = now
    credential.save(update_fields=["reminder_sent_at"])
    member = User.objects.get(pk=credential.member_id)
    log_action(Kind.EXPERT_REMIND, moderator=None, member=member, reason=_summary(credential))
    email_people([member], "expert_reminder", {"credential": credential})
    return True


@transaction.atomic
def _expire(credential_id: int, *, now: datetime) -> bool:
    credential = ExpertCredential.objects.select_for_update().get(pk=credential_id)
    if credential.status != Status.VERIFIED:
        return False
    credential.status, credential.closed_at = Status.EXPIRED, now
    credential.save(update_fields=["status", "closed_at"])
    member = User.objects.get(pk=credential.member_id)
    log_action(Kind.EXPERT_EXPIRE, moderator=None, member=member, reason=_summary(credential))
    credentials_changed(member)
    email_people([member], "expert_expired", {"credential": credential})
    return True


_TASK_PATH = "forum.moderation.experts.review_expert_credentials"


@task()
def review_expert_credentials() -> list[int]:
    """The task worker's periodic run: review, then queue the next run
    FORUM_EXPERT_CHECK_MINUTES later (`schedule_review` starts the chain)."""
    reminded, expired = review_credentials()
    logger.info("expert credentials: %d reminded, %d expired", reminded, expired)
    schedule_review(delay=timedelta(minutes=settings.FORUM_EXPERT_CHECK_MINUTES))
    return [reminded, expired]


def schedule_review(*, delay: timedelta = timedelta(0)) -> bool:
    """Queue the next review unless one is queued already (several workers, restarts).
    The worker calls it when it starts (aposbook/management/commands/run_worker.py).
    A backend that cannot defer (the immediate one in tests) gets nothing."""
    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=_TASK_PATH, status="READY")
    if waiting.exists():
        return False
    review_expert_credentials.using(run_after=timezone.now() + delay).enqueue()
    return True
