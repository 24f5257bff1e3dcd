"""Redaction (issue 19): a moderator replaces part of a comment; the public, the author's
export, search and the feed never see the words again; moderators' history keeps the
original until the retention window ends; logged, and the author is told."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from aposbook.accounts import export_member_data
from aposbook.daily import DAILY_COMMANDS
from forum import search
from forum.models import (
    Comment,
    CommentRevision,
    ModerationAction,
    Notification,
    Report,
    ReportReason,
)
from forum.moderation.errors import ActionRefused
from forum.moderation.redaction import purge_redacted_originals, redact_comment
from forum.moderation.reports import report_comment
from forum.services import edit_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

PHONE = "555 0134"
TEXT = f"Magnesium helped my cramps. Call me on {PHONE} if you want to talk."
MARKER = "[removed: private information]"
NOW = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def reported(article, author):
    """A published comment with a phone number, reported: it waits in the queue."""
    comment = make_comment(article, author, TEXT)
    report_comment(
        comment=comment, reporter=UserFactory(username="reader"), reason=ReportReason.PRIVATE_INFO
    )
    return comment


def _redact(comment, moderator, *spans, reason=ReportReason.PRIVATE_INFO):
    return redact_comment(comment_id=comment.pk, moderator=moderator, spans=spans, reason=reason)


def test_the_span_is_replaced_in_the_text_and_the_html(reported, moderator):
    _redact(reported, moderator, PHONE)
    comment = Comment.objects.get(pk=reported.pk)
    assert comment.body_source == TEXT.replace(PHONE, MARKER)
    assert PHONE not in comment.body_html
    assert MARKER in comment.body_html


def test_every_occurrence_goes_and_other_reasons_have_their_own_words(article, author, moderator):
    comment = make_comment(article, author, "You moron. Really, a moron.")
    _redact(comment, moderator, "moron", reason=ReportReason.HARASSMENT)
    assert Comment.objects.get(pk=comment.pk).body_source == (
        "You [removed: personal attack]. Really, a [removed: personal attack]."
    )


def test_the_public_page_search_and_feed_never_show_the_words(client, reported, moderator):
    search.rebuild()
    _redact(reported, moderator, PHONE)
    search.comments_changed([reported.pk])  # what the commit hook runs
    page = client.get(reported.article.get_absolute_url()).content.decode()
    assert MARKER in page
    assert PHONE not in page
    feed = client.get(reverse("forum:comment-feed", args=[reported.article.slug]))
    assert PHONE not in feed.content.decode()
    search_url = reverse("articles:search")
    assert list(client.get(search_url, {"q": "0134"}).context["results"]) == []
    found = client.get(search_url, {"q": "cramps"}).context["results"]
    assert [result.comment.pk for result in found] == [reported.pk]


def test_the_authors_export_and_earlier_edits_lose_the_words(article, author, moderator):
    comment = make_comment(article, author, TEXT)
    edit_comment(comment=comment, editor=author, body=TEXT + " Thanks all.", privacy_confirmed=True)
    _redact(comment, moderator, PHONE)
    exported = json.dumps(export_member_data(member=author))
    assert PHONE not in exported
    assert MARKER in exported
    edits = CommentRevision.objects.filter(comment=comment).edits()
    assert [PHONE in revision.body_source for revision in edits] == [False]


def test_report_snapshots_lose_the_words(reported, moderator):
    _redact(reported, moderator, PHONE)
    assert PHONE not in Report.objects.get(comment=reported).snapshot


def test_moderators_history_keeps_the_original(reported, moderator, mod_client):
    _redact(reported, moderator, PHONE)
    original = CommentRevision.objects.redactions().get(comment=reported)
    assert original.body_source == TEXT
    page = mod_client.get(f"/moderation/comments/{reported.pk}/").content.decode()
    assert "Earlier versions (moderators only)" in page
    assert PHONE in page


def test_it_is_logged_with_its_reason_and_without_the_words(reported, moderator):
    _redact(reported, moderator, PHONE)
    action = ModerationAction.objects.get(kind=ModerationAction.Kind.REDACT)
    assert action.moderator == moderator
    assert action.comment_id == reported.pk
    assert action.member == reported.author
    assert action.reason == ReportReason.PRIVATE_INFO
    assert PHONE not in action.message


def test_the_author_is_told_by_email_and_notification(
    reported, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _redact(reported, moderator, PHONE)
    notice = Notification.objects.get(recipient=reported.author)
    assert notice.kind == Notification.Kind.REDACTION
    assert PHONE not in notice.text
    emails = [m for m in mail.outbox if m.to == [reported.author.email]]
    assert len(emails) == 1  # its own email, not a second one from the notification
    assert "part of your comment was removed" in emails[0].subject
    assert MARKER in emails[0].body
    assert PHONE not in emails[0].body


def test_the_original_is_purged_after_the_retention_window(reported, moderator, settings):
    settings.FORUM_REDACTED_RETENTION_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        _redact(reported, moderator, PHONE)
    with time_machine.travel(NOW + datetime.timedelta(days=29), tick=False):
        assert purge_redacted_originals() == 0
    with time_machine.travel(NOW + datetime.timedelta(days=31), tick=False):
        call_command("purge_redactions", verbosity=0)
    assert not CommentRevision.objects.redactions().exists()
    assert not Comment.objects.filter(body_source__contains=PHONE).exists()
    assert "purge_redactions" in DAILY_COMMANDS


def test_edit_revisions_are_not_purged(article, author, moderator):
    comment = make_comment(article, author, "First words.")
    edit_comment(comment=comment, editor=author, body="Second words.")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=400)):
        purge_redacted_originals()
    assert CommentRevision.objects.filter(comment=comment).count() == 1


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        (["555 9999"], "is not in the comment's text"),
        (["   "], "Choose a suggestion or type the text"),
        ([TEXT], "That is the whole comment"),
    ],
)
def test_the_service_refuses_bad_spans_and_changes_nothing(reported, moderator, spans, message):
    with pytest.raises(ActionRefused, match=message):
        _redact(reported, moderator, *spans)
    assert Comment.objects.get(pk=reported.pk).body_source == TEXT
    assert not CommentRevision.objects.exists()
    assert not ModerationAction.objects.filter(kind=ModerationAction.Kind.REDACT).exists()


def test_the_service_refuses_an_unknown_reason(reported, moderator):
    with pytest.raises(ActionRefused, match="choose why"):
        _redact(reported, moderator, PHONE, reason="off_topic")


def test_the_item_page_offers_the_private_information_findings(reported, mod_client):
    page = mod_client.get(f"/moderation/comments/{reported.pk}/").content.decode()
    assert "Redact part of the text" in page
    assert f'value="{PHONE}"' in page
    assert "Text to redact" in page


def test_the_form_redacts_a_suggestion(reported, mod_client):
    url = reverse("forum:moderation-redact", args=[reported.pk])
    response = mod_client.post(url, {"suggestions": [PHONE], "reason": "private_info"})
    assert response.status_code == 302
    assert MARKER in Comment.objects.get(pk=reported.pk).body_source


def test_the_form_redacts_free_text_sent_with_browser_line_breaks(article, author, mod_client):
    comment = make_comment(article, author, "Dr. Ana Ruiz\nat the clinic told me.")
    report_comment(comment=comment, reporter=UserFactory(), reason=ReportReason.PRIVATE_INFO)
    url = reverse("forum:moderation-redact", args=[comment.pk])
    mod_client.post(url, {"text": "Dr. Ana Ruiz\r\nat the clinic", "reason": "private_info"})
    assert Comment.objects.get(pk=comment.pk).body_source == f"{MARKER} told me."


def test_a_bad_span_keeps_the_form_and_what_was_typed(reported, mod_client):
    url = reverse("forum:moderation-redact", args=[reported.pk])
    response = mod_client.post(url, {"text": "555 9999", "reason": "private_info"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not in the comment&#x27;s text" in page or "is not in the comment's text" in page
    assert ">555 9999</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert Comment.objects.get(pk=reported.pk).body_source == TEXT
    assert not CommentRevision.objects.exists()


def test_members_cannot_redact(reported, client, member):
    client.force_login(member)
    url = reverse("forum:moderation-redact", args=[reported.pk])
    response = client.post(url, {"text": PHONE, "reason": "private_info"})
    assert response.status_code == 403
    assert Comment.objects.get(pk=reported.pk).body_source == TEXT


def test_a_published_comment_nobody_reported_can_be_redacted_from_its_page(
    article, author, mod_client
):
    """A moderator who spots a phone number while reading need not wait for a report."""
    comment = make_comment(article, author, TEXT)
    page = mod_client.get(f"/moderation/comments/{comment.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "This comment is not in the queue" in text
    assert "Redact part of the text" in text
    assert f'value="{PHONE}"' in text  # the private-information finding is suggested
    url = reverse("forum:moderation-redact", args=[comment.pk])
    response = mod_client.post(url, {"suggestions": [PHONE], "reason": "private_info"})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).body_source == TEXT.replace(PHONE, MARKER)
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.REDACT).count() == 1


def test_a_bad_span_on_an_unreported_comment_keeps_the_form(article, author, mod_client):
    comment = make_comment(article, author, TEXT)
    url = reverse("forum:moderation-redact", args=[comment.pk])
    response = mod_client.post(url, {"text": "555 9999", "reason": "private_info"})
    assert response.status_code == 400
    assert ">555 9999</textarea>" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body_source == TEXT


def test_the_page_of_a_comment_that_does_not_exist_is_not_found(mod_client):
    assert mod_client.get("/moderation/comments/999999/").status_code == 404


def test_the_moderators_search_links_each_comment_to_its_page(article, author, mod_client):
    comment = make_comment(article, author, TEXT)
    search.rebuild()
    page = mod_client.get("/moderation/search/", {"q": "cramps"}).content.decode()
    assert f'href="/moderation/comments/{comment.pk}/"' in page


def _contest(comment, moderator):
    """The author contests the redaction; returns the complaint."""
    from forum.moderation import appeals

    action = ModerationAction.objects.get(kind=ModerationAction.Kind.REDACT, comment=comment)
    return appeals.submit_complaint(
        action_id=action.pk, member=comment.author, message="That was my own clinic's number."
    )


def test_a_granted_complaint_puts_the_redacted_words_back(
    reported, moderator, second_moderator, client
):
    from forum.moderation import appeals

    _redact(reported, moderator, PHONE)
    complaint = _contest(reported, moderator)
    decided = appeals.decide_complaint(
        complaint_id=complaint.pk, moderator=second_moderator, grant=True, answer="Fair point."
    )
    assert decided.redaction_undone is True
    comment = Comment.objects.get(pk=reported.pk)
    assert comment.body_source == TEXT
    assert PHONE in comment.body_html
    assert PHONE in client.get(comment.article.get_absolute_url()).content.decode()
    # Public again: no moderators-only copy is kept, and the undo is in the log.
    assert not CommentRevision.objects.filter(redacted_at__isnull=False).exists()
    restore = ModerationAction.objects.get(kind=ModerationAction.Kind.RESTORE, comment=comment)
    assert restore.moderator == second_moderator


def test_a_declined_complaint_keeps_the_redaction(reported, moderator, second_moderator):
    from forum.moderation import appeals

    _redact(reported, moderator, PHONE)
    complaint = _contest(reported, moderator)
    appeals.decide_complaint(
        complaint_id=complaint.pk, moderator=second_moderator, grant=False, answer="It stays."
    )
    assert Comment.objects.get(pk=reported.pk).body_source == TEXT.replace(PHONE, MARKER)


def test_a_later_redaction_is_not_undone_by_granting_the_first(
    reported, moderator, second_moderator, mod_client
):
    """Putting the first original back would show words a second redaction took out."""
    from forum.moderation import appeals

    _redact(reported, moderator, PHONE)
    complaint = _contest(reported, moderator)
    with time_machine.travel(datetime.timedelta(minutes=5)):
        _redact(reported, moderator, "my cramps", reason=ReportReason.HARASSMENT)
        decided = appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=second_moderator, grant=True, answer="Fair."
        )
    assert decided.redaction_undone is False
    assert PHONE not in Comment.objects.get(pk=reported.pk).body_source


def test_the_complaint_page_warns_when_the_words_cannot_come_back(
    reported, moderator, second_moderator, client, settings
):
    from tests.factories import sign_in_with_second_factor

    _redact(reported, moderator, PHONE)
    complaint = _contest(reported, moderator)
    CommentRevision.objects.filter(redacted_at__isnull=False).delete()  # purged meanwhile
    sign_in_with_second_factor(client, second_moderator)
    url = reverse("forum:moderation-complaint", args=[complaint.pk])
    response = client.post(url, {"decision": "grant", "answer": "Fair point."}, follow=True)
    page = response.content.decode()
    assert "could not be put back" in page
    assert Comment.objects.get(pk=reported.pk).body_source == TEXT.replace(PHONE, MARKER)
