"""Screening (forum.moderation) decides what happens to every new comment and edit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    ModerationAction,
    WatchedWord,
)
from forum.moderation.decisions import dismiss_reports
from forum.moderation.reports import report_comment
from forum.moderation.screening import HOLD_DOSING, HOLD_EDITED, HOLD_NEW_MEMBER, HOLD_WATCHED_WORD
from forum.services import EditRefused, PostingRefused, edit_comment, post_comment
from tests.integration.conftest import create_url, post_data
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db

DOSING = "Take 400 mg of magnesium every night."
PROMPT = "share your own experience, or cite a source"


@pytest.fixture
def blocked_word(db):
    return WatchedWord.objects.create(pattern="buy now", action=WatchedWord.Action.BLOCK)


@pytest.fixture
def held_word(db):
    return WatchedWord.objects.create(pattern="miracle cure")


# --- The service ------------------------------------------------------------------


def test_a_new_members_first_comment_is_held_for_review(member, article, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    comment = post_comment(author=member, article=article, body="My first comment.")
    assert comment.status == CommentStatus.PENDING
    assert comment.hold_reason == HOLD_NEW_MEMBER


def test_an_established_member_publishes_at_once(member, article, established):
    established(member, article)
    comment = post_comment(author=member, article=article, body="Another comment.")
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.hold_reason == ""


def test_a_blocked_word_refuses_the_comment_and_stores_nothing(
    member, article, established, blocked_word
):
    established(member, article)
    with pytest.raises(PostingRefused) as refused:
        post_comment(author=member, article=article, body="Buy now at my shop!")
    assert refused.value.code == "refuse"
    assert refused.value.status == 400
    assert "not allowed here" in refused.value.message
    assert Comment.objects.filter(body_source__contains="shop").count() == 0


def test_dosing_advice_asks_for_confirmation_first(member, article, established):
    established(member, article)
    with pytest.raises(PostingRefused) as refused:
        post_comment(author=member, article=article, body=DOSING)
    assert refused.value.code == "confirm_dosing"
    assert PROMPT in refused.value.message
    assert not Comment.objects.filter(body_source=DOSING).exists()


def test_dosing_advice_posted_anyway_is_held_with_the_reason(member, article, established):
    established(member, article)
    comment = post_comment(author=member, article=article, body=DOSING, dosing_confirmed=True)
    assert comment.status == CommentStatus.PENDING
    assert comment.hold_reason == HOLD_DOSING
    assert comment.matched_text == "400 mg"


def test_a_watched_word_holds_the_comment_with_the_matched_rule(
    member, article, established, held_word
):
    established(member, article)
    comment = post_comment(author=member, article=article, body="A miracle cure, they said.")
    assert comment.status == CommentStatus.PENDING
    assert comment.hold_reason == HOLD_WATCHED_WORD
    assert comment.matched_text == "miracle cure"


def test_a_held_reply_sends_no_reply_email_yet(
    member, other_member, article, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    parent = make_comment(article, other_member, "How do you sleep?")
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_comment(author=member, article=article, body="Badly.", parent=parent)
    assert reply.status == CommentStatus.PENDING
    assert mailoutbox == []


# --- Editing ----------------------------------------------------------------------


def test_an_edit_with_a_blocked_word_is_refused_and_keeps_the_old_text(
    member, article, blocked_word
):
    comment = make_comment(article, member, "Fine words.")
    with pytest.raises(EditRefused) as refused:
        edit_comment(comment=comment, editor=member, body="Buy now, cheap!")
    assert refused.value.code == "refuse"
    comment.refresh_from_db()
    assert comment.body_source == "Fine words."
    assert not CommentRevision.objects.exists()


def test_an_edit_with_a_watched_word_sends_it_back_to_review(member, article, held_word):
    comment = make_comment(article, member, "Fine words.")
    edited = edit_comment(comment=comment, editor=member, body="Fine words, a miracle cure.")
    assert edited.status == CommentStatus.PENDING
    assert edited.hold_reason == HOLD_WATCHED_WORD
    assert edited.status_changed_at is not None


def test_an_edit_is_not_held_for_being_a_new_member(member, article, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 5
    comment = make_comment(article, member, "Fine words.")
    edited = edit_comment(comment=comment, editor=member, body="Better words.")
    assert edited.status == CommentStatus.PUBLISHED


def test_an_edit_adding_doses_asks_then_holds(member, article):
    comment = make_comment(article, member, "Fine words.")
    with pytest.raises(EditRefused) as refused:
        edit_comment(comment=comment, editor=member, body=DOSING)
    assert refused.value.code == "confirm_dosing"
    edited = edit_comment(comment=comment, editor=member, body=DOSING, dosing_confirmed=True)
    assert (edited.status, edited.hold_reason) == (CommentStatus.PENDING, HOLD_DOSING)


def test_editing_a_comment_whose_reports_were_dismissed_reopens_it(
    member, other_member, moderator, article
):
    comment = make_comment(article, member, "Fine words.")
    report_comment(comment=comment, reporter=other_member, reason="off_topic")
    dismiss_reports(comment_id=comment.pk, moderator=moderator)
    edited = edit_comment(comment=comment, editor=member, body="Now different words.")
    edited.refresh_from_db()
    assert (edited.status, edited.hold_reason) == (CommentStatus.PENDING, HOLD_EDITED)
    assert ModerationAction.objects.filter(comment=comment, kind="hold").exists()


# --- The views --------------------------------------------------------------------


def test_refused_words_re_render_the_form_with_the_text_and_no_rows(
    client, member, article, established, blocked_word
):
    established(member, article)
    client.force_login(member)
    before = Comment.objects.count()
    response = client.post(create_url(article), post_data("Buy now &lt;here&gt;, friends"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "contains words that are not allowed here" in html
    assert "Buy now &amp;lt;here&amp;gt;, friends</textarea>" in html
    assert Comment.objects.count() == before


def test_dosing_prompt_shows_the_checkbox_and_keeps_the_text(client, member, article, established):
    established(member, article)
    client.force_login(member)
    response = client.post(create_url(article), post_data(DOSING))
    assert response.status_code == 400
    html = response.content.decode()
    assert PROMPT in html
    assert 'name="dosing_confirmed"' in html
    assert f"{DOSING}</textarea>" in html
    assert not Comment.objects.filter(body_source=DOSING).exists()


def test_the_checkbox_is_not_offered_before_screening_asks(client, member, article):
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'name="dosing_confirmed"' not in html


def test_posting_anyway_holds_the_comment_and_says_it_awaits_review(
    client, member, article, established
):
    established(member, article)
    client.force_login(member)
    response = client.post(
        create_url(article), post_data(DOSING, dosing_confirmed="on"), follow=True
    )
    comment = Comment.objects.get(body_source=DOSING)
    assert (comment.status, comment.hold_reason) == (CommentStatus.PENDING, HOLD_DOSING)
    html = response.content.decode()
    assert "it will appear to others once a moderator has looked at it" in html
    assert "Awaiting review" in html
    assert "it will appear to others after a moderator has reviewed it" in html


def test_a_held_comment_is_shown_to_its_author_only(
    client, member, other_member, article, settings
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    client.force_login(member)
    client.post(create_url(article), post_data("My very first comment."))
    assert Comment.objects.get(body_source="My very first comment.").status == "pending"
    assert "My very first comment." in client.get(article.get_absolute_url()).content.decode()
    client.force_login(other_member)
    assert "My very first comment." not in client.get(article.get_absolute_url()).content.decode()


def test_an_edit_with_a_blocked_word_re_renders_with_the_text(
    client, member, article, blocked_word
):
    comment = make_comment(article, member, "Fine words.")
    client.force_login(member)
    url = f"/comments/{comment.pk}/edit/"
    response = client.post(url, {"body": "Buy now, cheap!", "kind": "", "source": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not allowed here" in html
    assert "Buy now, cheap!</textarea>" in html
    comment.refresh_from_db()
    assert comment.body_source == "Fine words."


def test_an_edit_held_for_review_says_so(client, member, article, held_word):
    comment = make_comment(article, member, "Fine words.")
    client.force_login(member)
    response = client.post(
        f"/comments/{comment.pk}/edit/",
        {"body": "A miracle cure.", "kind": "", "source": ""},
        follow=True,
    )
    assert "awaiting review" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_the_edit_window_still_applies_before_screening(member, article, blocked_word):
    comment = make_comment(article, member, "Fine words.")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=1))
    with pytest.raises(EditRefused) as refused:
        edit_comment(comment=comment, editor=member, body="Buy now")
    assert refused.value.code == "window_closed"


# --- Sanctions stop editing too ------------------------------------------------------


@pytest.fixture
def suspended(member, suspend):
    return suspend(member)


def test_a_suspended_member_cannot_edit(member, article, suspended):
    comment = make_comment(article, member, "Fine words.")
    with pytest.raises(EditRefused) as refused:
        edit_comment(comment=comment, editor=member, body="Other words.")
    assert refused.value.code == "suspended"
    comment.refresh_from_db()
    assert comment.body_source == "Fine words."


def test_a_suspended_member_sees_no_edit_link_and_the_edit_page_says_why(
    client, member, article, suspended
):
    comment = make_comment(article, member, "Fine words.")
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/comments/{comment.pk}/edit/"' not in html
    assert f'href="/comments/{comment.pk}/delete/"' in html  # leaving stays possible
    response = client.get(f"/comments/{comment.pk}/edit/")
    assert response.status_code == 403
    assert "Your account is suspended until" in response.content.decode()


def test_opening_the_edit_page_after_the_window_says_so(client, member, article):
    comment = make_comment(article, member, "Fine words.")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=1))
    client.force_login(member)
    response = client.get(f"/comments/{comment.pk}/edit/")
    assert response.status_code == 403
    assert "The time to edit this comment has passed." in response.content.decode()


def test_citing_a_source_answers_the_dosing_nudge(member, article, established):
    established(member, article)
    comment = post_comment(
        author=member, article=article, body=DOSING, source_type="pmid", source="12345678"
    )
    assert (comment.status, comment.hold_reason) == (CommentStatus.PUBLISHED, "")


def test_a_cited_source_does_not_pass_a_watched_word(member, article, established, held_word):
    established(member, article)
    comment = post_comment(
        author=member, article=article, body="A miracle cure.", source_type="pmid", source="1"
    )
    assert comment.hold_reason == HOLD_WATCHED_WORD
