from functools import partial
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMessage
from django.db import transaction

from aposbook.accounts import minutes_phrase, rate_limit_window
from aposbook.tasks import send_email

SITE_WITHOUT_REQUEST = SimpleNamespace(
    name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
)


def enqueue_email(message: EmailMessage) -> None:
    """Hand a rendered message to the task worker once the request's data is committed.

    The request never waits on SMTP, and an email about a row that was rolled back is
    never sent.
    """
    alternatives = getattr(message, "alternatives", [])
    html_body = next((content for content, kind in alternatives if kind == "text/html"), "")
    transaction.on_commit(
        partial(
            send_email.enqueue,
            to=list(message.to),
            subject=str(message.subject),
            body=str(message.body),
            html_body=str(html_body),
            from_email=message.from_email,
            headers={str(key): str(value) for key, value in message.extra_headers.items()},
        )
    )


class AccountAdapter(DefaultAccountAdapter):
    """AposBook's hooks into allauth (sign-up rules, email sending)."""

    @property
    def error_messages(self) -> dict:
        window = minutes_phrase(rate_limit_window(("login_failed",)))
        return {
            **DefaultAccountAdapter.error_messages,
            "too_many_login_attempts": (
                "Too many failed sign-in attempts. Please try again in "
                f"{window}, sign in with a code sent to your email, or reset your password."
            ),
            "incorrect_code": "That code is not right. Check the latest email and try again.",
            "username_taken": "That username is taken. Please choose another.",
        }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        # allauth sends some notices from on-commit callbacks, after the request is gone.
        site = get_current_site(request) if request is not None else SITE_WITHOUT_REQUEST
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": site, **context},
        )
        enqueue_email(message)
