from functools import partial
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext

from aposbook.accounts import minutes_phrase, rate_limit_window
from aposbook.tasks import send_email


def on_site(url: str) -> str:
    """The same address on SITE_URL: scheme, host and port from the setting, whatever
    Host header the request carried (an attacker's, a balancer's, another port)."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


def email_site() -> SimpleNamespace:
    """What emails call the site ({{ current_site.domain }}): SITE_URL's host, always."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


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
            "too_many_login_attempts": gettext(
                "Too many failed sign-in attempts. Please try again in %(window)s, sign in "
                "with a code sent to your email, or reset your password."
            )
            % {"window": window},
            "incorrect_code": gettext(
                "That code is not right. Check the latest email and try again."
            ),
            "username_taken": gettext("That username is taken. Please choose another."),
        }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth builds its links (reset, confirmation, sign-up, reset request) from the
        # request's Host; every absolute link in an email goes to SITE_URL instead.
        links = {
            name: on_site(value)
            for name, value in context.items()
            if isinstance(value, str) and value.startswith(("http://", "https://"))
        }
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": allauth_context.request,
                "email": email,
                **context,
                **links,
                "current_site": email_site(),
            },
        )
        enqueue_email(message)
