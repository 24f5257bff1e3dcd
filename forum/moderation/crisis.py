"""Crisis language (issue 19): finding it in a member's text, and the support resources
shown to them. Reads only; the follow-up (paging, claiming, emails) is in crisis_cases.

The phrases live in the CrisisPhrase table (moderators maintain them in the admin;
forum/moderation/crisis_defaults.py is what a new site starts with). Matching is not a
bare keyword search: the text is normalized first (disguises and common typos undone),
"safe" phrases (idioms such as "dying to try", research wording such as "suicide
prevention", negations such as "I'm not suicidal") are blanked out, and only then are
the crisis patterns tried.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.models import Comment, CrisisCase, CrisisPhrase, SupportResource
from forum.moderation import crisis_model
from forum.moderation.crisis_defaults import DEFAULT_PHRASES
from forum.moderation.lists import kept_list
from forum.moderation.patterns import regex_error

# Letters people swap in to get past filters: "k1ll mys3lf", "$uicide".
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# A word with a letter and a disguise character in it ("k1ll", "su1c1de", "$uicide").
_DISGUISED_WORD = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0-9@$])[\w@$]+")
# Single letters spelled apart: "k.i.l.l", "k i l l", "s-u-i-c-i-d-e".
_SPELLED_APART = re.compile(r"(?<![a-z])[a-z](?:[ .\-_*]+[a-z](?![a-z])){2,}")
_VOWEL_RUN = re.compile(r"([aeiou])\1{2,}")
_CONSONANT_RUN = re.compile(r"([b-df-hj-np-tv-z])\1{2,}")
_APOSTROPHE = re.compile("['\u2019\u2018`\u00b4]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")
# Key words a typo should not hide, matched within one edit (insert, drop, swap, change).
_KEY_WORDS = (
    "myself",
    "suicidal",
    "suicide",
    "overdose",
    "anymore",
    "pointless",
    "goodbye",
    "burden",
    "matarme",
    "suicidarme",
    "alive",
    "anymore",
    "everyone",
    "tonight",
    "killing",
    "thinking",
    "stockpiling",
    "despertar",
)
# Everyday words one edit from a key word, which must stay themselves.
_NOT_TYPOS = frozenset(
    {"burned", "burdens", "suicidas", "suicides", "suicida", "olive", "alike", "alice"}
)
# Short misspellings and chat spellings of words the patterns need (too short for the
# one-edit rule above, which would turn "lie" into "life").
_SPELLINGS = {
    "abt": "about",
    "ded": "dead",
    "lfie": "life",
    "pils": "pills",
    "pilz": "pills",
    "wnat": "want",
    "wnt": "want",
    "wud": "would",
    "wld": "would",
    "beter": "better",
    "realy": "really",
    "evry": "every",
    "gonna": "going to",
    "wanna": "want to",
    "wana": "want to",
    "thinkin": "thinking",
    "nite": "night",
    "cuz": "because",
    "u": "you",
}
_SHORT_WORD = re.compile(r"\b(?:" + "|".join(_SPELLINGS) + r")\b")
# A star or hash standing for a letter inside a word: "s*icide", "k#ll".
_MASKED_LETTER = re.compile(r"(?<=[a-z])[*#]+(?=[a-z])")
# "!" for an i between letters ("k!ll"); "wow!" stays as it is.
_BANG_I = re.compile(r"(?<=[a-z])!(?=[a-z])")
_WORD = re.compile(r"[a-z]+")


def _within_one_edit(word: str, target: str) -> bool:
    if word == target or abs(len(word) - len(target)) > 1:
        return word == target
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == target[diffs[1]]
            and word[diffs[1]] == target[diffs[0]]
        )
    shorter, longer = sorted((word, target), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@dataclass
class _Mapped:
    """Text being normalized, with each character's offset in the original text, so a
    match in the normalized text can be highlighted in what the member wrote."""

    text: str
    origin: list[int]

    def sub(self, pattern: re.Pattern, replace) -> None:
        pieces: list[str] = []
        origin: list[int] = []
        position = 0
        for match in pattern.finditer(self.text):
            pieces.append(self.text[position : match.start()])
            origin.extend(self.origin[position : match.start()])
            new = replace(match)
            if new:
                first, last = self.origin[match.start()], self.origin[max(match.end() - 1, 0)]
                pieces.append(new)
                origin.extend([first] * (len(new) - 1) + [last])
            position = match.end()
        pieces.append(self.text[position:])
        origin.extend(self.origin[position:])
        self.text, self.origin = "".join(pieces), origin


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower case without accents, character by character (offsets kept)."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        folded.append(plain)
        origin.extend([index] * len(plain))
    return "".join(folded), origin


def _typo_fix(match: re.Match) -> str:
    word = match.group(0)
    if len(word) >= 5 and word not in _NOT_TYPOS:
        for key in _KEY_WORDS:
            if _within_one_edit(word, key):
                return key
    return word


def normalize(text: str) -> _Mapped:
    """The text as crisis patterns see it: lower case, no accents or apostrophes,
    disguises undone, repeated letters shortened and key-word typos corrected."""
    mapped = _Mapped(*_fold(text))
    mapped.sub(_INVISIBLE, lambda m: "")
    mapped.sub(_APOSTROPHE, lambda m: "")
    mapped.sub(_BANG_I, lambda m: "i")
    mapped.sub(_DISGUISED_WORD, lambda m: m.group(0).translate(_LEET))
    mapped.sub(_SPELLED_APART, lambda m: re.sub(r"[ .\-_*]+", "", m.group(0)))
    mapped.sub(_VOWEL_RUN, lambda m: m.group(1))
    mapped.sub(_CONSONANT_RUN, lambda m: m.group(1) * 2)
    # "my self" is "myself"; "kil" is "kill".
    mapped.sub(re.compile(r"\bmy\s+self\b"), lambda m: "myself")
    mapped.sub(re.compile(r"\bkil\b"), lambda m: "kill")
    mapped.sub(_MASKED_LETTER, lambda m: "")
    mapped.sub(_SHORT_WORD, lambda m: _SPELLINGS[m.group(0)])
    mapped.sub(_WORD, _typo_fix)
    return mapped


@lru_cache(maxsize=1024)
def compile_phrase(pattern: str, is_regex: bool) -> re.Pattern:
    """A phrase as a pattern on normalized text (raises re.error for a bad regex)."""
    if is_regex:
        return re.compile(pattern, re.IGNORECASE)
    words = normalize(pattern).text.split()
    return re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b", re.IGNORECASE)


def phrase_error(pattern: str, is_regex: bool) -> str:
    """Why a phrase cannot be used, or '' (the admin refuses it with this reason). A
    regular expression gets the watched words' check (patterns.regex_error)."""
    if not pattern.strip():
        return gettext("The phrase is empty.")
    if is_regex:
        return regex_error(pattern)
    if compile_phrase(pattern, is_regex).search(""):
        return gettext("This pattern matches an empty text, so it would match every comment.")
    return ""


