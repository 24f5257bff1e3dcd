import re

import pytest
from django.urls import reverse

from forum.models import Comment, CommentStatus, ModerationAction, Report, ReportReason
from forum.moderation import decisions, queue, reports, sanctions
from forum.moderation.errors import ReportRefused
from forum.moderation.reports import report_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db


def test_report_keeps_a_snapshot_of_the_text(comment, member):
    report = report_comment(comment=comment, reporter=member, reason=ReportReason.OFF_TOPIC)
    comment.body_source = "Edited later."
    comment.save()
    report.refresh_from_db()
    assert report.snapshot == "Magnesium helped my sleep a little."


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("own", "You cannot report your own comment."),
        ("twice", "You have already reported this comment."),
        ("unverified", "Please verify your email address"),
        ("suspended", "Your account is restricted"),
    ],
)
def test_refused_reports_change_nothing(comment, author, moderator, setup, message):
    reporter = {"own": author}.get(setup) or UserFactory(
        username="reporter", verified=setup != "unverified"
    )
    if setup == "twice":
        report_comment(comment=comment, reporter=reporter, reason=ReportReason.HARASSMENT)
    if setup == "suspended":
        sanctions.suspend_member(member=reporter, moderator=moderator, days=3, reason="Insults")
    before = Report.objects.count()
    with pytest.raises(ReportRefused, match=message):
        report_comment(comment=comment, reporter=reporter, reason=ReportReason.HARASSMENT)
    assert Report.objects.count() == before


def test_other_needs_a_note(comment, member):
    with pytest.raises(ReportRefused, match="Other"):
        report_comment(comment=comment, reporter=member, reason=ReportReason.OTHER, note="  ")
    assert not Report.objects.exists()


def test_third_distinct_report_hides_comment_and_logs_it(comment, settings, moderator):
    settings.FORUM_HIDE_AFTER_REPORTS = 3
    reporters = [UserFactory() for _ in range(3)]
    report_comment(comment=comment, reporter=reporters[0], reason=ReportReason.OFF_TOPIC)
    report_comment(comment=comment, reporter=reporters[1], reason=ReportReason.OFF_TOPIC)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    report_comment(comment=comment, reporter=reporters[2], reason=ReportReason.HARASSMENT)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    action = ModerationAction.objects.get(kind=ModerationAction.Kind.AUTO_HIDE)
    assert (action.moderator, action.comment, action.member) == (None, comment, comment.author)
    assert action.reason == "3 members reported it"


def test_moderators_are_emailed_on_commit_about_a_first_report(
    comment, member, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        report_comment(comment=comment, reporter=member, reason=ReportReason.CRISIS)
    # One page for the moderator (nobody is on call, so every moderator); the author
    # is sent support resources (tests/moderation/test_crisis.py).
    to_moderator = [mail for mail in mailoutbox if mail.to == [moderator.email]]
    assert len(to_moderator) == 1
    assert "Self-harm or crisis" in to_moderator[0].body


def test_report_page_lists_reasons_with_descriptions(client, member, comment):
    client.force_login(member)
    response = client.get(reverse("forum:comment-report", args=[comment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Magnesium helped my sleep a little." in html
    for value in ReportReason.values:
        assert re.search(
            rf'<input type="radio" name="reason" id="reason-{value}" value="{value}" '
            rf'aria-describedby="reason-{value}-help"',
            html,
        )
        assert f'id="reason-{value}-help"' in html
    assert html.count("<h1") == 1


def test_report_page_keeps_the_note_when_other_has_no_text(client, member, comment):
    client.force_login(member)
    response = client.post(
        reverse("forum:comment-report", args=[comment.pk]), {"reason": "other", "note": ""}
    )
    assert response.status_code == 400
    assert "Please say what is wrong" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(
        reverse("forum:comment-report", args=[comment.pk]),
        {"reason": "", "note": "my words <b>stay</b>"},
    )
    html = response.content.decode()
    assert "Please choose a reason." in html
    assert "my words &lt;b&gt;stay&lt;/b&gt;" in html
    assert 'aria-describedby="reason-error"' in html


def test_report_page_creates_the_report_and_thanks(client, member, comment):
    client.force_login(member)
    response = client.post(
        reverse("forum:comment-report", args=[comment.pk]),
        {"reason": "medical_harm", "note": "Claims a cure."},
        follow=True,
    )
    assert "Thank you. A moderator will review this comment." in response.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note) == (
        member,
        "medical_harm",
        "Claims a cure.",
    )


def test_refusal_on_the_report_page_is_shown_with_the_input(client, member, comment):
    report_comment(comment=comment, reporter=member, reason=ReportReason.OFF_TOPIC)
    client.force_login(member)
    response = client.post(
        reverse("forum:comment-report", args=[comment.pk]),
        {"reason": "harassment", "note": "still rude"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "You have already reported this comment." in html
    assert "still rude" in html
    assert Report.objects.count() == 1


@pytest.mark.parametrize("who", ["author", "suspended", "unverified"])
def test_members_who_may_not_report_are_told_before_the_form(client, comment, moderator, who):
    user = {"author": comment.author}.get(who) or UserFactory(
        username="someone", verified=who != "unverified"
    )
    if who == "suspended":
        sanctions.suspend_member(member=user, moderator=moderator, days=2, reason="Insults")
    client.force_login(user)
    response = client.get(reverse("forum:comment-report", args=[comment.pk]), follow=True)
    html = response.content.decode()
    assert 'name="reason"' not in html
    assert {
        "author": "You cannot report your own comment.",
        "suspended": "Your account is restricted",
        "unverified": "Please verify your email address",
    }[who] in html
    assert not Report.objects.exists()


def test_only_published_comments_can_be_reported(client, member, article, author):
    pending = make_comment(article, author, status=CommentStatus.PENDING)
    client.force_login(member)
    assert client.get(reverse("forum:comment-report", args=[pending.pk])).status_code == 404


def test_edit_after_decided_report_sends_comment_back_to_the_queue(comment, member, moderator):
    report_comment(comment=comment, reporter=member, reason=ReportReason.HARASSMENT)
    decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    assert reports.reopen_after_edit(comment=comment) is False  # same text: nothing to do
    Comment.objects.filter(pk=comment.pk).update(body_source="Now an insult.")
    assert reports.reopen_after_edit(comment=comment) is True
    comment.refresh_from_db()
    assert (comment.status, comment.hold_reason) == (CommentStatus.PENDING, "edited_after_report")
    assert ModerationAction.objects.filter(kind="hold", moderator=None, comment=comment).exists()
    assert comment in queue.queue_comments()


def test_edit_with_open_reports_stays_in_queue_and_is_not_held(comment, member):
    report_comment(comment=comment, reporter=member, reason=ReportReason.HARASSMENT)
    Comment.objects.filter(pk=comment.pk).update(body_source="Changed.")
    assert reports.reopen_after_edit(comment=comment) is False
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment in queue.queue_comments()


def test_report_page_quotes_the_comment_rendered_and_is_not_indexed(
    client, member, article, author
):
    comment = make_comment(article, author, "Magnesium **really** helped.\n\n- my sleep")
    client.force_login(member)
    html = client.get(reverse("forum:comment-report", args=[comment.pk])).content.decode()
    assert "<strong>really</strong>" in html
    assert "<li>my sleep</li>" in html
    assert "**really**" not in html
    assert '<meta name="robots" content="noindex">' in html
