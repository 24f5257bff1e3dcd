from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Site-wide names every template may need; no queries here."""
    return {"SITE_NAME": settings.SITE_NAME, "FORUM_NOTICE": settings.FORUM_NOTICE}