@dataclass(frozen=True)
class CrisisMatch:
    """What matched: the member's own words, their position, and the rule."""

    text: str
    start: int
    end: int
    rule: str


# A crisis phrase as screening uses it: the rule moderators see, the compiled pattern,
# and whether it is one the site ships (the model learnt how far those can be trusted;
# a moderator's own phrase is theirs to decide).
Phrase = tuple[str, re.Pattern, bool]
_SHIPPED = frozenset(
    pattern for pattern, kind, _language, _note in DEFAULT_PHRASES if kind != "safe"
)


def _phrases() -> tuple[list[Phrase], list[re.Pattern]]:
    # Compiled once per list version, in this worker (forum/moderation/lists.py).
    return kept_list("crisis-phrases", _load_phrases)


def _load_phrases() -> tuple[list[Phrase], list[re.Pattern]]:
    crisis: list[Phrase] = []
    safe: list[re.Pattern] = []
    for phrase in CrisisPhrase.objects.filter(active=True).only(
        "pattern", "is_regex", "kind", "note"
    ):
        try:
            compiled = compile_phrase(phrase.pattern, phrase.is_regex)
        except re.error:
            continue  # refused in the admin; a row written some other way is skipped
        if phrase.kind == CrisisPhrase.Kind.SAFE:
            safe.append(compiled)
        else:
            shipped = phrase.is_regex and phrase.pattern in _SHIPPED
            crisis.append((phrase.note or phrase.pattern, compiled, shipped))
    return crisis, safe


