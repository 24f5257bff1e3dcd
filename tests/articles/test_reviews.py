"""The review cycle (issue 17): the editors' list in the admin, `notify_review_due`, and
the daily run by the task worker. Time moves with time-machine."""

import datetime
import io
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from aposbook import daily
from aposbook.management.commands import run_worker
from articles.models import Article, ReviewReminder
from articles.reviews import due_for_review, editors, notify_review_due
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

JUNE_1 = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(JUNE_1, tick=False)
    return time_machine


@pytest.fixture
def articles(today):
    def reviewed(title, last, **extra):
        return ArticleFactory(title=title, last_reviewed=last, reviewer_name="Dr. R", **extra)

    return {
        "late": reviewed("Late one", datetime.date(2025, 5, 1)),
        "soon": reviewed("Soon one", datetime.date(2025, 6, 20)),
        "fresh": reviewed("Fresh one", datetime.date(2026, 5, 1)),
        "draft": reviewed("Draft one", datetime.date(2025, 1, 1), status=Article.Status.DRAFT),
        "never": ArticleFactory(title="Never one"),
    }


@pytest.fixture
def editor(db):
    person = UserFactory(username="eddie", email="eddie@example.org", is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="change_article"))
    return person


def test_due_for_review_lists_late_then_soon_published_articles(articles):
    assert list(due_for_review()) == [articles["late"], articles["soon"]]


def test_editors_are_staff_who_may_change_articles(editor):
    admin = UserFactory(username="boss", email="boss@example.org", is_staff=True, is_superuser=True)
    UserFactory(username="helper", is_staff=True)  # staff without article rights
    UserFactory(username="reader")
    gone = UserFactory(username="gone", is_staff=True, is_superuser=True, is_active=False)
    assert set(editors()) == {editor, admin}
    assert gone not in editors()


def test_admin_list_shows_overdue_and_soon_due_articles(client, articles, editor):
    client.force_login(editor)
    url = reverse("admin:articles_articledueforreview_changelist")
    html = client.get(url).content.decode()
    assert html.index("Late one") < html.index("Soon one")
    assert "Review overdue" in html
    assert "Review due soon" in html
    assert "Fresh one" not in html
    assert "Never one" not in html
    assert reverse("admin:articles_article_change", args=[articles["late"].pk]) in html
    # Listed on the admin's index for editors, not for staff without article rights.
    assert "Articles due for review" in client.get(reverse("admin:index")).content.decode()
    client.force_login(UserFactory(username="helper", is_staff=True))
    assert client.get(url).status_code == 403


def test_article_list_filters_by_review(admin_client, articles):
    url = reverse("admin:articles_article_changelist")
    html = admin_client.get(url, {"review": "overdue"}).content.decode()
    assert "Late one" in html
    assert "Soon one" not in html


def test_notify_emails_editors_once_per_stage(
    articles, editor, mailoutbox, today, django_capture_on_commit_callbacks
):
    UserFactory(username="reader", email="reader@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_review_due() == 2
    assert [m.to for m in mailoutbox] == [["eddie@example.org"]]
    body = mailoutbox[0].body
    assert "2 articles due for review" in mailoutbox[0].subject
    assert "LATE: Late one" in body
    assert "Soon one\n  Next review due 20 June 2026." in body
    assert reverse("admin:articles_article_change", args=[articles["late"].pk]) in body
    assert "Draft one" not in body

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_review_due() == 0  # the next day's run repeats nothing
    assert len(mailoutbox) == 1

    today.move_to(datetime.datetime(2026, 6, 21, 9, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_review_due() == 1  # the soon one is now late
    assert "LATE: Soon one" in mailoutbox[1].body
    assert "Late one" not in mailoutbox[1].body


def test_a_new_review_starts_a_new_cycle(
    articles, editor, mailoutbox, today, django_capture_on_commit_callbacks
):
    notify_review_due()
    late = articles["late"]
    late.last_reviewed = datetime.date(2026, 5, 30)
    late.next_review_due = None
    late.save()
    assert late.next_review_due == datetime.date(2027, 5, 30)
    assert late not in due_for_review()
    today.move_to(datetime.datetime(2027, 5, 10, 9, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_review_due()
    assert "Late one\n  Next review due 30 May 2027." in mailoutbox[-1].body
    assert ReviewReminder.objects.filter(article=late).count() == 2


def test_command_reports_its_count(articles, editor):
    out = io.StringIO()
    call_command("notify_review_due", stdout=out)
    assert out.getvalue().strip() == "2 article reviews newly due or late."


def test_no_editor_no_email_but_the_reminder_is_kept(
    articles, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_review_due() == 2
    assert mailoutbox == []


# --- The daily run by the task worker ----------------------------------------------------

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_next_run_is_the_next_six_oclock():
    at = datetime.datetime(2026, 6, 1, 5, 59, tzinfo=datetime.UTC)
    assert daily.next_run(at) == datetime.datetime(2026, 6, 1, 6, tzinfo=datetime.UTC)
    at = datetime.datetime(2026, 6, 1, 6, 0, tzinfo=datetime.UTC)
    assert daily.next_run(at) == datetime.datetime(2026, 6, 2, 6, tzinfo=datetime.UTC)


def test_without_a_worker_backend_nothing_is_scheduled():
    assert daily.schedule_daily_jobs() is False  # tests run tasks at once (ImmediateBackend)


def test_worker_schedules_one_daily_run(settings, today):
    settings.TASKS = DATABASE_TASKS
    assert daily.schedule_daily_jobs() is True
    assert daily.schedule_daily_jobs() is False  # one is waiting already
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == "aposbook.daily.run_daily_jobs"
    assert waiting.run_after == datetime.datetime(2026, 6, 2, 6, tzinfo=datetime.UTC)


def test_the_worker_schedules_the_daily_run_once_it_reaches_the_database(settings, today):
    settings.TASKS = DATABASE_TASKS
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
    # db_worker's own loop (tested upstream) would close the test's connection.
    with mock.patch.object(db_worker.Worker, "run") as polls:
        worker.run()
        worker.run()
    assert polls.call_count == 2
    assert DBTaskResult.objects.filter(task_path="aposbook.daily.run_daily_jobs").count() == 1


def test_the_daily_run_notifies_editors_and_schedules_the_next(
    settings, articles, editor, mailoutbox, today, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        daily.run_daily_jobs.call()
    emails = DBTaskResult.objects.filter(task_path="aposbook.tasks.send_email")
    assert [e.args_kwargs["kwargs"]["to"] for e in emails] == [["eddie@example.org"]]
    assert "LATE: Late one" in emails[0].args_kwargs["kwargs"]["body"]
    waiting = DBTaskResult.objects.filter(task_path="aposbook.daily.run_daily_jobs")
    assert [t.run_after for t in waiting] == [datetime.datetime(2026, 6, 2, 6, tzinfo=datetime.UTC)]


def test_the_next_run_is_scheduled_even_when_a_job_fails(settings, today):
    settings.TASKS = DATABASE_TASKS
    with (
        mock.patch.object(daily, "call_command", side_effect=RuntimeError("mail server down")),
        pytest.raises(RuntimeError),
    ):
        daily.run_daily_jobs.call()
    assert DBTaskResult.objects.filter(task_path="aposbook.daily.run_daily_jobs").count() == 1
