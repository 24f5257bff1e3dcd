"""Screening a new or edited comment before it is stored: watched words, dosing advice,
and the reasons a comment is held for review."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from forum.models import (
    Comment,
    CommentStatus,
    WatchedWord,
)

# A dose: a number and a unit. Units are case-sensitive so "5G network" is not a dose.
DOSE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|g|(?i:iu))(?!\w)")
# Telling others what to take (instead of sharing one's own experience).
ADVICE = re.compile(
    r"\b(?:you|u)\s+(?:should|must|need\s+to|have\s+to|ought\s+to)\s+(?:take|try|start)\b"
    r"|\btry\s+taking\b"
    # "Take X" as a command, at the start of a sentence; "take care" is not advice.
    r"|(?:^|[.!?]\s+)take\s+(?!care\b|a\s+look\b|a\s+break\b|it\s+easy\b|time\b)\w+",
    re.IGNORECASE | re.MULTILINE,
)

HOLD_WATCHED_WORD = "watched_word"
HOLD_DOSING = "dosing_advice"
HOLD_NEW_MEMBER = "new_member"
HOLD_REMOVALS = "recent_removals"
HOLD_ARTICLE = "article_premoderated"
HOLD_CATEGORY = "category_premoderated"
HOLD_EDITED = "edited_after_report"
HOLD_REASONS = {
    HOLD_WATCHED_WORD: "Matched a watched word",
    HOLD_DOSING: "Gives doses or tells others what to take",
    HOLD_NEW_MEMBER: "New member: first comments are reviewed",
    HOLD_REMOVALS: "Several recent comments were removed",
    HOLD_ARTICLE: "Every comment on this article is reviewed",
    HOLD_CATEGORY: "Every comment in this topic is reviewed",
    HOLD_EDITED: "Edited after a report",
}
DOSING_PROMPT = (
    "This looks like it gives doses or tells others what to take. Please share your own "
    "experience, or cite a source. If you post it as it is, a moderator will review it first."
)


def find_dosing_advice(text: str) -> str:
    """The first dose or instruction in the text, or '' when there is none."""
    match = DOSE.search(text) or ADVICE.search(text)
    return match.group(0).strip(" .!?") if match else ""


def needs_dosing_confirmation(text: str) -> bool:
    return bool(find_dosing_advice(text))


def _watched_match(word: WatchedWord, text: str) -> str:
    if word.is_regex:
        try:
            match = re.search(word.pattern, text, re.IGNORECASE)
        except re.error:
            return ""
    else:
        # Whole words only: watching "ass" must not hold "assess".
        match = re.search(rf"(?<!\w){re.escape(word.pattern)}(?!\w)", text, re.IGNORECASE)
    return match.group(0) if match else ""


@dataclass(frozen=True)
class Screening:
    """What to do with a new comment: 'publish', 'hold', 'refuse' or 'confirm_dosing'."""

    action: str
    message: str = ""
    hold_reason: str = ""
    matched_rule: str = ""
    matched_text: str = ""

    @property
    def needs_dosing_confirmation(self) -> bool:
        return self.action == "confirm_dosing"

    def comment_fields(self) -> dict:
        """Fields for Comment.objects.create(...) when the action is publish or hold."""
        held = self.action == "hold"
        return {
            "status": CommentStatus.PENDING if held else CommentStatus.PUBLISHED,
            "hold_reason": self.hold_reason,
            "matched_rule": self.matched_rule[:200],
            "matched_text": self.matched_text[:200],
        }


def recently_removed(author) -> bool:
    """At least 2 of the member's last 5 decided comments were removed by moderators."""
    decided = list(
        Comment.objects.filter(
            author=author, status__in=[CommentStatus.PUBLISHED, CommentStatus.REMOVED]
        )
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)[:5]
    )
    return decided.count(CommentStatus.REMOVED) >= 2


def _screen_text(
    *, body_source: str, dosing_confirmed: bool, cites_source: bool
) -> Screening | None:
    """The rules about the words themselves, for new comments and edits alike."""
    watched = list(WatchedWord.objects.all())
    for word in watched:
        if word.action == WatchedWord.Action.BLOCK and _watched_match(word, body_source):
            return Screening(
                action="refuse",
                message="This comment contains words that are not allowed here. "
                "Please rephrase it.",
                matched_rule=word.pattern,
            )
    # The nudge asks for one's own experience or a source: a cited source answers it
    # (readers can check it, and report the comment if it misleads).
    dose = "" if cites_source else find_dosing_advice(body_source)
    if dose and not dosing_confirmed:
        return Screening(action="confirm_dosing", message=DOSING_PROMPT, matched_text=dose)
    for word in watched:
        matched = _watched_match(word, body_source)
        if matched:
            note = f" ({word.note})" if word.note else ""
            return Screening(
                action="hold",
                hold_reason=HOLD_WATCHED_WORD,
                matched_rule=f"Watched word: {word.pattern}{note}",
                matched_text=matched,
            )
    if dose:
        return Screening(
            action="hold",
            hold_reason=HOLD_DOSING,
            matched_rule="Dosing advice, posted after the prompt",
            matched_text=dose,
        )
    return None


def screen_comment(
    *,
    author,
    article,
    body_source: str,
    dosing_confirmed: bool = False,
    cites_source: bool = False,
) -> Screening:
    """The decision for a new comment before it is stored (post_comment calls it; a
    refusal re-renders the form with `message` and the text kept)."""
    screening = _screen_text(
        body_source=body_source, dosing_confirmed=dosing_confirmed, cites_source=cites_source
    )
    if screening:
        return screening
    if recently_removed(author):
        return Screening(action="hold", hold_reason=HOLD_REMOVALS)
    approved = Comment.objects.filter(author=author, status=CommentStatus.PUBLISHED).count()
    if approved < settings.FORUM_PREMODERATE_UNTIL_APPROVED:
        return Screening(action="hold", hold_reason=HOLD_NEW_MEMBER)
    if article.premoderate:
        return Screening(action="hold", hold_reason=HOLD_ARTICLE)
    if article.category.premoderate:
        return Screening(action="hold", hold_reason=HOLD_CATEGORY)
    return Screening(action="publish")


def screen_edit(
    *, body_source: str, dosing_confirmed: bool = False, cites_source: bool = False
) -> Screening:
    """The decision for a comment's new text (edit_comment calls it). Only the words
    count: the comment was already admitted, so member and article rules do not apply
    again."""
    screening = _screen_text(
        body_source=body_source, dosing_confirmed=dosing_confirmed, cites_source=cites_source
    )
    return screening or Screening(action="publish")
