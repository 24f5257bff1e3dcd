"""Posting limits per member, counted on the shared cache (django-ratelimit windows)."""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage


def seconds_until_allowed(request: HttpRequest) -> int:
    """Count this posting attempt; 0 when allowed, else seconds until the window resets."""
    wait = 0
    for rate in settings.FORUM_POST_RATE:
        usage = get_usage(request, group="forum.post", key="user", rate=rate, increment=True)
        if usage and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait
