"""Background email for moderation outcomes (queued on commit by forum/moderation.py)."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
