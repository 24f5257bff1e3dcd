"""Signed-in sessions for wrk: the same session rows and cache entries a real login makes.

A session carries Django's auth keys and allauth's authentication records; for a
moderator the records include a TOTP step, so views that require two-factor
authentication (allauth's `account_authentication_methods`) treat it as MFA-verified.
The CSRF secret is set both as the `csrftoken` cookie and, unmasked, as the form's
`csrfmiddlewaretoken` (Django accepts an unmasked 32-character secret).
"""

import time
from dataclasses import dataclass
from importlib import import_module

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import _get_new_csrf_string

# allauth keeps the user the records belong to under this key (not exported).
AUTHENTICATION_METHODS_USER_SESSION_KEY = "account_authentication_methods_user"


@dataclass(frozen=True)
class Session:
    user_id: int
    session_key: str
    csrf_token: str

    @property
    def cookie(self) -> str:
        return (
            f"{settings.SESSION_COOKIE_NAME}={self.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf_token}"
        )


def sign_in(user) -> Session:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = time.time()
    records = [{"method": "password", "at": now, "username": user.username}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": now, "id": totp.pk, "type": totp.type})
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[AUTHENTICATION_METHODS_SESSION_KEY] = records
    store[AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    store.create()
    return Session(
        user_id=user.pk, session_key=store.session_key, csrf_token=_get_new_csrf_string()
    )
