"""Moderators' regular expressions (watched words, crisis phrases, issue 19): one that
runs away on a long comment is refused in the admin with the reason, and nothing is saved;
well-behaved ones, the shipped crisis defaults among them, pass."""

import time

import pytest
from django.urls import reverse

from forum.models import CrisisPhrase, WatchedWord
from forum.moderation import crisis_defaults
from forum.moderation.patterns import PROBE_SECONDS, regex_error, runaway_patterns

pytestmark = pytest.mark.django_db

RUNAWAY = [r"(\w+\s?)+$", r"(a|aa)+b", r"(x+x+)+y", r"^(\s*\w+)*\s*goodbye$"]
FINE = [r"\bend (?:my|this) life\b", r"\b(?:kill|hurt)\s+myself\b", r"x+y", r"(?:\w+\s){0,3}die"]


@pytest.mark.parametrize("pattern", RUNAWAY)
def test_a_runaway_pattern_is_refused_with_the_reason_in_bounded_time(pattern):
    started = time.monotonic()
    error = regex_error(pattern)
    assert "takes too long on a long comment" in error
    assert "(\\w+\\s*)+" in error  # says what usually causes it
    assert time.monotonic() - started < PROBE_SECONDS + 1.5  # the child was stopped


@pytest.mark.parametrize("pattern", FINE)
def test_a_well_behaved_pattern_passes(pattern):
    assert regex_error(pattern) == ""


def test_only_the_runaway_ones_are_named_among_many():
    assert runaway_patterns([FINE[0], RUNAWAY[1], FINE[1]], seconds=1.0) == [RUNAWAY[1]]


def test_every_shipped_crisis_pattern_finishes_the_probe():
    patterns = [pattern for pattern, *_ in crisis_defaults.DEFAULT_PHRASES]
    assert len(patterns) > 100
    assert runaway_patterns(patterns) == []


def test_the_admin_refuses_a_runaway_crisis_pattern_and_keeps_the_input(admin_client):
    pattern = r"(\w+\s?)+goodbye$"
    data = {"pattern": pattern, "is_regex": "on", "kind": "crisis", "language": "en"}
    response = admin_client.post(reverse("admin:forum_crisisphrase_add"), {**data, "active": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "takes too long on a long comment" in html
    assert 'value="(\\w+\\s?)+goodbye$"' in html  # the moderator's text is still there
    assert not CrisisPhrase.objects.filter(pattern=pattern).exists()


def test_the_admin_refuses_a_runaway_watched_word(admin_client):
    pattern = r"(a|aa)+b"
    response = admin_client.post(
        reverse("admin:forum_watchedword_add"),
        {"pattern": pattern, "is_regex": "on", "action": "hold", "note": "spam"},
    )
    assert "takes too long on a long comment" in response.content.decode()
    assert not WatchedWord.objects.exists()
    # the same words as plain text are no regex and are saved
    response = admin_client.post(
        reverse("admin:forum_watchedword_add"),
        {"pattern": pattern, "action": "hold", "note": "spam"},
    )
    assert response.status_code == 302
    assert WatchedWord.objects.get().pattern == pattern
