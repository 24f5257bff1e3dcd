"""A stalled database answers 503 within seconds (issue 13): each database call made for
a request has DATABASE_STALL_TIMEOUT seconds; outside requests nothing is timed."""

import time
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from aposbook import deadline


def stalled_execute(*args: object) -> None:
    time.sleep(10)  # a frozen server: the answer never comes


def serving():
    """As BackendDeadlineMiddleware does for each request."""
    return mock.patch.object(deadline, "_serving", mock.Mock(get=lambda: True))


def test_a_stalled_call_during_a_request_gives_up_after_the_deadline(settings):
    settings.DATABASE_STALL_TIMEOUT = 0.3
    closed = mock.Mock()
    started = time.monotonic()
    with serving(), pytest.raises(OperationalError):
        deadline.timed_execute(
            stalled_execute, "SELECT 1", None, False, {"connection": mock.Mock(close=closed)}
        )
    assert time.monotonic() - started < 1.5
    closed.assert_called_once()  # a connection interrupted mid-answer is not reused


def test_calls_outside_a_request_are_never_timed(settings):
    settings.DATABASE_STALL_TIMEOUT = 0.1
    quick = mock.Mock(side_effect=lambda *a: time.sleep(0.3) or "done")
    assert deadline.timed_execute(quick, "SELECT 1", None, False, {"connection": None}) == "done"


def test_a_call_that_answers_in_time_leaves_no_alarm_behind(settings):
    import signal

    settings.DATABASE_STALL_TIMEOUT = 1
    with serving():
        assert deadline.timed_execute(lambda *a: 42, "", None, False, {"connection": None}) == 42
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.django_db
def test_a_page_whose_database_stalls_answers_the_503_quickly(settings):
    settings.DATABASE_STALL_TIMEOUT = 0.3
    client = Client()

    def stall(execute, sql, params, many, context):
        # The test's own transaction must survive: the stalled connection is a stand-in.
        stand_in = {**context, "connection": mock.Mock()}
        return deadline.timed_execute(stalled_execute, sql, params, many, stand_in)

    started = time.monotonic()
    with connection.execute_wrapper(stall):
        response = client.get("/")
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    assert time.monotonic() - started < 2


def test_healthz_touches_no_backend(client, db, django_assert_num_queries):
    with django_assert_num_queries(0), mock.patch("django.core.cache.cache.get") as cache_get:
        assert client.get("/healthz").status_code == 200
    cache_get.assert_not_called()
