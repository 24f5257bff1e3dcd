"""Moderation decisions meet the forum's notifications, deletions and account closing."""

import pytest

from aposbook.accounts import delete_account
from forum.models import Comment, CommentStatus, Report, WatchedWord
from forum.moderation.appeals import decide_appeal, submit_appeal
from forum.moderation.decisions import (
    approve_comment,
    dismiss_reports,
    remove_comment,
    restore_comment,
)
from forum.moderation.errors import ActionRefused
from forum.moderation.queue import queue_comments
from forum.moderation.reports import report_comment
from forum.services import delete_comment, edit_comment, post_comment
from tests.factories import sign_in_with_second_factor
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_reply(member, other_member, article, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    parent = make_comment(article, other_member, "How do you sleep?")
    reply = post_comment(author=member, article=article, body="Better since May.", parent=parent)
    assert reply.status == CommentStatus.PENDING
    return reply


def reply_emails(mailoutbox, recipient) -> list:
    return [mail for mail in mailoutbox if mail.to == [recipient.email]]


# --- Reply emails for held replies -----------------------------------------------------


def test_approving_a_held_reply_sends_the_reply_email_after_commit(
    held_reply, other_member, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approve_comment(comment_id=held_reply.pk, moderator=moderator)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [email] = reply_emails(mailoutbox, other_member)
    assert "Better since May." in email.body


def test_approving_a_held_top_level_comment_sends_no_reply_email(
    member, article, moderator, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    comment = post_comment(author=member, article=article, body="First.")
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment_id=comment.pk, moderator=moderator)
    assert mailoutbox == []


def test_restoring_a_held_reply_that_was_never_published_announces_it_once(
    held_reply,
    other_member,
    moderator,
    second_moderator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        remove_comment(comment_id=held_reply.pk, moderator=moderator, reason="off_topic")
        restore_comment(comment_id=held_reply.pk, moderator=second_moderator)
    assert len(reply_emails(mailoutbox, other_member)) == 1
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remove_comment(comment_id=held_reply.pk, moderator=moderator, reason="off_topic")
        restore_comment(comment_id=held_reply.pk, moderator=second_moderator)
    assert reply_emails(mailoutbox, other_member) == []  # announced already


def test_restoring_a_reply_published_at_posting_does_not_announce_it_again(
    member, other_member, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    parent = make_comment(article, other_member, "How do you sleep?")
    reply = make_comment(article, member, "Fine.", parent=parent, root=parent, depth=1)
    with django_capture_on_commit_callbacks(execute=True):
        remove_comment(comment_id=reply.pk, moderator=moderator, reason="off_topic")
        restore_comment(comment_id=reply.pk, moderator=moderator)
    assert reply_emails(mailoutbox, other_member) == []


# --- The author deletes a reported comment ---------------------------------------------


def test_reports_on_a_comment_its_author_deletes_stay_in_the_queue(
    member, other_member, article, moderator
):
    comment = make_comment(article, member, "I don't want to be here any more.")
    report_comment(comment=comment, reporter=other_member, reason="crisis")
    delete_comment(comment=comment, author=member)

    item = queue_comments().get(pk=comment.pk)
    assert item.status == CommentStatus.DELETED
    assert item.severity == 0  # a crisis report still sorts first
    report = Report.objects.get(comment=comment)
    assert (report.resolution, report.snapshot) == ("open", "I don't want to be here any more.")


def test_the_queue_shows_deleted_by_author_with_a_one_click_close(
    client, member, other_member, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = make_comment(article, member, "Reported words.")
    report_comment(comment=comment, reporter=other_member, reason="harassment")
    delete_comment(comment=comment, author=member)
    sign_in_with_second_factor(client, moderator)
    assert (
        f'href="/moderation/comments/{comment.pk}/"' in client.get("/moderation/").content.decode()
    )
    html = client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "Its author deleted this comment after it was reported" in html
    assert "Close the reports" in html
    assert f"/moderation/comments/{comment.pk}/remove/" not in html

    with django_capture_on_commit_callbacks(execute=True):
        dismiss_reports(comment_id=comment.pk, moderator=moderator)
    assert not queue_comments().filter(pk=comment.pk).exists()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED
    [email] = mailoutbox
    assert "Its author has deleted the comment" in email.body


# --- Closing an account --------------------------------------------------------------


@pytest.fixture
def thread(member, other_member, article):
    """Alice's comment with Bob's reply, each reported, and Alice's removed, appealed one."""
    mine = make_comment(article, member, "Magnesium helped my sleep.")
    reply = make_comment(article, other_member, "Which dose?", parent=mine, root=mine, depth=1)
    removed = make_comment(article, member, "Take 2000 mg.")
    return {"mine": mine, "reply": reply, "removed": removed}


def test_closing_an_account_keeps_the_thread_shape_on_the_article_page(
    client, member, other_member, article, moderator, thread
):
    report_comment(comment=thread["mine"], reporter=other_member, reason="off_topic")
    report_comment(comment=thread["reply"], reporter=member, reason="off_topic")
    remove_comment(comment_id=thread["removed"].pk, moderator=moderator, reason="medical_harm")
    submit_appeal(comment=thread["removed"], author=member, message="Please look again.")

    delete_account(member=member, keep_comments=False)

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Deleted by its author" in html  # the placeholder the reply hangs from
    assert "Which dose?" in html
    assert "Magnesium helped my sleep." not in html
    assert f'id="comment-{thread["removed"].pk}"' not in html

    # Reports on both sides stay; the deleted comment keeps its reported text for review.
    queued = {comment.pk: comment for comment in queue_comments()}
    assert queued[thread["mine"].pk].status == CommentStatus.DELETED
    assert Report.objects.get(comment=thread["mine"]).snapshot == "Magnesium helped my sleep."
    assert thread["reply"].pk in queued  # the report the departed member filed
    assert queued[thread["removed"].pk].status == CommentStatus.REMOVED  # the open appeal


def test_an_appeal_on_a_comment_emptied_by_account_deletion_cannot_restore_nothing(
    member, article, moderator, second_moderator, thread, mailoutbox
):
    removed = thread["removed"]
    remove_comment(comment_id=removed.pk, moderator=moderator, reason="medical_harm")
    submit_appeal(comment=removed, author=member, message="Please look again.")
    delete_account(member=member, keep_comments=False)

    with pytest.raises(ActionRefused, match="nothing to restore"):
        decide_appeal(
            comment_id=removed.pk, moderator=second_moderator, overturn=True, message="Restore."
        )
    appeal = decide_appeal(
        comment_id=removed.pk, moderator=second_moderator, overturn=False, message="Nothing left."
    )
    assert appeal.status == "upheld"
    assert Comment.objects.get(pk=removed.pk).status == CommentStatus.REMOVED


def test_held_comments_of_a_member_who_keeps_them_can_still_be_approved(
    member, article, moderator, settings
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    held = post_comment(author=member, article=article, body="Waiting for review.")
    delete_account(member=member, keep_comments=True)
    approved = approve_comment(comment_id=held.pk, moderator=moderator)
    assert (approved.status, approved.author) == (CommentStatus.PUBLISHED, None)


def test_a_reply_held_after_an_edit_is_not_announced_twice(
    member,
    other_member,
    article,
    moderator,
    established,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    WatchedWord.objects.create(pattern="miracle cure")
    established(member, article)
    parent = make_comment(article, other_member, "How do you sleep?")
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_comment(author=member, article=article, body="Well.", parent=parent)
    assert len(reply_emails(mailoutbox, other_member)) == 1  # published and announced
    held = edit_comment(comment=reply, editor=member, body="Well, a miracle cure.")
    assert held.status == CommentStatus.PENDING
    assert held.actions.filter(kind="hold").exists()
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment_id=reply.pk, moderator=moderator)
    assert len(reply_emails(mailoutbox, other_member)) == 1
