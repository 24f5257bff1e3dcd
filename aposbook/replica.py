"""Reads from a streaming PostgreSQL replica (DATABASE_REPLICA_URL), safely.

Reads go to the replica only inside a GET or HEAD request (`ReplicaReadsMiddleware`
says so for the request); everything else reads the primary: writes and the requests
that make them, management commands, the task worker, tests. Within a request the
primary is read when any of these holds:

- the member wrote in the last DATABASE_REPLICA_PIN_SECONDS (read-your-writes): every
  POST/PUT/PATCH/DELETE answer sets the `recent_write` cookie with the time until which
  that browser reads the primary. A cookie, not the session: the session is not written
  on every post, the cookie reaches every app server with the browser, and nginx's
  microcache skips whoever carries it. Forging it only costs the forger primary reads.
- a transaction is open on the primary (a read beside a write sees that write);
- the model lives on the primary only (sessions, the database cache, the task queue);
- the shared-cache version of what is being rendered changed too recently for the
  replica to have it for sure (`version_is_recent`: pages kept in the shared cache
  under a version are built from rows at least as new as that version);
- the replica is down, or lags more than DATABASE_REPLICA_MAX_LAG seconds. Each process
  checks this at most once per DATABASE_REPLICA_CHECK_SECONDS (one small query on its
  replica connection), and after a failure waits DATABASE_REPLICA_RETRY_SECONDS before
  trying again, so a replica that is gone costs nothing per request.
"""

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "recent_write"
# Models whose rows must be read where they were just written, whatever the request.
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "django_tasks_db"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger("aposbook.replica")

# True while a request may read from the replica; the default (False) keeps every read
# outside a request (commands, the worker, tests) on the primary.
_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_reads", default=False
)

# How the replica's lag is measured, on the replica: 0 when it has replayed all it has
# received and is still streaming; otherwise the age of the last transaction it replayed.
# No WAL receiver (the primary unreachable from it) counts as lagging without bound.
LAG_QUERY = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 1e9
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass
class _Health:
    usable: bool = False
    lag: float = 0.0
    # time.monotonic() after which the replica is checked again
    next_check: float = 0.0


_health = _Health()
_health_lock = threading.Lock()


def measure_lag() -> float:
    """The replica's lag in seconds (raises DatabaseError when it cannot be reached)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_QUERY)
        return float(cursor.fetchone()[0])


def replica_health(measure: Callable[[], float] | None = None) -> _Health:
    """The last check of the replica, made again when it is older than allowed."""
    now = time.monotonic()
    if now < _health.next_check:
        return _health
    with _health_lock:
        if now < _health.next_check:  # another thread checked meanwhile
            return _health
        try:
            lag = (measure or measure_lag)()
        except DatabaseError as error:
            if _health.usable or _health.next_check == 0:
                log.warning("replica unreachable, reading from the primary: %s", error)
            if replica_configured():  # a broken connection is made anew next time
                with contextlib.suppress(DatabaseError):
                    connections[REPLICA].close()
            _health.usable, _health.lag = False, float("inf")
            _health.next_check = now + settings.DATABASE_REPLICA_RETRY_SECONDS
            return _health
        usable = lag <= settings.DATABASE_REPLICA_MAX_LAG
        if usable != _health.usable and _health.next_check:
            log.warning("replica %s (lag %.1f s)", "back in use" if usable else "lagging", lag)
        _health.usable, _health.lag = usable, lag
        _health.next_check = now + settings.DATABASE_REPLICA_CHECK_SECONDS
        return _health


def forget_health() -> None:
    """Check the replica again on the next read (tests, after a failover)."""
    _health.usable, _health.lag, _health.next_check = False, 0.0, 0.0


def version_is_recent(made_at: float) -> bool:
    """Whether a change made at `made_at` (time.time()) may not have reached the replica
    yet: younger than the replica's last measured lag plus the time since that check,
    with a second to spare."""
    margin = _health.lag + settings.DATABASE_REPLICA_CHECK_SECONDS + 1
    return time.time() - made_at < margin


def read_primary_for_version(made_at: float | None) -> None:
    """Renders kept under a shared-cache version read rows at least that new: when the
    version is too young for the replica, the rest of this request reads the primary."""
    if made_at is not None and _replica_reads.get() and version_is_recent(made_at):
        _replica_reads.set(False)


@contextlib.contextmanager
def replica_reads(allowed: bool) -> Iterator[None]:
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry when DATABASE_REPLICA_URL is set (aposbook/settings.py)."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        if not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA if replica_health().usable else PRIMARY

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by itself


def _pinned_until(request: HttpRequest) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return 0.0


class ReplicaReadsMiddleware:
    """Lets a GET read the replica unless its browser wrote moments ago; marks every
    write's answer so the next few seconds of that browser read the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = replica_configured()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        allowed = not writes and _pinned_until(request) <= time.time()
        with replica_reads(allowed):
            response = self.get_response(request)
        if writes:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
