"""Moderation emails: rendered in the request, sent by the task worker after commit."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aposbook.models import User
from aposbook.tasks import send_email
from forum.models import (
    Notice,
    Report,
)
from forum.moderation.contest_links import contest_url
from forum.moderation.guidelines import clause_for_reason


def email_people(recipients: Iterable[User | None], template: str, context: dict) -> None:
    """Render now, send from the task worker once the transaction has committed."""
    email_addresses([user.email for user in recipients if user], template, context)


def email_addresses(recipients: Iterable[str], template: str, context: dict) -> None:
    """email_people for addresses without an account (a visitor's notice)."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    subject = render_to_string(f"moderation/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"moderation/email/{template}.txt", context)

    def enqueue() -> None:
        for address in addresses:  # one email each: reporters never see each other
            send_email.enqueue(to=[address], subject=subject, body=body)

    transaction.on_commit(enqueue)


def email_address(address: str, template: str, context: dict) -> None:
    """One email to an address that belongs to no member (a visitor who sent a notice,
    the site's contact mailbox): rendered now, sent after the commit."""
    context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    subject = render_to_string(f"moderation/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"moderation/email/{template}.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(to=[address], subject=subject, body=body))


def notify_reporters(reports: list[Report], *, actioned: bool) -> None:
    for report in reports:
        email_people([report.reporter], "report_handled", {"report": report, "actioned": actioned})
    notify_notifiers(reports, actioned=actioned)


def notice_contact_url(notice: Notice) -> str:
    """The contact form, quoting the notice's number in its subject: how a visitor asks
    us to look again at a decision they cannot contest on a signed page."""
    return f"{reverse('policies:contact')}?{urlencode({'notice': notice.pk})}"


def notify_notifiers(reports: list[Report], *, actioned: bool) -> None:
    """Visitors whose confirmed notices became these reports hear the decision and how
    to contest it (DSA Art. 16(5), 20): once each, however often the comment is decided."""
    notices = Notice.objects.filter(
        report__in=reports, confirmed_at__isnull=False, decision_sent_at__isnull=True
    ).select_related("comment__article", "report")
    sent = []
    for notice in notices:
        # The clause relied on: the removal's reason when it was removed, else the one
        # the visitor named (the moderator found it not broken).
        clause = clause_for_reason(notice.comment.removal_reason if actioned else notice.reason)
        context = {
            "notice": notice,
            "actioned": actioned,
            "clause": clause,
            "contest_url": contest_url(report=notice.report, email=notice.email),
            "contact_url": notice_contact_url(notice),
        }
        email_address(notice.email, "notice_decided", context)
        sent.append(notice.pk)
    if sent:
        Notice.objects.filter(pk__in=sent).update(decision_sent_at=timezone.now())