# The last text looked at, with the lists it was looked at with and the answer: posting
# asks twice of the same words (opening a case, then where to send the member), and
# each look costs ~1 ms. A reloaded list is a new object, so it never answers for old.
_last: list[Any] = [None, None, None]


def find_crisis_language(text: str) -> CrisisMatch | None:
    """The first crisis language in the text, or None."""
    if not text.strip():
        return None
    lists = _phrases()
    if _last[0] is lists and _last[1] == text:
        return _last[2]
    found_match = _find(text, lists)
    _last[:] = [lists, text, found_match]
    return found_match


def _find(text: str, lists: tuple[list[Phrase], list[re.Pattern]]) -> CrisisMatch | None:
    crisis, safe = lists
    mapped = normalize(text)
    searched = blank_safe(mapped.text, safe)
    found: list[tuple[int, int, str, bool]] = []
    for rule, pattern, shipped in crisis:
        if match := pattern.search(searched):
            found.append((match.start(), match.end(), rule, shipped))
    # A moderator's own phrase flags on its own: they added it for words they know.
    theirs = [hit for hit in found if not hit[3]]
    if theirs:
        start, end, rule = _first_and_longest(theirs)
    else:
        # The shipped model (crisis_model.py) decides, with the shipped phrases as one
        # signal: it reads what people imply, and the context a phrase is in. It sees
        # the text with safe phrases blanked, so a safe phrase stops it as it stops a
        # phrase.
        model = crisis_model.shipped()
        score = model.score(searched, phrase=bool(found))
        if score < model.threshold:
            return None
        if found:
            start, end, rule = _first_and_longest(found)
        else:
            start, end = model.strongest_sentence(searched)
            rule = f"Automated crisis signal {score:.2f}: reads like crisis language"
    first, last = mapped.origin[start], mapped.origin[end - 1] + 1
    return CrisisMatch(text=text[first:last], start=first, end=last, rule=rule)


def _first_and_longest(found: list[tuple[int, int, str, bool]]) -> tuple[int, int, str]:
    """The first match, and of those starting there the longest: moderators see it all."""
    start, end, rule, _shipped = min(found, key=lambda hit: (hit[0], -hit[1]))
    return start, end, rule


def blank_safe(normalized: str, safe: list[re.Pattern]) -> str:
    """The normalized text with every safe phrase replaced by spaces (same length, so
    positions still map back to the member's words)."""
    for pattern in safe:
        normalized = pattern.sub(lambda m: " " * len(m.group(0)), normalized)
    return normalized


# ---- Support resources ----------------------------------------------------------------

_REGION = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})$", re.IGNORECASE)


def country_from_request(request: HttpRequest) -> str:
    """The country whose resources to show: the region of the browser's first preferred
    language that names one ("en-GB" is GB, "es-MX" is MX), else '' for the default."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip()
        if match := _REGION.match(tag):
            return match.group(1).upper()
    return ""


def support_resources(country: str = "") -> list[SupportResource]:
    """The default resources everyone sees (the first says what to do in immediate
    danger), then the country's own (if it has any); an empty or unknown country gets
    the default alone."""
    country = (country or "").strip().upper()[:2]
    rows = list(SupportResource.objects.filter(country__in={"", country}))
    return sorted(rows, key=lambda row: (row.country != "", row.position, row.pk))


COMPOSER_INTRO = _(
    "It sounds like you may be going through something really hard. You can still post "
    "your comment as usual. If you would like to talk to someone now, these services are "
    "free and confidential."
)


def composer_support(request: HttpRequest, form) -> dict:
    """Support resources for the composer page when the text being written has crisis
    language (a preview, or a form shown again): shown above it, before posting."""
    body = form.data.get("body", "") if form.is_bound else ""
    if not isinstance(body, str) or find_crisis_language(body) is None:
        return {}
    return {
        "support_resources": support_resources(country_from_request(request)),
        "support_intro": COMPOSER_INTRO,
    }


def support_after_posting(comment: Comment) -> str:
    """Where to send a member after posting: the support page when their comment opened
    a crisis case for its words, else ''."""
    if find_crisis_language(comment.body_source) is None:
        return ""  # no such words (the lists are in memory): no case was opened for them
    opened = CrisisCase.objects.open().filter(comment=comment, source=CrisisCase.Source.LANGUAGE)
    if not opened.exists():
        return ""
    return f"{reverse('forum:support')}?{urlencode({'posted': comment.pk})}"
