"""The automated respect signal (issue 19): measured on the labelled set, holding for a
person (never refusing), and shown to moderators on the queue item."""

import pytest
from django.test import Client

from forum.models import Comment, CommentStatus
from forum.moderation.guidelines import clause_for_hold
from forum.moderation.screening import HOLD_DISRESPECT, HOLD_REASONS
from forum.moderation.toxicity import score_comment
from forum.services import post_comment
from tests.moderation.conftest import make_comment
from tests.moderation.respect_set import HELD_OUT, measure, rows

# What the note reports (99 % precision, 90.9 % recall at 0.5), minus a margin: a change
# that loses more than this fails.
RECALL_REPORTED = 0.909
MARGIN = 0.05


def test_the_labelled_set_has_its_promised_make_up():
    found = rows()
    negatives = [category for positive, category, _ in found if not positive]
    assert len(found) >= 200
    assert len(negatives) >= len(found) / 2
    categories = {category for _, category, _ in found}
    assert {"pain_swearing", "disagreement", "experience", "sarcasm_mild", "spanish"} <= categories
    assert {"insult", "threat", "sarcasm_insult"} <= categories


def test_precision_at_the_threshold_is_at_least_80_percent(settings):
    precision, recall, false_positives, _misses = measure(
        lambda text: score_comment(text).score >= settings.FORUM_TOXICITY_HOLD
    )
    assert precision >= 0.80, false_positives
    assert recall >= RECALL_REPORTED - MARGIN


# On the held-out set (90 disrespectful, 110 respectful): 96 % precision, 27 % recall.
# The target is precision (a hold a moderator lifts is the cost); the recall is what a
# pattern list finds in wording it never saw, and the floor keeps it from falling.
HELD_OUT_RECALL_FLOOR = 0.24


def test_on_text_it_never_saw_precision_still_meets_its_target(settings):
    precision, recall, false_positives, misses = measure(
        lambda text: score_comment(text).score >= settings.FORUM_TOXICITY_HOLD, HELD_OUT
    )
    assert len(rows(HELD_OUT)) == 200
    assert precision >= 0.80, false_positives
    assert recall >= HELD_OUT_RECALL_FLOOR, misses


@pytest.mark.parametrize(
    "text",
    [
        "This damn pain kept me up all night.",
        "Fucking fibro flare again.",
        "I felt like an idiot for believing it would work.",
        "Thank you people so much for this thread.",
        "I disagree: the trials are too small to conclude anything.",
        "> You are an idiot\nPlease do not talk to members like that.",
    ],
)
def test_pain_swearing_self_talk_and_quotes_score_low(text, settings):
    assert score_comment(text).score < settings.FORUM_TOXICITY_HOLD


@pytest.mark.parametrize(
    "text",
    ["You are an idiot.", "People like you are the problem.", "Eres un idiota.", "Drop dead."],
)
def test_insults_aimed_at_someone_score_high(text, settings):
    assert score_comment(text).score >= settings.FORUM_TOXICITY_HOLD


def _regular(article, member):
    make_comment(article, member, "An earlier, approved comment.")
    return member


def test_a_disrespectful_comment_is_held_not_refused(article, member):
    comment = post_comment(
        author=_regular(article, member), article=article, body="You are an idiot, read it."
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert comment.hold_reason == HOLD_DISRESPECT
    assert str(HOLD_REASONS[HOLD_DISRESPECT]) == "May be disrespectful"
    assert comment.toxicity == pytest.approx(0.85)
    assert clause_for_hold(HOLD_DISRESPECT).number == 4


def test_every_new_comment_is_scored_and_a_respectful_one_published(article, member):
    comment = post_comment(
        author=_regular(article, member), article=article, body="This damn pain, honestly."
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.toxicity is not None
    assert comment.toxicity < 0.5


def test_the_threshold_is_a_setting(article, member, settings):
    settings.FORUM_TOXICITY_HOLD = 0.9
    comment = post_comment(
        author=_regular(article, member), article=article, body="You are an idiot, read it."
    )
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED


def test_the_queue_item_shows_the_score_as_an_automated_signal(article, member, mod_client: Client):
    comment = post_comment(
        author=_regular(article, member), article=article, body="You are an idiot, read it."
    )
    page = mod_client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "May be disrespectful" in page
    assert "Automated signal" in page
    assert "respect score 0.85" in page
    assert "insult aimed at someone" in page
    # Redacting the insult is offered with the reason that fits it.
    assert '<option value="harassment" selected>' in page


def test_members_never_see_the_score(article, member, client):
    comment = post_comment(
        author=_regular(article, member), article=article, body="Magnesium, damn it, helped."
    )
    client.force_login(member)
    page = client.get(comment.get_absolute_url(), follow=True).content.decode()
    assert "Automated signal" not in page
