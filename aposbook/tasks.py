"""Background work for accounts: email leaves the request and goes to the task worker.

Arguments are plain strings, lists and dicts so the database backend can store them.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    html_body: str = "",
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one rendered email. Bodies can hold sign-in codes and reset links: never log them."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    sent = message.send()
    logger.info("account email sent to %d recipient(s)", len(to))
    return sent
