"""Screening a new or edited comment before it is stored: watched words, dosing advice,
and the reasons a comment is held for review."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.models import (
    Comment,
    CommentStatus,
    WatchedWord,
)
from forum.moderation.lists import kept_list
from forum.moderation.privacy import describe, find_private_information, privacy_prompt
from forum.moderation.toxicity import Signal, score_comment

# A dose: a number and a unit. Units are case-sensitive so "5G network" is not a dose.
DOSE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|g|(?i:iu))(?!\w)")

# The prompt asks for one's own experience, so it must not fire on experience ("I take
# 400 mg and sleep better", a quoted post): it fires on telling others what to take.
# Each pattern is tried on one sentence at a time, with quotations blanked out first.
_I = re.IGNORECASE
_LEAD = r"(?:(?:so|just|and|but|then|also|definitely|always|seriously|honestly|really|maybe|"
_LEAD += r"simply|please|ok|okay|yes|yeah|instead|first|basically|pro\s+tip:?|tip:?)[\s,]+)*"
_NOT_A_DOSE = r"(?!care\b|a\s+look\b|a\s+break\b|it\s+easy\b|time\b|note\b|part\b|a\s+seat\b)"
ADVICE_PATTERNS = [
    # "you should take", "you might want to try", "everyone needs to start"
    re.compile(
        r"\b(?:you|u|y'all|everyone|everybody|people|anyone|patients|folks)\s+"
        r"(?:really\s+|definitely\s+|just\s+)?"
        r"(?:should|must|need\s+to|needs\s+to|have\s+to|has\s+to|ought\s+to|could|can|"
        r"might\s+want\s+to|may\s+want\s+to|want\s+to|'d\s+better|had\s+better|"
        r"would\s+do\s+well\s+to)\s+"
        r"(?:also\s+|just\s+|really\s+)?"
        r"(?:take|try|start|use|add|up|increase|double|switch|stick|go|get|aim|stop|skip|"
        r"avoid|split|combine|dose|supplement)\b",
        _I,
    ),
    # "Everyone with fibro should take", "she should try": any subject but the writer.
    re.compile(
        r"(?<!\bi\s)(?<!\bwe\s)\b(?:should|must)\s+(?:really\s+|definitely\s+|also\s+)?"
        r"(?:take|try|start|use|add|increase|double|switch|stick)\b",
        _I,
    ),
    # Imperatives at the start of a sentence or after "if ...,": "Take 400 mg", "Try
    # taking it", "Don't take more than", "Start with 200 mg", "Switch to glycinate".
    re.compile(
        r"(?:^\s*|(?<=,)\s*)" + _LEAD + r"(?:"
        r"take\s+" + _NOT_A_DOSE + r"\w+"
        r"|(?:try|start|stop|keep)\s+taking\b"
        r"|try\s+(?!to\b|again\b|it\s+and\s+see\b)\w+"
        r"|(?:don't|do\s+not|never)\s+(?:take|exceed|go\s+over|skip|mix|combine)\b"
        r"|(?:start|begin)\s+(?:with|on|at|low|by\s+taking)\b"
        r"|(?:up|double|increase|raise|lower|split)\s+(?:your|the)\s+(?:dose|dosage|intake)\b"
        r"|switch\s+to\b"
        r"|(?:aim|go)\s+for\s+\d"
        r"|(?:add|use|have|get|pop|mix|stick\s+to|stay\s+(?:at|under|below))\s+"
        r"(?:about\s+|around\s+|at\s+least\s+|up\s+to\s+)?\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|iu)\b"
        r")",
        _I | re.MULTILINE,
    ),
    # "The dose is 400 mg", "the right dosage should be", "recommended dose: 300 mg"
    re.compile(
        r"(?<!\bmy\s)(?<!\bour\s)(?<!\bher\s)(?<!\bhis\s)(?<!\bmy)"
        r"\b(?:the|a|your)\s+(?:(?:right|correct|best|ideal|optimal|effective|proper|usual|"
        r"standard|typical|recommended|starting|therapeutic|safe|daily|good|normal)\s+)*"
        r"(?:dose|dosage|amount)\s+(?:(?:of|for)\s+[\w\s-]{1,30}?\s+)?"
        r"(?:is|should\s+be|would\s+be|=|:)",
        _I,
    ),
    re.compile(r"^\s*(?:dose|dosage)\s*[:=]", _I | re.MULTILINE),
    # Advising in the first person: "I'd recommend 300 mg", "my advice: take it at night".
    re.compile(
        r"\bI(?:'d|\s+would|\s+strongly|\s+really)?\s+(?:recommend|suggest|advise|urge)\b"
        r"|\bmy\s+advice\b|\b(?:it's|it\s+is)\s+best\s+to\s+(?:take|start|use)\b"
        r"|\b(?:make|be)\s+sure\s+(?:to|you)\s+(?:take|get|start|use)\b"
        r"|\ball\s+you\s+need\s+is\b|\byou(?:'ll)?\s+(?:want|need)\s+(?:about\s+|at\s+least\s+)?\d"
        r"|\bwhy\s+(?:not|don't\s+you)\s+(?:try|take|start)\b",
        _I,
    ),
]
# A bare dose with a schedule ("400 mg daily before bed.") reads as an instruction, but
# only in a comment that is not about the writer's or a study's own use.
_SCHEDULE = re.compile(
    r"\b(?:daily|a\s+day|per\s+day|each\s+day|every\s+(?:day|night|morning|evening)|"
    r"at\s+night|before\s+bed|twice|once|with\s+(?:food|meals))\b",
    _I,
)
_OWN_OR_REPORTED = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|we|we've|us|our|he|she|his|her|they|their|"
    r"study|studies|trial|trials|participants|subjects|group|groups|researchers|paper|review|"
    r"placebo|patients\s+(?:got|received|took))\b"
    # A sentence opening in the past tense is the writer's own: "Started on 250mg ...".
    r"|^\s*(?:\w+ed|took|been|went|was|had|got|felt|found|saw|kept|began)\b",
    _I | re.MULTILINE,
)
# Quotations: a Markdown blockquote line, or text in straight or curly double quotes.
_QUOTED = re.compile(r'^\s*>.*$|"[^"\n]*"|“[^”\n]*”', re.MULTILINE)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)


def _blank_quotes(text: str) -> str:
    """The text with quotations replaced by spaces, so offsets still match the original."""
    return _QUOTED.sub(lambda match: " " * len(match.group(0)), text)


def _is_question(sentence: str) -> bool:
    stripped = sentence.strip()
    return stripped.endswith("?") and not re.match(r"(?i)why\s+(?:not|don't\s+you)\b", stripped)


HOLD_WATCHED_WORD = "watched_word"
HOLD_DOSING = "dosing_advice"
HOLD_NEW_MEMBER = "new_member"
HOLD_REMOVALS = "recent_removals"
HOLD_ARTICLE = "article_premoderated"
HOLD_CATEGORY = "category_premoderated"
HOLD_EDITED = "edited_after_report"
HOLD_PRIVATE = "private_information"
HOLD_DISRESPECT = "may_be_disrespectful"
HOLD_REASONS = {
    HOLD_WATCHED_WORD: _("Matched a watched word"),
    HOLD_DOSING: _("Gives doses or tells others what to take"),
    HOLD_NEW_MEMBER: _("New member: first comments are reviewed"),
    HOLD_REMOVALS: _("Several recent comments were removed"),
    HOLD_ARTICLE: _("Every comment on this article is reviewed"),
    HOLD_CATEGORY: _("Every comment in this topic is reviewed"),
    HOLD_EDITED: _("Edited after a report"),
    HOLD_PRIVATE: _("Private information"),
    HOLD_DISRESPECT: _("May be disrespectful"),
}
DOSING_PROMPT = _(
    "This looks like it gives doses or tells others what to take. Please share your own "
    "experience, or cite a source. If you post it as it is, a moderator will review it first."
)


def find_dosing_advice(text: str) -> str:
    """The first instruction or dose told to others in the text, or '' when there is
    none (first-person and quoted experience are not advice)."""
    unquoted = _blank_quotes(text)
    sentences = [m for m in _SENTENCE.finditer(unquoted) if m.group(0).strip()]
    for sentence in sentences:
        if _is_question(sentence.group(0)):
            continue
        for pattern in ADVICE_PATTERNS:
            if match := pattern.search(sentence.group(0)):
                # The dose, when the advice names one: what the moderator checks first.
                if dose := DOSE.search(sentence.group(0)):
                    return dose.group(0)
                start = sentence.start() + match.start()
                return text[start : sentence.start() + match.end()].strip(" .!?,:")
    if not _OWN_OR_REPORTED.search(unquoted):
        for sentence in sentences:
            dose = DOSE.search(sentence.group(0))
            if dose and _SCHEDULE.search(sentence.group(0)):
                return dose.group(0)
    return ""


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
    """What to do with a new comment: 'publish', 'hold', 'refuse', 'confirm_dosing' or
    'confirm_privacy'."""

    action: str
    message: str = ""
    hold_reason: str = ""
    matched_rule: str = ""
    matched_text: str = ""
    # The automated respect signal's score (0-1), stored on the comment for moderators.
    toxicity: float | None = None

    @property
    def needs_dosing_confirmation(self) -> bool:
        return self.action == "confirm_dosing"

    @property
    def needs_privacy_confirmation(self) -> bool:
        return self.action == "confirm_privacy"

    def comment_fields(self) -> dict:
        """Fields for Comment.objects.create(...) when the action is publish or hold."""
        held = self.action == "hold"
        return {
            "status": CommentStatus.PENDING if held else CommentStatus.PUBLISHED,
            "hold_reason": self.hold_reason,
            "matched_rule": self.matched_rule[:200],
            "matched_text": self.matched_text[:200],
            "toxicity": self.toxicity,
        }


_DECIDED = 5  # the recent decided comments the removals rule looks at


def last_decided(author) -> list[str]:
    """The statuses of the member's last 5 decided (published or removed) comments."""
    return list(
        Comment.objects.filter(
            author=author, status__in=[CommentStatus.PUBLISHED, CommentStatus.REMOVED]
        )
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)[:_DECIDED]
    )


