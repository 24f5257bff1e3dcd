"""Moderation emails: rendered in the request, sent by the task worker after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from aposbook.models import User
from aposbook.tasks import send_email
from forum.models import (
    Report,
)


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


def notify_reporters(reports: list[Report], *, actioned: bool) -> None:
    for report in reports:
        email_people([report.reporter], "report_handled", {"report": report, "actioned": actioned})
