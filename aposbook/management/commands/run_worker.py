"""`manage.py run_worker`: django-tasks-db's `db_worker` that outlives database blips.

db_worker raises on the first lost connection and exits; under `make serve` that used to
stop the whole site. This worker logs the loss, drops the broken connections and polls
again after an exponential back-off (with jitter, so several workers do not reconnect in
step), until the database answers. A supervisor (serve.sh, systemd) still restarts it if
it dies for any other reason.
"""

import contextlib
import logging
import random
import time
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from aposbook.daily import schedule_daily_jobs

logger = logging.getLogger("aposbook.worker")

# First wait after a lost connection, and the longest: a restart of PostgreSQL takes a
# few seconds, an outage can take minutes, and polling a dead server faster helps nobody.
BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0
# A run this long without losing the connection starts the back-off from the beginning.
BACKOFF_RESET_SECONDS = 60.0


def next_delay(delay: float) -> float:
    return min(delay * 2, BACKOFF_MAX_SECONDS)


class ResilientWorker(db_worker.Worker):
    # The worker keeps the daily jobs going (aposbook/daily.py): it enqueues the next run
    # once it reaches the database, if none is waiting.
    schedules_daily_jobs = True

    def run(self) -> None:
        delay = BACKOFF_FIRST_SECONDS
        while self.running:
            started = time.monotonic()
            try:
                if self.schedules_daily_jobs:
                    schedule_daily_jobs()
                    self.schedules_daily_jobs = False
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > BACKOFF_RESET_SECONDS:
                    delay = BACKOFF_FIRST_SECONDS
                first_line = (str(error).strip().splitlines() or [""])[0]
                logger.warning(
                    "database unavailable (%s: %s); retrying in %.1fs",
                    type(error).__name__,
                    first_line,
                    delay,
                )
                # A broken connection cannot be reused; closing one may raise too.
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(Exception):
                        connection.close()
                time.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not secrets
                delay = next_delay(delay)


class Command(db_worker.Command):
    help = "Run the database task worker, waiting out lost database connections"

    def handle(self, *args: Any, **options: Any) -> None:
        # The periodic work the worker owns: it queues the first run, each run the next.
        from forum.moderation.experts import schedule_review

        try:
            schedule_review()
        except (OperationalError, InterfaceError) as error:
            # The database is down: the next start (or a run still queued) catches up.
            logger.warning("could not queue the expert review (%s)", type(error).__name__)
        # db_worker builds its Worker by name from its own module; swapping the name for
        # the duration of handle() keeps every option and signal handler of db_worker.
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
