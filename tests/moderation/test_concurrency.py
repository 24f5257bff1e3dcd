"""Simultaneous reports and decisions, with real threads and database connections.

Marked `postgres` because that is where row locks matter most, but they run (and must
pass) on SQLite too, where IMMEDIATE transactions serialize the writers.
"""

import threading
import uuid

import pytest
from django.db import connection

from forum.models import Comment, CommentStatus, ModerationAction, Report, ReportReason
from forum.moderation import decisions, errors, queue, reports
from forum.services import post_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment, make_moderator

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    """Start every call at the same moment in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the test inspects every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_members_reporting_at_once_hide_the_comment_once(article, settings):
    settings.FORUM_HIDE_AFTER_REPORTS = 3
    comment = make_comment(article, UserFactory(username="writer"), "Contested claim.")
    reporters = [UserFactory(username=f"reporter{n}") for n in range(20)]
    outcomes = run_together(
        [
            lambda reporter=reporter: reports.report_comment(
                comment=comment, reporter=reporter, reason=ReportReason.MEDICAL_HARM
            )
            for reporter in reporters
        ]
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert Report.objects.filter(comment=comment, resolution="open").count() == 20
    assert ModerationAction.objects.filter(kind="auto_hide", comment=comment).count() == 1
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    item = queue.queue_comments().get(pk=comment.pk)
    assert (item.reporters, item.open_reports) == (20, 20)


def test_two_moderators_acting_at_once_make_one_decision(article):
    comment = make_comment(article, UserFactory(username="writer"), "New.", status="pending")
    first, second = make_moderator("mod_a"), make_moderator("mod_b")
    seen = queue.queue_page(moderator=first, page_number=1).object_list[0].version
    outcomes = run_together(
        [
            lambda: decisions.approve_comment(
                comment_id=comment.pk, moderator=first, expected_version=seen
            ),
            lambda: decisions.remove_comment(
                comment_id=comment.pk,
                moderator=second,
                reason=ReportReason.OFF_TOPIC,
                expected_version=seen,
            ),
        ]
    )
    refusals = [o for o in outcomes if isinstance(o, errors.ActionRefused)]
    assert len(refusals) == 1, outcomes
    assert "Already handled by" in str(refusals[0])
    assert ModerationAction.objects.filter(comment=comment).count() == 1
    decision = ModerationAction.objects.get(comment=comment)
    comment.refresh_from_db()
    expected = {"approve": CommentStatus.PUBLISHED, "remove": CommentStatus.REMOVED}
    assert comment.status == expected[decision.kind]


def test_the_same_form_sent_five_times_at_once_stores_one_comment(article):
    """post_comment takes the member's row lock before it looks the form token up, so the
    sends take turns and the later ones find the first (no savepoint, no unique error)."""
    author = UserFactory(username="double-clicker")
    make_comment(article, author, "An earlier comment, so this one is published.")
    token = uuid.uuid4()
    outcomes = run_together(
        [
            lambda: post_comment(
                author=author, article=article, body="Sent once.", form_token=token
            )
            for _ in range(5)
        ]
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert len({comment.pk for comment in outcomes}) == 1
    assert Comment.objects.filter(author=author, form_token=token).count() == 1
