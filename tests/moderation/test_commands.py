import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from forum import permissions
from forum.models import CommentStatus, ReportReason
from forum.moderation import alerts, decisions, reports
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db


def test_migration_creates_the_moderators_group_with_the_permission(db):
    # Run the migration's function itself: with --reuse-db, transactional tests elsewhere
    # may have flushed the rows it made when the test database was created.
    migration = importlib.import_module("forum.migrations.0003_moderators_group")
    Group.objects.filter(name="Moderators").delete()
    migration.create_group(apps, schema_editor=None)
    migration.create_group(apps, schema_editor=None)  # safe to run twice
    group = Group.objects.get(name="Moderators")
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("forum", "moderate")
    ]


def test_make_moderator_adds_and_removes_the_role(db, capsys):
    member = UserFactory(username="helper")
    assert not permissions.can_moderate(member)
    call_command("make_moderator", "Helper")
    member = type(member).objects.get(pk=member.pk)
    assert permissions.can_moderate(member)
    assert "two-factor" in capsys.readouterr().out
    call_command("make_moderator", "helper", "--remove")
    member = type(member).objects.get(pk=member.pk)
    assert not permissions.can_moderate(member)


def test_make_moderator_with_an_unknown_name_fails_clearly(db):
    with pytest.raises(CommandError, match="No member is called 'ghost'"):
        call_command("make_moderator", "ghost")


def test_stale_queue_alerts_moderators_once_per_wait(
    article, author, member, moderator, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FORUM_QUEUE_ALERT_HOURS = 12
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        pending = make_comment(article, author, "waiting", status=CommentStatus.PENDING)
        fresh_report_target = make_comment(article, author, "fine")
    with time_machine.travel(start + datetime.timedelta(hours=11), tick=False):
        reports.report_comment(
            comment=fresh_report_target, reporter=member, reason=ReportReason.OFF_TOPIC
        )
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert alerts.notify_stale_queue() == 0
    assert mailoutbox == []
    with (
        time_machine.travel(start + datetime.timedelta(hours=13), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("notify_stale_queue")
        assert alerts.notify_stale_queue() == 0  # a second run repeats nothing
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [moderator.email]
    assert "1 moderation item waiting over 12 hours" in mailoutbox[0].subject
    with time_machine.travel(start + datetime.timedelta(hours=24), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert alerts.notify_stale_queue() == 1  # the reported comment now
        # Approved, then hidden again later: a new wait, alerted again once it is stale.
        decisions.approve_comment(comment_id=pending.pk, moderator=moderator)
        decisions.hide_comment(comment_id=pending.pk, moderator=moderator)
    assert len(mailoutbox) == 2
    with (
        time_machine.travel(start + datetime.timedelta(hours=37), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alerts.notify_stale_queue() == 1
    assert len(mailoutbox) == 3


def test_make_moderator_replaces_the_queue_version_after_the_change(transactional_db, monkeypatch):
    """Who else moderates decides who may decide an appeal, which queue pages show. Out
    of a transaction (as the command runs) on_commit work runs at once: after the change."""
    from aposbook.models import User
    from forum.pagecache import invalidation

    UserFactory(username="helper")
    seen = []
    monkeypatch.setattr(
        invalidation,
        "bump_queue_version",
        lambda: seen.append(User.objects.moderators().filter(username="helper").exists()),
    )
    call_command("make_moderator", "helper")
    call_command("make_moderator", "helper", "--remove")
    assert seen == [True, False]  # each bump sees the change it announces
