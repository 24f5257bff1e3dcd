"""Every automatic decision is in the log (issue 14): holds at posting time and
watched-word refusals write a ModerationAction row with automated=True."""

import pytest

from forum.models import CommentStatus, ModerationAction, WatchedWord
from forum.services import PostingRefused, post_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

Kind = ModerationAction.Kind


@pytest.fixture
def regular(db, article):
    """A member past premoderation: one approved comment already."""
    member = UserFactory(username="regular")
    make_comment(article, member, "An earlier, approved comment.")
    return member


def test_new_member_hold_at_posting_time_is_logged_as_automatic(db, article, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    newcomer = UserFactory(username="newcomer")
    comment = post_comment(author=newcomer, article=article, body="Hello, first post here.")
    assert comment.status == CommentStatus.PENDING
    row = ModerationAction.objects.get(comment=comment)
    assert (row.kind, row.moderator, row.member, row.automated) == (
        Kind.HOLD,
        None,
        newcomer,
        True,
    )
    assert row.reason == "At posting: New member: first comments are reviewed"


def test_watched_word_and_dosing_holds_are_logged(regular, article):
    WatchedWord.objects.create(pattern="miracle cure")
    held = post_comment(author=regular, article=article, body="This miracle cure worked.")
    dosed = post_comment(
        author=regular, article=article, body="You should take 600 mg a day.", dosing_confirmed=True
    )
    reasons = {
        ModerationAction.objects.get(comment=held, automated=True, kind=Kind.HOLD).reason,
        ModerationAction.objects.get(comment=dosed, automated=True, kind=Kind.HOLD).reason,
    }
    assert reasons == {
        "At posting: Matched a watched word",
        "At posting: Gives doses or tells others what to take",
    }


def test_premoderated_article_hold_is_logged(regular, article):
    article.premoderate = True
    article.save()
    comment = post_comment(author=regular, article=article, body="A calm remark.")
    row = ModerationAction.objects.get(comment=comment)
    assert row.automated
    assert row.reason == "At posting: Every comment on this article is reviewed"


def test_published_comment_writes_no_hold_row(regular, article):
    comment = post_comment(author=regular, article=article, body="A calm remark.")
    assert comment.status == CommentStatus.PUBLISHED
    assert not ModerationAction.objects.filter(comment=comment).exists()


def test_watched_word_refusal_is_logged_although_nothing_is_stored(regular, article):
    WatchedWord.objects.create(pattern="buy now", action=WatchedWord.Action.BLOCK)
    with pytest.raises(PostingRefused) as refused:
        post_comment(author=regular, article=article, body="Great stuff, BUY NOW")
    assert "not allowed" in refused.value.message
    assert not regular.comments.filter(body_source__icontains="buy now").exists()
    row = ModerationAction.objects.get(kind=Kind.REFUSE)
    assert (row.moderator, row.member, row.comment, row.automated) == (None, regular, None, True)
    assert row.reason == "Blocked watched word: buy now"


def test_dosing_prompt_is_not_a_decision_and_writes_no_row(regular, article):
    with pytest.raises(PostingRefused):
        post_comment(author=regular, article=article, body="You should take 600 mg a day.")
    assert not ModerationAction.objects.exists()


def test_moderator_decisions_are_not_automated(regular, article, moderator):
    from forum.moderation.decisions import hide_comment

    comment = post_comment(author=regular, article=article, body="A calm remark.")
    hide_comment(comment_id=comment.pk, moderator=moderator, reason="checking")
    assert ModerationAction.objects.get(kind=Kind.HIDE).automated is False
