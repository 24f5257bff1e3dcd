"""While the shared cache (Redis) is down, reading goes on and writing waits.

Redis holds only what can be rebuilt: cached pages and fragments, the cached copy of
each session (the database has the session itself), and rate-limit counters. So a
reading request (GET, HEAD) whose cache call fails carries on without it: pages are
rendered from the database, a member's session is read from its database row
(aposbook/sessions.py). A request that changes something (posting, signing in, any
POST) still answers the calm 503 with the member's text kept: the rate limits live in
Redis, and a change made while Redis cannot hear it would leave pages that show the
old state once Redis is back.

After a failure the cache is left alone for `SKIP_SECONDS` by this process (each call
to a frozen Redis waits REDIS_SOCKET_TIMEOUT), and the outage is logged once per
skip, as one line.
"""

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Errors of an unreachable Redis (the database cache fails as the database does).
CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)
# How long this process reads without the cache after a failure before trying it again.
SKIP_SECONDS = 1.0

log = logging.getLogger("aposbook.outage")
_reading: ContextVar[bool] = ContextVar("reading_request", default=False)
_skip_until = 0.0

T = TypeVar("T")


def start_request(method: str) -> object:
    """Mark this request as reading or not; returns the token for `end_request`."""
    return _reading.set(method in ("GET", "HEAD"))


def end_request(token: object) -> None:
    _reading.reset(token)  # type: ignore[arg-type]


def reading() -> bool:
    return _reading.get()


def cache_skipped() -> bool:
    """True while a reading request should not even try the cache (it just failed)."""
    return reading() and time.monotonic() < _skip_until


def tolerated(error: BaseException) -> bool:
    """Does this request carry on without the cache after `error`? (Then it is noted.)"""
    global _skip_until
    if not (reading() and isinstance(error, CACHE_ERRORS)):
        return False
    if time.monotonic() >= _skip_until:
        log.warning(
            "cache unavailable (%s), reading without it for %.0f s",
            type(error).__name__,
            SKIP_SECONDS,
        )
    _skip_until = time.monotonic() + SKIP_SECONDS
    return True


def or_without_cache(call: Callable[[], T], default: T) -> T:
    """`call()`, or `default` when a reading request cannot reach the cache."""
    if cache_skipped():
        return default
    try:
        return call()
    except CACHE_ERRORS as error:
        if not tolerated(error):
            raise
        return default


def forget_outage() -> None:
    """Try the cache again at once (tests)."""
    global _skip_until
    _skip_until = 0.0
