"""Posting limits per member, counted on the shared cache (django-ratelimit windows)."""

import math

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


def wait_phrase(seconds: int) -> str:
    """ "1 second", "55 seconds", "58 minutes": what a member reads, not a count of seconds."""
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
