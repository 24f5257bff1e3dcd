"""The posting limit: how many comments a member may store in a stretch of time.

It counts the member's stored comments (published or held, whatever became of them
since), so an attempt that was refused, prompted or deduplicated never uses up a post;
and it reads the database every server shares, so no counter can drift from the rows.
"""

import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from aposbook.models import User
from forum.models import Comment

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def split_rate(rate: str) -> tuple[int, int]:
    """(comments, seconds) from django-ratelimit's notation: "5/m", "40/h", "10/5m"."""
    match = _RATE.match(rate.strip())
    if match is None:
        raise ValueError(f"FORUM_POST_RATE: cannot read {rate!r} (like 5/m or 40/h)")
    count, multiple, period = match.groups()
    return int(count), _PERIOD_SECONDS[period] * int(multiple or 1)


def seconds_until_allowed(author: User, *, now: datetime | None = None) -> int:
    """0 when the member may store another comment now, else the seconds until the
    oldest comment that fills a limit falls out of its window."""
    rates = [split_rate(rate) for rate in settings.FORUM_POST_RATE]
    if not rates:
        return 0
    now = now or timezone.now()
    longest = max(seconds for _, seconds in rates)
    # One query: the member's latest comments within the longest window, newest first.
    recent = list(
        Comment.objects.filter(author=author, created_at__gt=now - timedelta(seconds=longest))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: max(count for count, _ in rates)]
    )
    wait = 0
    for count, seconds in rates:
        window = timedelta(seconds=seconds)
        inside = [created for created in recent if created > now - window]
        if count == 0 or len(inside) >= count:
            frees_at = inside[count - 1] + window if count else now + window
            wait = max(wait, math.ceil((frees_at - now).total_seconds()), 1)
    return wait


def too_fast_message(wait: int) -> str:
    return gettext("You are posting too fast. Try again in %(wait)s.") % {"wait": wait_phrase(wait)}


def wait_phrase(seconds: int) -> str:
    """ "1 second", "55 seconds", "58 minutes": what a member reads, not a count of seconds."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


_REACTION_GROUP = "forum.reaction"


def reaction_wait(member: User) -> int:
    """0 when the member may change one more reaction now (and it is counted), else the
    seconds until they may. Counted in the shared cache (django-ratelimit's windows) for
    every change, withdrawals too: a reaction leaves no row to count once withdrawn, and
    each change replaces the discussion's cached pages."""
    from django_ratelimit.core import get_usage

    def key(group: str, request: object) -> str:
        return str(member.pk)

    rates = settings.FORUM_REACTION_RATE
    wait = 0
    for rate in rates:
        split_rate(rate)  # the same notation, refused the same way when unreadable
        usage = get_usage(None, group=_REACTION_GROUP, key=key, rate=rate)
        if usage is not None and usage["count"] >= usage["limit"]:
            wait = max(wait, usage["time_left"], 1)
    if wait:
        return wait
    for rate in rates:
        get_usage(None, group=_REACTION_GROUP, key=key, rate=rate, increment=True)
    return 0


def too_many_reactions_message(wait: int) -> str:
    return gettext("You are marking comments too fast. Try again in %(wait)s.") % {
        "wait": wait_phrase(wait)
    }


def counted_wait(group: str, keys: list[str], rates: list[str]) -> int:
    """0 when every key may do one more thing now (and it is counted against each key),
    else the seconds until they may: the limit on visitors' notices and contact messages,
    per client address and per email, in the shared cache (django-ratelimit's windows)."""
    from django_ratelimit.core import get_usage

    def usage(key_value: str, rate: str, increment: bool) -> dict | None:
        return get_usage(
            None, group=group, key=lambda _g, _r: key_value, rate=rate, increment=increment
        )

    wait = 0
    for rate in rates:
        split_rate(rate)  # the same notation, refused the same way when unreadable
        for key_value in keys:
            counted = usage(key_value, rate, False)
            if counted is not None and counted["count"] >= counted["limit"]:
                wait = max(wait, counted["time_left"], 1)
    if wait:
        return wait
    for rate in rates:
        for key_value in keys:
            usage(key_value, rate, True)
    return 0
