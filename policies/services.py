"""Writing to the single point of contact: stored, then emailed to CONTACT_EMAIL."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from aposbook.tasks import send_email
from forum import ratelimit
from policies.models import ContactMessage

MESSAGE_MAX_LENGTH = 5000
_RATE_GROUP = "policies.contact"


class ContactRefused(Exception):
    """The text is the message shown; the form keeps what was typed."""


class TooManyMessages(ContactRefused):
    pass


def clean_contact(*, name: str, email: str, subject: str, message: str) -> dict[str, str]:
    fields = {
        "name": name.strip(),
        "email": email.strip(),
        "subject": subject.strip(),
        "message": message.strip(),
    }
    if not fields["name"] or len(fields["name"]) > 100:
        raise ValidationError(_("Please give your name (up to 100 characters)."))
    try:
        validate_email(fields["email"])
    except ValidationError:
        raise ValidationError(_("Please give an email address we can answer.")) from None
    if not fields["subject"] or len(fields["subject"]) > 200:
        raise ValidationError(_("Please give a subject (up to 200 characters)."))
    if not fields["message"] or len(fields["message"]) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("Please write your message (up to %(limit)d characters).")
            % {"limit": MESSAGE_MAX_LENGTH}
        )
    return fields


@transaction.atomic
def send_contact_message(
    *, name: str, email: str, subject: str, message: str, notice_reference: str = "", address: str
) -> ContactMessage:
    """Store the message and email it to the contact address, the sender as Reply-To.
    Limited per client `address` and per email (CONTACT_RATE): TooManyMessages."""
    try:
        fields = clean_contact(name=name, email=email, subject=subject, message=message)
    except ValidationError as error:
        raise ContactRefused(error.messages[0]) from None
    keys = [f"ip:{address}", f"email:{fields['email'].lower()}"]
    if wait := ratelimit.counted_wait(_RATE_GROUP, keys, settings.CONTACT_RATE):
        raise TooManyMessages(
            _("You have sent several messages in a short time. Please try again in %(wait)s.")
            % {"wait": ratelimit.wait_phrase(wait)}
        )
    reference = notice_reference.strip()[:20] if notice_reference.strip().isdigit() else ""
    stored = ContactMessage.objects.create(notice_reference=reference, **fields)
    body = (
        f"From: {stored.name} <{stored.email}>\n"
        + (f"About notice number {reference}\n" if reference else "")
        + f"Sent: {stored.created_at:%Y-%m-%d %H:%M} (message {stored.pk})\n\n{stored.message}\n"
    )
    subject_line = f"[{settings.SITE_NAME} contact] {stored.subject}"
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=[settings.CONTACT_EMAIL],
            subject=subject_line,
            body=body,
            headers={"Reply-To": stored.email},
        )
    )
    return stored
