from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext

from forum import permissions


def site(request: HttpRequest) -> dict:
    """Site-wide names every template may need; no queries here."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "FORUM_NOTICE": gettext(settings.FORUM_NOTICE),
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }


def moderation(request: HttpRequest) -> dict:
    """`is_moderator` for the site header: asked only when a template reads it (the
    header does for signed-in members only), so anonymous pages cost no query."""
    user = getattr(request, "user", None)
    return {
        "is_moderator": SimpleLazyObject(
            lambda: user is not None and permissions.can_moderate(user)
        )
    }


class _Unread:
    """The header's unread count, asked only when a template reads it (the header does
    for signed-in members only): one cache read, a query on a miss."""

    def __init__(self, user) -> None:
        self._user = user

    @cached_property
    def count(self) -> int:
        from forum.notifications import unread_count

        user = self._user
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user)


def notifications(request: HttpRequest) -> dict:
    return {"unread_notifications": _Unread(getattr(request, "user", None))}
