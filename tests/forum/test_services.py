import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forum.models import Comment, CommentRevision, CommentStatus, Sanction
from forum.services import (
    DeleteRefused,
    EditRefused,
    PostingRefused,
    delete_comment,
    edit_comment,
    post_comment,
)
from tests.factories import CommentFactory, ReferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_post_comment_publishes_rendered_text(member, article):
    comment = post_comment(author=member, article=article, body="Hello *world*", kind="question")
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.body_html == "<p>Hello <em>world</em></p>\n"
    assert (comment.depth, comment.parent, comment.root) == (0, None, None)
    assert comment.kind == "question"


def test_replies_nest_three_levels_then_attach_to_the_third(member, other_member, article):
    top = post_comment(author=member, article=article, body="top")
    second = post_comment(author=other_member, article=article, body="2", parent=top)
    third = post_comment(author=member, article=article, body="3", parent=second)
    fourth = post_comment(author=other_member, article=article, body="4", parent=third)
    assert (second.depth, third.depth, fourth.depth) == (1, 2, 2)
    assert second.root_id == third.root_id == fourth.root_id == top.pk
    assert fourth.parent_id == second.pk
    assert fourth.in_reply_to_id == third.pk
    assert third.in_reply_to_id is None


@pytest.mark.parametrize("status", [CommentStatus.DELETED, CommentStatus.REMOVED])
def test_replying_to_a_gone_comment_is_refused(member, article, status):
    parent = CommentFactory(article=article, status=status)
    with pytest.raises(PostingRefused) as refusal:
        post_comment(author=member, article=article, body="reply", parent=parent)
    assert refusal.value.status == 400
    assert "no longer available" in refusal.value.message
    assert Comment.objects.count() == 1


def test_replying_across_articles_is_refused(member, article):
    elsewhere = CommentFactory()
    with pytest.raises(PostingRefused):
        post_comment(author=member, article=article, body="reply", parent=elsewhere)


def test_closed_discussion_refuses_posts(member, article):
    article.discussion_open = False
    article.save()
    with pytest.raises(PostingRefused, match="closed"):
        post_comment(author=member, article=article, body="hello")
    assert not Comment.objects.exists()


def test_unverified_member_cannot_post(unverified_member, article):
    with pytest.raises(PostingRefused, match="Verify your email"):
        post_comment(author=unverified_member, article=article, body="hello")


def test_suspended_member_is_told_when_the_suspension_ends(member, article):
    ends = timezone.now() + timedelta(days=3)
    Sanction.objects.create(member=member, kind="suspension", reason="rude", ends_at=ends)
    with pytest.raises(PostingRefused) as refusal:
        post_comment(author=member, article=article, body="hello")
    assert f"suspended until {timezone.localtime(ends):%-d %B %Y}" in refusal.value.message
    assert refusal.value.status == 403


def test_ended_or_lifted_sanctions_no_longer_refuse(member, article):
    past = timezone.now() - timedelta(minutes=1)
    Sanction.objects.create(member=member, kind="suspension", reason="x", ends_at=past)
    Sanction.objects.create(member=member, kind="ban", reason="x", lifted_at=past)
    assert post_comment(author=member, article=article, body="back again").pk


def test_banned_member_cannot_post(member, article):
    Sanction.objects.create(member=member, kind="ban", reason="spam")
    with pytest.raises(PostingRefused, match="banned"):
        post_comment(author=member, article=article, body="hello")


def test_same_form_token_twice_creates_one_comment(member, article):
    token = uuid.uuid4()
    first = post_comment(author=member, article=article, body="once", form_token=token)
    second = post_comment(author=member, article=article, body="once", form_token=token)
    assert first.pk == second.pk
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("on", ["article", "category"])
def test_premoderated_discussions_hold_new_comments(member, article, on):
    target = article if on == "article" else article.category
    target.premoderate = True
    target.save()
    article.refresh_from_db()
    comment = post_comment(author=member, article=article, body="x")
    assert comment.status == "pending"
    assert comment.hold_reason == f"{on}_premoderated"


def test_citing_an_article_reference_links_it(member, article):
    reference = ReferenceFactory(article=article, doi="10.1000/ABC.1", pmid="123")
    by_doi = post_comment(
        author=member, article=article, body="x", source_type="doi", source="10.1000/abc.1"
    )
    by_pmid = post_comment(
        author=member, article=article, body="y", source_type="pmid", source="123"
    )
    other = post_comment(author=member, article=article, body="z", source_type="pmid", source="9")
    assert by_doi.source_reference == reference
    assert by_pmid.source_reference == reference
    assert other.source_reference is None


def test_reply_notification_is_queued_on_commit(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    parent = post_comment(author=member, article=article, body="first")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_comment(author=other_member, article=article, body="reply", parent=parent)
    # The page cache's version bump, the search index, the followers' fan-out task, then
    # the notification: the recipient's unread count forgotten and its email queued (a
    # published reply leaves the moderation queue's version alone).
    assert len(callbacks) == 5
    assert mailoutbox == []  # nothing is sent before the transaction commits


def test_edit_keeps_the_previous_version(member, article):
    comment = post_comment(author=member, article=article, body="first *draft*", kind="question")
    edited = edit_comment(comment=comment, editor=member, body="second draft", kind="supports")
    assert edited.body_html == "<p>second draft</p>\n"
    assert edited.edited_at is not None
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.body_source, revision.kind) == ("first *draft*", "question")


def test_edit_after_the_window_is_refused(member, article, settings):
    settings.FORUM_EDIT_WINDOW_MINUTES = 15
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        comment = post_comment(author=member, article=article, body="first")
        traveller.shift(timedelta(minutes=14))
        edit_comment(comment=comment, editor=member, body="still in time")
        traveller.shift(timedelta(minutes=2))
        with pytest.raises(EditRefused, match="15 minutes"):
            edit_comment(comment=comment, editor=member, body="too late")
    comment.refresh_from_db()
    assert comment.body_source == "still in time"


def test_editing_someone_elses_comment_is_refused(member, other_member, article):
    comment = post_comment(author=member, article=article, body="mine")
    with pytest.raises(EditRefused) as refusal:
        edit_comment(comment=comment, editor=other_member, body="hijack")
    assert refusal.value.status == 403
    assert not CommentRevision.objects.exists()


def test_author_deletes_any_time(member, article):
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        comment = post_comment(author=member, article=article, body="old")
    assert delete_comment(comment=comment, author=member).status == CommentStatus.DELETED


def test_deleting_someone_elses_comment_is_refused(member, other_member, article):
    comment = post_comment(author=member, article=article, body="mine")
    with pytest.raises(DeleteRefused):
        delete_comment(comment=comment, author=other_member)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_deleting_twice_is_refused(member, article):
    comment = post_comment(author=member, article=article, body="mine")
    delete_comment(comment=comment, author=member)
    with pytest.raises(DeleteRefused) as refusal:
        delete_comment(comment=comment, author=member)
    assert refusal.value.status == 400


def test_inactive_member_cannot_post(article):
    member = UserFactory(username="gone", is_active=False)
    with pytest.raises(PostingRefused):
        post_comment(author=member, article=article, body="x")


def test_a_deleted_comment_cannot_be_edited(member, article):
    comment = post_comment(author=member, article=article, body="mine")
    delete_comment(comment=comment, author=member)
    with pytest.raises(EditRefused, match="taken down"):
        edit_comment(comment=comment, editor=member, body="back from the dead")
