"""Following up a possible crisis (issue 19): a person, quickly, and kindly.

A comment with crisis language, or a "self-harm or crisis" report, opens a CrisisCase.
Opening it pages the moderators on call at once (everyone, when nobody is on call); a
case nobody claims within FORUM_CRISIS_ESCALATE_MINUTES goes to every moderator. The
author of a reported comment is sent support resources at once, never told who
reported. Each step writes its ModerationAction row in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend, task

from aposbook.models import User
from forum.models import (
    Comment,
    CrisisCase,
    EmergencyContact,
    ModerationAction,
    Notification,
    OnCallModerator,
)
from forum.moderation.audit import log_action
from forum.moderation.crisis import find_crisis_language, support_resources
from forum.moderation.emails import email_people
from forum.moderation.errors import ActionRefused
from forum.notifications import notify
from forum.pagecache.invalidation import queue_changed

Kind = ModerationAction.Kind

SUPPORT_NOTICE = _(
    "We wanted to check in with you. If things feel hard right now, you don't have to face "
    "them alone: free, confidential support is available any time. If you are in immediate "
    "danger, call your local emergency number."
)
MESSAGE_MAX_LENGTH = 2000


def on_call_moderators():
    return User.objects.moderators().filter(on_call__isnull=False)


def on_call_context(moderator: User) -> dict:
    """What the queue page shows about who is on call."""
    names = sorted(on_call_moderators().values_list("username", flat=True))
    return {"on_call": moderator.username in names, "on_call_names": names}


def _page_recipients():
    """Who a new crisis item pages: the moderators on call, or every moderator when
    nobody is (an item must never wait for nobody)."""
    on_call = list(on_call_moderators())
    return on_call or list(User.objects.moderators())


def _schedule_escalation(case: CrisisCase) -> None:
    """Ask the task worker to check this case once its claim window has passed (the
    immediate backend used in tests cannot defer; tests call escalate_unclaimed)."""
    if not default_task_backend.supports_defer:
        return
    run_after = case.created_at + timedelta(minutes=settings.FORUM_CRISIS_ESCALATE_MINUTES)
    transaction.on_commit(
        lambda: escalate_crisis_cases.using(run_after=run_after + timedelta(seconds=5)).enqueue()
    )


@transaction.atomic
def open_case(
    *, comment: Comment, source: str, matched_text: str = "", matched_rule: str = ""
) -> tuple[CrisisCase, bool]:
    """The comment's open crisis case, opened (and paged) if it had none. Returns the case
    and whether it is new."""
    existing = CrisisCase.objects.open().filter(comment=comment).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            case = CrisisCase.objects.create(
                comment=comment,
                source=source,
                matched_text=matched_text[:200],
                matched_rule=matched_rule[:300],
            )
    except IntegrityError:  # opened by a simultaneous request
        return CrisisCase.objects.open().get(comment=comment), False
    reason = (
        f"Crisis language: “{matched_text}”" if source == CrisisCase.Source.LANGUAGE else "Reported"
    )
    log_action(Kind.CRISIS_FLAG, moderator=None, comment=comment, reason=reason[:200])
    recipients = _page_recipients()
    email_people(
        recipients,
        "crisis_page",
        {"case": case, "comment": comment, "minutes": settings.FORUM_CRISIS_ESCALATE_MINUTES},
    )
    log_action(
        Kind.CRISIS_PAGE,
        moderator=None,
        comment=comment,
        reason=f"Paged {len(recipients)} moderator{'s' if len(recipients) != 1 else ''}",
        message=", ".join(sorted(user.username for user in recipients)),
    )
    _schedule_escalation(case)
    queue_changed()
    return case, True


def flag_crisis_language(comment: Comment) -> CrisisCase | None:
    """post_comment and edit_comment call this after saving: crisis language in the text
    opens a case ("Possible crisis", top of the queue). The comment itself is unchanged."""
    match = find_crisis_language(comment.body_source)
    if match is None:
        return None
    case, _opened = open_case(
        comment=comment,
        source=CrisisCase.Source.LANGUAGE,
        matched_text=match.text,
        matched_rule=match.rule,
    )
    return case


@transaction.atomic
def send_resources(*, comment: Comment, moderator: User | None, again: bool = False) -> bool:
    """Email the author support resources and leave them a notice for their next visit.
    Never names a reporter. False when the author cannot be reached (deleted member)."""
    author = comment.author
    if author is None or not author.is_active:
        return False
    email_people(
        [author],
        "support_resources",
        {"member": author, "resources": support_resources(), "again": again},
    )
    notify(author, Notification.Kind.SUPPORT, comment=comment, text=str(SUPPORT_NOTICE))
    log_action(
        Kind.RESOURCES_SENT,
        moderator=moderator,
        comment=comment,
        reason=gettext("Sent again by a moderator")
        if again
        else gettext("Sent when the comment was reported"),
    )
    return True


def crisis_reported(*, comment: Comment) -> CrisisCase:
    """A member reported the comment as self-harm or crisis (report_comment calls this):
    open the case, and send the author resources at once unless they were sent already."""
    case, _opened = open_case(comment=comment, source=CrisisCase.Source.REPORT)
    already = ModerationAction.objects.filter(comment=comment, kind=Kind.RESOURCES_SENT).exists()
    if not already:
        send_resources(comment=comment, moderator=None)
    return case


def _locked_open_case(case_id: int) -> CrisisCase:
    case = (
        CrisisCase.objects.select_for_update(of=("self",))
        .select_related("comment__author", "claimed_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise ActionRefused(gettext("This crisis item no longer exists."))
    if case.closed_at is not None:
        raise ActionRefused(gettext("This crisis item is already closed."))
    return case


@transaction.atomic
def claim_case(*, case_id: int, moderator: User) -> CrisisCase:
    """The moderator takes the case on: nobody else is paged for it again."""
    case = _locked_open_case(case_id)
    if case.claimed_by_id == moderator.pk:
        return case
    if case.claimed_by_id is not None:
        if case.claimed_by is None:
            raise ActionRefused(gettext("Another moderator has already claimed this item."))
        raise ActionRefused(
            gettext("%(name)s has already claimed this item.") % {"name": case.claimed_by.username}
        )
    case.claimed_by, case.claimed_at = moderator, timezone.now()
    case.save(update_fields=["claimed_by", "claimed_at"])
    log_action(Kind.CRISIS_CLAIM, moderator=moderator, comment=case.comment)
    queue_changed()
    return case


@transaction.atomic
def resend_resources(*, case_id: int, moderator: User) -> CrisisCase:
    case = _locked_open_case(case_id)
    if not send_resources(comment=case.comment, moderator=moderator, again=True):
        raise ActionRefused(
            gettext("This member's account is closed, so there is no one to send to.")
        )
    queue_changed()
    return case


@transaction.atomic
def message_member(*, case_id: int, moderator: User, text: str) -> CrisisCase:
    """A private message to the author through the site, logged with its text."""
    text = text.strip()
    if not text:
        raise ActionRefused(gettext("Please write the message you want to send."))
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ActionRefused(
            gettext("Please keep the message under %(limit)d characters.")
            % {"limit": MESSAGE_MAX_LENGTH}
        )
    case = _locked_open_case(case_id)
    author = case.comment.author
    if author is None or not author.is_active:
        raise ActionRefused(
            gettext("This member's account is closed, so there is no one to message.")
        )
    notify(author, Notification.Kind.MODERATOR_MESSAGE, comment=case.comment, text=text)
    log_action(
        Kind.MEMBER_MESSAGED,
        moderator=moderator,
        comment=case.comment,
        reason=gettext("Private message"),
        message=text,
    )
    queue_changed()
    return case


@transaction.atomic
def record_emergency_contact(
    *, case_id: int, moderator: User, service: str, reason: str, contacted_at: datetime
) -> EmergencyContact:
    """A moderator contacted emergency services: who, when, which service, why. Nothing
    is sent by the site; this is the record of what a person did."""
    service, reason = service.strip(), reason.strip()
    if not service or not reason:
        raise ActionRefused(gettext("Please say which service you contacted and why."))
    if contacted_at > timezone.now() + timedelta(minutes=5):
        raise ActionRefused(gettext("The time of the contact cannot be in the future."))
    case = _locked_open_case(case_id)
    contact = EmergencyContact.objects.create(
        case=case,
        moderator=moderator,
        service=service[:200],
        reason=reason,
        contacted_at=contacted_at,
    )
    log_action(
        Kind.EMERGENCY,
        moderator=moderator,
        comment=case.comment,
        reason=f"Contacted {service}"[:200],
        message=f"At {timezone.localtime(contacted_at):%Y-%m-%d %H:%M %Z}. {reason}",
    )
    queue_changed()
    return contact


@transaction.atomic
def close_case(*, case_id: int, moderator: User, note: str = "") -> CrisisCase:
    """The follow-up is done: the item leaves the crisis queue (the comment's own
    decisions, if any, are separate)."""
    case = _locked_open_case(case_id)
    case.closed_at = timezone.now()
    if case.claimed_by_id is None:
        case.claimed_by, case.claimed_at = moderator, case.closed_at
    case.save(update_fields=["closed_at", "claimed_by", "claimed_at"])
    log_action(
        Kind.CRISIS_CLOSE,
        moderator=moderator,
        comment=case.comment,
        reason="Follow-up done",
        message=note.strip()[:2000],
    )
    queue_changed()
    return case


@transaction.atomic
def escalate_unclaimed(*, now: datetime | None = None) -> int:
    """Email every moderator about crisis items nobody claimed within
    FORUM_CRISIS_ESCALATE_MINUTES, once per item. Returns how many were escalated."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.FORUM_CRISIS_ESCALATE_MINUTES)
    cases = list(
        CrisisCase.objects.open()
        .select_for_update(of=("self",))
        .filter(claimed_by__isnull=True, escalated_at__isnull=True, created_at__lte=cutoff)
        .select_related("comment__article", "comment__author")
    )
    for case in cases:
        case.escalated_at = now
        case.save(update_fields=["escalated_at"])
        log_action(
            Kind.CRISIS_ESCALATE,
            moderator=None,
            comment=case.comment,
            reason=f"Unclaimed after {settings.FORUM_CRISIS_ESCALATE_MINUTES} minutes",
        )
        email_people(
            User.objects.moderators(),
            "crisis_escalate",
            {
                "case": case,
                "comment": case.comment,
                "minutes": settings.FORUM_CRISIS_ESCALATE_MINUTES,
            },
        )
    if cases:
        queue_changed()
    return len(cases)


@transaction.atomic
def set_on_call(*, moderator: User, on_call: bool) -> bool:
    if on_call:
        OnCallModerator.objects.get_or_create(moderator=moderator)
    else:
        OnCallModerator.objects.filter(moderator=moderator).delete()
    queue_changed()
    return on_call


@task()
def escalate_crisis_cases() -> int:
    """Run by the task worker when a case's claim window ends (open_case schedules it)."""
    return escalate_unclaimed()
