"""Notices from signed-out visitors (DSA Art. 16): form, email confirmation, the queue,
the receipt and the decision, expiry, rate limits, and links that must do nothing."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aposbook import daily
from forum.models import Comment, CommentStatus, ModerationAction, Notice, Report, ReportReason
from forum.moderation import decisions, notices
from forum.moderation.errors import NoticeRefused, TooManyNotices
from forum.moderation.reports import report_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

GOOD = {
    "reason": ReportReason.MEDICAL_HARM,
    "explanation": "It tells people to take ten times the safe dose.",
    "name": "Ana Visitor",
    "email": "ana@example.net",
    "good_faith": "on",
}


def notice_url(comment: Comment) -> str:
    return f"/comments/{comment.pk}/notice/"


def token_from(message: Any) -> str:
    match = re.search(r"/notices/confirm/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def send(client: Client, comment: Comment, capture: Any, **changes: str) -> Any:
    with capture(execute=True):
        return client.post(notice_url(comment), {**GOOD, **changes})


def submit(comment: Comment, capture: Any, **changes: Any) -> tuple[Notice, str]:
    fields: dict[str, Any] = {**GOOD, "good_faith": True, "address": "203.0.113.9", **changes}
    with capture(execute=True):
        notice = notices.submit_notice(comment=comment, **fields)
    return notice, token_from(mail.outbox[-1])


# --- The form ---------------------------------------------------------------------------


def test_signed_out_report_link_opens_the_notice_form(client, comment, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{notice_url(comment)}"' in page
    response = client.get(f"/comments/{comment.pk}/report/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == notice_url(comment)
    assert "Magnesium helped my sleep a little." in html
    for field in ("reason", "explanation", "name", "email", "good_faith"):
        assert f'name="{field}"' in html
    # Each reason names the clause it relies on; the policy pages are linked.
    assert "Guideline 3: No dosing advice or dangerous claims." in html
    for path in ("/guidelines/", "/terms/", "/privacy/", "/contact/"):
        assert f'href="{path}"' in html


def test_members_are_sent_to_their_own_report_form(client, comment, member):
    client.force_login(member)
    response = client.get(notice_url(comment))
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{comment.pk}/report/"


def test_members_report_form_shows_each_reasons_clause(client, comment, member):
    client.force_login(member)
    html = client.get(f"/comments/{comment.pk}/report/").content.decode()
    assert "Guideline 1: Look after each other." in html
    assert 'href="/guidelines/"' in html


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.REMOVED])
def test_comments_visitors_cannot_see_take_no_notice(client, article, author, status):
    comment = make_comment(article, author, "Not shown.", status=status)
    assert client.get(notice_url(comment)).status_code == 404
    assert client.post(notice_url(comment), GOOD).status_code == 404
    assert Notice.objects.count() == 0


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("reason", "Please choose a reason."),
        ("explanation", "Please explain what is wrong with the comment."),
        ("name", "Please give your name"),
        ("email", "Please give an email address we can write to."),
        ("good_faith", "Please confirm that what you say in this notice is accurate"),
    ],
)
def test_missing_fields_keep_the_text_and_write_nothing(
    client, comment, missing, message, django_capture_on_commit_callbacks
):
    data = {key: value for key, value in GOOD.items() if key != missing}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(notice_url(comment), data)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert message in html
    for key, value in data.items():
        if key not in ("reason", "good_faith"):
            assert value in html, key
    assert Notice.objects.count() == 0
    assert Report.objects.count() == 0
    assert mail.outbox == []


def test_a_bad_email_is_refused_with_the_text_kept(client, comment):
    response = client.post(notice_url(comment), {**GOOD, "email": "not an address"})
    assert response.status_code == 400
    assert GOOD["explanation"] in response.content.decode()
    assert Notice.objects.count() == 0


def test_the_service_refuses_what_the_form_refuses(comment):
    for changes in ({"explanation": "  "}, {"good_faith": False}, {"email": "x"}, {"reason": "x"}):
        fields: dict[str, Any] = {**GOOD, "good_faith": True, "address": "1.2.3.4", **changes}
        with pytest.raises(NoticeRefused):
            notices.submit_notice(comment=comment, **fields)
    assert Notice.objects.count() == 0


# --- Confirmation -----------------------------------------------------------------------


def test_an_unconfirmed_notice_never_reaches_the_queue(
    comment, mod_client, django_capture_on_commit_callbacks
):
    client = Client()  # the visitor, signed out (mod_client is the test's client)
    response = send(client, comment, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/notices/sent/"
    notice = Notice.objects.get()
    assert notice.confirmed_at is None
    assert notice.report is None
    assert Report.objects.count() == 0
    assert "Notice from a visitor" not in mod_client.get("/moderation/").content.decode()
    # The email holds the link; the database holds only its hash.
    [message] = mail.outbox
    assert message.to == ["ana@example.net"]
    token = token_from(message)
    assert token not in notice.token_hash
    assert "48 hours" in message.body


def test_confirming_puts_a_visitor_report_in_the_queue_and_sends_a_receipt(
    comment, mod_client, django_capture_on_commit_callbacks
):
    client = Client()  # the visitor, signed out (mod_client is the test's client)
    send(client, comment, django_capture_on_commit_callbacks)
    token = token_from(mail.outbox[0])
    # Opening the link (as a mail scanner would) confirms nothing.
    page = client.get(f"/notices/confirm/{token}/")
    assert "Confirm and send to the moderators" in page.content.decode()
    assert Report.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/notices/confirm/{token}/")
    assert "your notice is with the moderators" in done.content.decode()
    report = Report.objects.get()
    assert report.source == Report.Source.VISITOR
    assert report.reporter is None
    assert report.note == GOOD["explanation"]
    assert report.snapshot == comment.body_source
    notice = Notice.objects.get()
    assert notice.report == report
    assert notice.confirmed_at is not None
    receipt = mail.outbox[-1]
    assert receipt.to == ["ana@example.net"]
    assert "with the moderators" in receipt.body
    assert f"number {notice.pk}" in receipt.body
    queue = mod_client.get("/moderation/").content.decode()
    assert "Notice from a visitor" in queue
    item = mod_client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "Notice from a visitor" in item
    assert f"Ana Visitor (notice {notice.pk})" in item
    assert GOOD["explanation"] in item
    assert "ana@example.net" not in item  # moderators need the notice, not the address


def test_moderators_are_emailed_about_a_confirmed_notice(
    comment, moderator, django_capture_on_commit_callbacks
):
    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notices.confirm_notice(token=token)
    assert any(message.to == [moderator.email] for message in mail.outbox)


def test_a_reused_link_does_nothing_more(comment, django_capture_on_commit_callbacks, client):
    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    assert notices.confirm_notice(token=token).outcome == notices.Confirmation.CONFIRMED
    sent = len(mail.outbox)
    again = client.post(f"/notices/confirm/{token}/")
    assert again.status_code == 200
    assert "already confirmed" in again.content.decode()
    assert Report.objects.count() == 1
    assert len(mail.outbox) == sent


@pytest.mark.parametrize("token", ["forged-token", "x" * 43, "%00"])
def test_a_forged_link_does_nothing(client, comment, token, django_capture_on_commit_callbacks):
    submit(comment, django_capture_on_commit_callbacks)
    for response in (
        client.get(f"/notices/confirm/{token}/"),
        client.post(f"/notices/confirm/{token}/"),
    ):
        assert response.status_code in (400, 404)
    assert "This link does not work" in client.post("/notices/confirm/forged/").content.decode()
    assert Report.objects.count() == 0
    assert Notice.objects.get().confirmed_at is None


def test_an_expired_link_does_nothing_and_says_so(
    client, comment, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _notice, token = submit(comment, django_capture_on_commit_callbacks)
    with time_machine.travel(start + datetime.timedelta(hours=48, seconds=1), tick=False):
        response = client.post(f"/notices/confirm/{token}/")
    assert "This link has expired" in response.content.decode()
    assert "Nothing was sent to the moderators" in response.content.decode()
    assert Report.objects.count() == 0
    assert Notice.objects.get().confirmed_at is None


def test_a_link_for_a_comment_taken_down_meanwhile_files_nothing(
    comment, moderator, django_capture_on_commit_callbacks
):
    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="harassment")
    assert notices.confirm_notice(token=token).outcome == notices.Confirmation.GONE
    assert Report.objects.count() == 0


def test_prune_deletes_only_expired_unconfirmed_notices(
    comment, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(comment, django_capture_on_commit_callbacks, email="old@example.net")
        kept, token = submit(comment, django_capture_on_commit_callbacks, email="kept@example.net")
        notices.confirm_notice(token=token)
    with time_machine.travel(start + datetime.timedelta(hours=47), tick=False):
        fresh, _ = submit(comment, django_capture_on_commit_callbacks, email="new@example.net")
    with time_machine.travel(start + datetime.timedelta(hours=49), tick=False):
        call_command("prune_notices", verbosity=0)
    assert set(Notice.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}


def test_the_daily_jobs_prune_notices():
    assert "prune_notices" in daily.DAILY_COMMANDS


# --- One rule with members' reports -----------------------------------------------------


def test_notices_merge_with_the_comments_other_reports(
    comment, member, mod_client, django_capture_on_commit_callbacks
):
    report_comment(comment=comment, reporter=member, reason=ReportReason.OFF_TOPIC)
    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    assert set(Report.objects.values_list("comment_id", flat=True)) == {comment.pk}
    item = mod_client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "Notice from a visitor" in item
    assert member.username in item


def test_one_visitors_repeated_notices_are_one_report(
    comment, mod_client, django_capture_on_commit_callbacks
):
    _first, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    second, token = submit(
        comment, django_capture_on_commit_callbacks, explanation="And it mocks a member too."
    )
    result = notices.confirm_notice(token=token)
    assert result.outcome == notices.Confirmation.MERGED
    report = Report.objects.get()
    assert Notice.objects.get(pk=second.pk).report == report
    item = mod_client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "And it mocks a member too." in item


def test_visitor_notices_do_not_count_toward_the_automatic_hide(
    comment, settings, django_capture_on_commit_callbacks
):
    settings.FORUM_HIDE_AFTER_REPORTS = 2
    for n in range(3):
        _notice, token = submit(
            comment, django_capture_on_commit_callbacks, email=f"v{n}@example.net"
        )
        notices.confirm_notice(token=token)
    assert Report.objects.filter(source=Report.Source.VISITOR).count() == 3
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED
    assert not ModerationAction.objects.filter(kind=ModerationAction.Kind.AUTO_HIDE).exists()
    # Members' reports still hide it, counting members only.
    for n in range(2):
        report_comment(
            comment=comment, reporter=UserFactory(username=f"r{n}"), reason=ReportReason.OFF_TOPIC
        )
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN


# --- The decision -----------------------------------------------------------------------


@pytest.mark.parametrize("actioned", [True, False])
def test_the_notifier_is_told_the_decision_and_how_to_contest_it(
    comment, moderator, actioned, django_capture_on_commit_callbacks
):
    notice, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if actioned:
            decisions.remove_comment(
                comment_id=comment.pk, moderator=moderator, reason=ReportReason.MEDICAL_HARM
            )
        else:
            decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    [message] = [m for m in mail.outbox if m.to == ["ana@example.net"]]
    assert ("action was taken" in message.body) == actioned
    assert ("no action" in message.body) == (not actioned)
    assert "within six months" in message.body
    assert "Guideline relied on: 3. No dosing advice or dangerous claims." in message.body
    if actioned:
        assert f"/contact/?notice={notice.pk}" in message.body
    else:
        # A dismissal is contested on its own signed page (appeals.contest_url).
        [link] = re.findall(r"https?://\S+(/reports/contest/\S+/)", message.body)
        assert Client().get(link).status_code == 200
    assert "out-of-court dispute settlement" in message.body
    assert "court" in message.body
    assert Notice.objects.get(pk=notice.pk).decision_sent_at is not None


def test_the_decision_is_sent_once(comment, moderator, django_capture_on_commit_callbacks):
    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.hide_comment(comment_id=comment.pk, moderator=moderator)
        decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="harassment")
        decisions.restore_comment(comment_id=comment.pk, moderator=moderator)
    decided = [m for m in mail.outbox if m.to == ["ana@example.net"] and "decided" in m.body]
    assert len(decided) == 1


# --- Rate limits ------------------------------------------------------------------------


def test_notices_are_limited_per_address_with_the_text_kept(
    client, comment, settings, django_capture_on_commit_callbacks
):
    settings.FORUM_NOTICE_RATE = ["2/h"]
    for n in range(2):
        assert (
            send(
                client, comment, django_capture_on_commit_callbacks, email=f"{n}@example.net"
            ).status_code
            == 302
        )
    response = send(client, comment, django_capture_on_commit_callbacks, email="third@example.net")
    html = response.content.decode()
    assert response.status_code == 429
    assert "several notices in a short time" in html
    assert "Please try again in" in html
    assert GOOD["explanation"] in html
    assert "third@example.net" in html
    assert Notice.objects.count() == 2


def test_notices_are_limited_per_email_from_any_address(
    comment, settings, django_capture_on_commit_callbacks
):
    settings.FORUM_NOTICE_RATE = ["2/h"]
    submit(comment, django_capture_on_commit_callbacks, address="198.51.100.1")
    submit(
        comment, django_capture_on_commit_callbacks, address="198.51.100.2", email="ANA@example.net"
    )
    with pytest.raises(TooManyNotices):
        notices.submit_notice(
            comment=comment, **{**GOOD, "good_faith": True}, address="198.51.100.3"
        )
    assert Notice.objects.count() == 2


def test_refused_notices_do_not_use_up_the_limit(client, comment, settings):
    settings.FORUM_NOTICE_RATE = ["1/h"]
    for _ in range(3):
        client.post(notice_url(comment), {**GOOD, "good_faith": ""})
    assert client.post(notice_url(comment), GOOD).status_code == 302


def test_a_comment_its_author_deleted_is_reported_as_gone(
    comment, author, moderator, django_capture_on_commit_callbacks
):
    from forum import services

    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    services.delete_comment(comment=comment, author=author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    [message] = [m for m in mail.outbox if m.to == ["ana@example.net"]]
    assert "Its author has deleted the comment" in message.body
    assert "stays up" not in message.body


def test_the_notifier_and_member_reporters_hear_when_an_appeal_restores_the_comment(
    comment, moderator, second_moderator, django_capture_on_commit_callbacks
):
    from forum.models import Appeal, Notification
    from forum.moderation import appeals

    reporter = UserFactory(username="reader_rita")
    report_comment(comment=comment, reporter=reporter, reason=ReportReason.MEDICAL_HARM)
    notice, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.remove_comment(
            comment_id=comment.pk, moderator=moderator, reason=ReportReason.MEDICAL_HARM
        )
    appeals.submit_appeal(
        comment=comment, author=comment.author, message="I only said what I took."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeals.decide_appeal(
            comment_id=comment.pk,
            moderator=second_moderator,
            overturn=True,
            message="It describes the author's own experience.",
        )
    assert Appeal.objects.get(comment=comment).status == Appeal.Status.OVERTURNED
    [message] = [m for m in mail.outbox if m.to == ["ana@example.net"]]
    assert f"number {notice.pk}" in message.body
    assert "restored it" in message.body
    assert "It describes the author's own experience." in message.body
    assert f"/contact/?notice={notice.pk}" in message.body
    assert "out-of-court dispute settlement" in message.body
    # Never who appealed by name, nor who else reported.
    assert comment.author.username not in message.body
    assert reporter.username not in message.body
    restored = Notification.objects.filter(
        recipient=reporter, kind=Notification.Kind.REPORT_OUTCOME, text__contains="restored"
    )
    assert restored.count() == 1


def test_a_declined_appeal_tells_the_notifier_nothing_new(
    comment, moderator, second_moderator, django_capture_on_commit_callbacks
):
    from forum.moderation import appeals

    _notice, token = submit(comment, django_capture_on_commit_callbacks)
    notices.confirm_notice(token=token)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="harassment")
    appeals.submit_appeal(comment=comment, author=comment.author, message="Please look again.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeals.decide_appeal(
            comment_id=comment.pk, moderator=second_moderator, overturn=False, message="It stays."
        )
    assert not [m for m in mail.outbox if m.to == ["ana@example.net"]]
