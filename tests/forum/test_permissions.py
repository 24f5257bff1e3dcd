from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forum import permissions
from forum.models import Sanction
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_posting_permission_by_kind_of_reader(member, unverified_member, article):
    assert permissions.posting_refusal(AnonymousUser(), article).code == "anonymous"
    assert permissions.posting_refusal(unverified_member, article).code == "unverified"
    assert permissions.can_post(member, article)
    article.discussion_open = False
    assert permissions.posting_refusal(member, article).code == "closed"


def test_active_sanction_blocks_posting(member, article):
    Sanction.objects.create(
        member=member, kind="suspension", reason="x", ends_at=timezone.now() + timedelta(hours=1)
    )
    assert permissions.posting_refusal(member, article).code == "suspended"


def test_edit_delete_report_by_author_and_other_member(member, other_member, unverified_member):
    comment = CommentFactory(author=member)
    anonymous = AnonymousUser()
    assert permissions.can_edit(member, comment)
    assert permissions.can_delete(member, comment)
    for reader in (other_member, anonymous):
        assert not permissions.can_edit(reader, comment)
        assert not permissions.can_delete(reader, comment)
    assert permissions.report_refusal(other_member, comment) == ""
    assert permissions.report_refusal(member, comment) == permissions.REPORT_OWN
    assert "verify your email" in permissions.report_refusal(unverified_member, comment)
    assert permissions.report_refusal(anonymous, comment) == permissions.REPORT_SIGN_IN


def test_edit_window_closes_but_delete_stays(member, settings):
    settings.FORUM_EDIT_WINDOW_MINUTES = 15
    comment = CommentFactory(author=member)
    comment.created_at = timezone.now() - timedelta(minutes=16)
    assert not permissions.can_edit(member, comment)
    assert permissions.can_delete(member, comment)


def test_only_moderators_moderate(member, moderator):
    assert permissions.can_moderate(moderator)
    assert not permissions.can_moderate(member)
    assert not permissions.can_moderate(AnonymousUser())


def test_visible_to_shows_waiting_comments_to_their_author_and_moderators(
    member, other_member, moderator
):
    from forum.models import Comment

    published = CommentFactory(author=member)
    pending = CommentFactory(author=member, status="pending")
    hidden = CommentFactory(author=member, status="hidden")
    CommentFactory(author=member, status="removed")
    CommentFactory(author=member, status="deleted")
    everyone = {published.pk}
    assert set(Comment.objects.visible_to(AnonymousUser()).values_list("pk", flat=True)) == everyone
    assert set(Comment.objects.visible_to(other_member).values_list("pk", flat=True)) == everyone
    waiting = {published.pk, pending.pk, hidden.pk}
    assert set(Comment.objects.visible_to(member).values_list("pk", flat=True)) == waiting
    assert set(Comment.objects.visible_to(moderator).values_list("pk", flat=True)) == waiting
