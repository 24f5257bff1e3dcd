"""Daily jobs, run by the task worker (`manage.py run_worker`, which `make serve` and the
systemd worker unit run): no cron or timer to set up.

The worker enqueues `run_daily_jobs` to run at DAILY_HOUR (local time) when none is
waiting; each run does the jobs, then enqueues the next. A worker that was down runs the
missed one when it comes back. Jobs must be safe to repeat (each one records what it
already did), since two workers starting together may both enqueue a run.
"""

from __future__ import annotations

import datetime
import logging

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("aposbook.worker")

# Management commands run once a day, in this order.
DAILY_COMMANDS = (
    "notify_review_due",
    "send_notification_digests",
    "prune_notifications",
    "prune_notices",
    "purge_redactions",
)
# Early morning, local time (TIME_ZONE): emails are waiting when editors start the day.
DAILY_HOUR = 6


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next DAILY_HOUR o'clock after `now`."""
    local = timezone.localtime(now)
    run = local.replace(hour=DAILY_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


@task()
def run_daily_jobs() -> None:
    try:
        for name in DAILY_COMMANDS:
            logger.info("daily job: %s", name)
            call_command(name)
    finally:
        schedule_daily_jobs()


def schedule_daily_jobs(now: datetime.datetime | None = None) -> bool:
    """Enqueue the next daily run unless one is already waiting; only with a backend that
    can run a task later (the database backend of the worker). Returns whether it did."""
    if not run_daily_jobs.get_backend().supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult  # the backend that defers is this one

    waiting = DBTaskResult.objects.filter(
        task_path=run_daily_jobs.module_path, status="READY"
    ).exists()
    if waiting:
        return False
    run_daily_jobs.using(run_after=next_run(now or timezone.now())).enqueue()
    return True
