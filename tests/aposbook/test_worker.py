"""The task worker waits out a lost database connection instead of exiting (issue 13)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker

from aposbook.management.commands import run_worker


def make_worker() -> run_worker.ResilientWorker:
    worker = run_worker.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    worker.schedules_daily_jobs = False  # tested in tests/aposbook/test_daily.py
    return worker


def test_worker_retries_with_growing_backoff_after_lost_connections() -> None:
    lost = OperationalError("server closed the connection unexpectedly")
    runs = mock.Mock(side_effect=[lost, lost, lost, None])
    with (
        mock.patch.object(db_worker.Worker, "run", runs),
        mock.patch.object(run_worker.time, "sleep") as sleep,
    ):
        make_worker().run()
    assert runs.call_count == 4
    waits = [call.args[0] for call in sleep.call_args_list]
    assert len(waits) == 3
    assert waits[0] < waits[1] < waits[2] <= run_worker.BACKOFF_MAX_SECONDS * 1.2


def test_backoff_is_capped() -> None:
    delay = run_worker.BACKOFF_FIRST_SECONDS
    for _ in range(20):
        delay = run_worker.next_delay(delay)
    assert delay == run_worker.BACKOFF_MAX_SECONDS


def test_other_errors_still_end_the_worker_for_the_supervisor_to_restart() -> None:
    with (
        mock.patch.object(db_worker.Worker, "run", side_effect=ValueError("bug")),
        pytest.raises(ValueError, match="bug"),
    ):
        make_worker().run()