def recently_removed(decided: list[str]) -> bool:
    """At least 2 of the member's last 5 decided comments were removed by moderators."""
    return decided.count(CommentStatus.REMOVED) >= 2


def approved_at_least(author, decided: list[str], needed: int) -> bool:
    """Has the member `needed` published comments? Read off their last decided ones
    when those answer it (fewer than 5: that is all of them; or enough published among
    them), so a regular's post asks no second query."""
    published = decided.count(CommentStatus.PUBLISHED)
    if published >= needed:
        return True
    if len(decided) < _DECIDED:
        return False
    return Comment.objects.filter(author=author, status=CommentStatus.PUBLISHED).count() >= needed


def _privacy_screening(body_source: str, *, confirmed: bool) -> Screening | None:
    """Private information asks first; posted anyway, it is held for a moderator."""
    findings = find_private_information(body_source)
    if not findings:
        return None
    if not confirmed:
        return Screening(
            action="confirm_privacy",
            message=privacy_prompt(findings),
            matched_text=findings[0].text,
        )
    return Screening(
        action="hold",
        hold_reason=HOLD_PRIVATE,
        matched_rule=f"Private information ({describe(findings)}), posted after the prompt",
        matched_text=findings[0].text,
    )


def _screen_text(
    *,
    body_source: str,
    dosing_confirmed: bool,
    cites_source: bool,
    privacy_confirmed: bool = False,
    signal: Signal | None = None,
) -> Screening | None:
    """The rules about the words themselves, for new comments and edits alike."""
    # From this worker's memory while the list version stands (forum/moderation/lists.py).
    watched = kept_list("watched-words", lambda: list(WatchedWord.objects.all()))
    for word in watched:
        if word.action == WatchedWord.Action.BLOCK and _watched_match(word, body_source):
            return Screening(
                action="refuse",
                message=gettext(
                    "This comment contains words that are not allowed here. Please rephrase it."
                ),
                matched_rule=word.pattern,
            )
    # The nudge asks for one's own experience or a source: a cited source answers it
    # (readers can check it, and report the comment if it misleads).
    dose = "" if cites_source else find_dosing_advice(body_source)
    if dose and not dosing_confirmed:
        return Screening(action="confirm_dosing", message=str(DOSING_PROMPT), matched_text=dose)
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
    # A watched word already holds it for a moderator; otherwise private information asks
    # first, and outranks dosing advice in the queue.
    private = _privacy_screening(body_source, confirmed=privacy_confirmed)
    if private:
        return private
    if dose:
        return Screening(
            action="hold",
            hold_reason=HOLD_DOSING,
            matched_rule=gettext("Dosing advice, posted after the prompt"),
            matched_text=dose,
        )
    # The respect signal only ever holds for a person to look: it never refuses.
    if signal is not None and signal.score >= settings.FORUM_TOXICITY_HOLD:
        return Screening(
            action="hold",
            hold_reason=HOLD_DISRESPECT,
            matched_rule=f"Automated respect signal {signal.score:.2f} ({signal.rule})",
            matched_text=signal.matched,
        )
    return None


