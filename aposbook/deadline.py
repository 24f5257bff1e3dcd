"""A stalled backend answers 503 within seconds instead of holding the worker.

A frozen PostgreSQL (or a network that drops packets) accepts our query and never
answers: the kernel keeps the socket open, libpq waits, and the request hangs until
gunicorn kills the worker. Timeouts on the server (statement_timeout) cannot help when
the server is what is stuck, so the deadline is kept here, in the client: each database
call made while serving a request gets DATABASE_STALL_TIMEOUT seconds, after which a
SIGALRM raises BackendStalled (an OperationalError: DatabaseOutageMiddleware answers the
calm 503). Password hashing and other slow work of our own is never timed, only calls
that wait on the database. Outside requests (migrate, the task worker) nothing is timed.
"""

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse

# Set while a request is being served (BackendDeadlineMiddleware).
_serving: ContextVar[bool] = ContextVar("serving_request", default=False)


class BackendStalled(OperationalError):
    """The database did not answer within DATABASE_STALL_TIMEOUT seconds."""


def _raise_stalled(signum: int, frame: object) -> None:
    raise BackendStalled(f"no answer from the database within {settings.DATABASE_STALL_TIMEOUT}s")


@contextlib.contextmanager
def backend_deadline(on_stall: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Time the block when serving a request in the main thread (signals reach only it:
    gunicorn's sync workers; runserver's threads go untimed). `on_stall` runs before the
    error propagates: a connection interrupted mid-answer cannot be used again."""
    seconds = settings.DATABASE_STALL_TIMEOUT
    if (
        not seconds
        or not _serving.get()
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0]  # already timed (nested call)
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_stalled)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except BackendStalled:
        signal.setitimer(signal.ITIMER_REAL, 0)
        on_stall()
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class BackendDeadlineMiddleware:
    """Marks the request as served, so database calls made for it are timed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _serving.set(True)
        try:
            return self.get_response(request)
        finally:
            _serving.reset(token)


def timed_execute(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict
) -> Any:
    """A connection.execute_wrappers entry: the query under the deadline."""
    with backend_deadline(on_stall=lambda: context["connection"].close()):
        return execute(sql, params, many, context)