def screen_comment(
    *,
    author,
    article,
    body_source: str,
    dosing_confirmed: bool = False,
    cites_source: bool = False,
    privacy_confirmed: bool = False,
) -> Screening:
    """The decision for a new comment before it is stored (post_comment calls it; a
    refusal re-renders the form with `message` and the text kept)."""
    signal = score_comment(body_source)
    screening = _screen_text(
        body_source=body_source,
        dosing_confirmed=dosing_confirmed,
        cites_source=cites_source,
        privacy_confirmed=privacy_confirmed,
        signal=signal,
    )
    return replace(_admit(screening, author=author, article=article), toxicity=signal.score)


def _admit(screening: Screening | None, *, author, article) -> Screening:
    """The member and article rules, once the words passed."""
    if screening:
        return screening
    decided = last_decided(author)
    if recently_removed(decided):
        return Screening(action="hold", hold_reason=HOLD_REMOVALS)
    if not approved_at_least(author, decided, settings.FORUM_PREMODERATE_UNTIL_APPROVED):
        return Screening(action="hold", hold_reason=HOLD_NEW_MEMBER)
    if article.premoderate:
        return Screening(action="hold", hold_reason=HOLD_ARTICLE)
    if article.category.premoderate:
        return Screening(action="hold", hold_reason=HOLD_CATEGORY)
    return Screening(action="publish")


def screen_edit(
    *,
    body_source: str,
    dosing_confirmed: bool = False,
    cites_source: bool = False,
    privacy_confirmed: bool = False,
) -> Screening:
    """The decision for a comment's new text (edit_comment calls it). Only the words
    count: the comment was already admitted, so member and article rules do not apply
    again."""
    signal = score_comment(body_source)
    screening = _screen_text(
        body_source=body_source,
        dosing_confirmed=dosing_confirmed,
        cites_source=cites_source,
        privacy_confirmed=privacy_confirmed,
        signal=signal,
    )
    return replace(screening or Screening(action="publish"), toxicity=signal.score)
