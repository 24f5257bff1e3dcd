"""The automated respect signal: how likely a comment is to attack a person rather than
an idea. Pure Python, offline, scored at posting time; above FORUM_TOXICITY_HOLD the
comment is held with "may be disrespectful" and moderators see the score and what it
matched. It never refuses on its own.

Why patterns and not a generic model: on a patient forum swearing is mostly about pain
("this damn pain", "fucking flare"), which a profanity model flags. What breaks clause 4
is swearing or insults *aimed at someone*: a second-person insult, "people like you",
a threat, a slur, contempt for someone's illness. Each pattern is tried with that
context. Measured on tests/moderation/data/respect.tsv (see the note in the README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE | re.MULTILINE

# Words that insult a person. Kept to words that are insults in nearly every use.
_INSULT = (
    r"(?:idiot|idiotic|moron|moronic|imbecile|stupid|dumb|dumbass|dense|clueless|ignorant|"
    r"pathetic|loser|fool|clown|troll|joke|liar|fraud|quack|shill|parasite|scum|trash|"
    r"garbage|disgrace|disgusting|hypochondriac|attention[\s-]?seeker|drama\s+queen|"
    r"crybaby|whiner|snowflake|lunatic|nutcase|psycho|retard(?:ed)?|brainless|halfwit|"
    r"dimwit|twit|jerk|ass(?:hole)?|arse(?:hole)?|dick(?:head)?|prick|bitch|bastard|"
    r"cunt|wanker|tosser|douche(?:bag)?|piece\s+of\s+(?:shit|crap|work)|waste\s+of\s+\w+)"
)
_SPANISH_INSULT = (
    r"(?:idiota|imb[eé]cil|est[uú]pid[oa]|tont[oa]|pendej[oa]|gilipollas|subnormal|"
    r"mentiros[oa]|ignorante|pat[eé]tic[oa]|in[uú]til|payas[oa]|basura|loc[oa])"
)
_ADVERBS = r"(?:(?:and|such|so|really|truly|just|clearly|obviously|a|an|the|total|complete|"
_ADVERBS += r"absolute|utter|fucking|bloody|damn|freaking|f\*+ing|biggest|little|sad)\s+)*"


@dataclass(frozen=True)
class Rule:
    name: str
    weight: float
    pattern: re.Pattern[str]


RULES: tuple[Rule, ...] = (
    Rule(
        "threat",
        0.95,
        re.compile(
            r"\b(?:i(?:'ll|\s+will|\s+am\s+going\s+to|'m\s+gonna|\s+could)|we(?:'ll|\s+will))\s+"
            r"(?:find|hurt|kill|beat|destroy|end|get|come\s+for|punch|slap|ruin)\s+you\b"
            r"|\b(?:hope|wish)\s+you\s+(?:die|suffer|rot|get\s+(?:cancer|worse|hit))\b"
            r"|\byou\s+(?:deserve|should)\s+(?:to\s+)?(?:die|suffer|rot|the\s+pain|be\s+in\s+pain)\b"
            r"|\b(?:go\s+)?kill\s+yourself\b|\bkys\b|\bdrop\s+dead\b"
            r"|\bwatch\s+your\s+back\b|\bi\s+know\s+where\s+you\s+live\b"
            r"|\bojal[aá]\s+te\s+mueras\b|\bte\s+voy\s+a\s+(?:matar|encontrar|buscar)\b"
            r"|\bm[aá]tate\b",
            _I,
        ),
    ),
    Rule(
        "slur",
        0.9,
        # A short list of slurs used against people here (disability, illness); the
        # moderators' watched words catch the rest.
        re.compile(r"\b(?:r[e3\*]tard(?:ed|s)?|spaz|mongoloids?)\b", _I),
    ),
    Rule(
        "insult aimed at someone",
        0.85,
        re.compile(
            r"\b(?:you(?:'re|\s+are|r|\s+r)|u\s+r|ur|you\s+sound\s+like|you\s+must\s+be|"
            r"you\s+seem\s+like|you\s+act\s+like|you|your\s+(?:kind|sort|type))\s+"
            + _ADVERBS
            + _INSULT
            + r"s?\b"
            r"|\b" + _INSULT + r"s?\s+like\s+you\b"
            r"|\bonly\s+an?\s+" + _INSULT + r"\s+would\b"
            r"|\b(?:eres|sois|es\s+usted|qu[eé])\s+(?:un[oa]?\s+|muy\s+|tan\s+)*"
            + _SPANISH_INSULT
            + r"\b"
            r"|\b" + _SPANISH_INSULT + r"s?\s+como\s+t[uú]\b",
            _I,
        ),
    ),
    Rule(
        "swearing at someone",
        0.85,
        re.compile(
            r"\b(?:fuck|screw|f\*+k?|damn|sod)\s+(?:you|u|off|this\s+guy|them)\b"
            r"|\bshut\s+(?:the\s+(?:fuck|hell)\s+)?up\b|\bstfu\b|\bgo\s+to\s+hell\b"
            r"|(?:^|[.!?,]\s*)(?:just\s+|now\s+)?get\s+lost\b|\bpiss\s+off\b|\bbugger\s+off\b|\bfuck(?:ing)?\s+moron\b"
            r"|\bc[aá]llate\b|\bvete\s+a\s+la\s+mierda\b|\bque\s+te\s+jodan\b",
            _I,
        ),
    ),
    Rule(
        "contempt for a person",
        0.75,
        re.compile(
            r"\bpeople\s+like\s+you\b|(?<!thank\s)\byou\s+people\b"
            r"|\b(?:nobody|no\s+one)\s+(?:cares\s+(?:what\s+you|about\s+your)|asked\s+(?:you|for\s+your))\b"
            r"|\b(?:nobody|no\s+one)\s+asked[.!]|\bget\s+a\s+(?:life|brain|clue)\b"
            r"|\byou(?:'re|\s+are)\s+(?:just\s+|obviously\s+|clearly\s+)?(?:faking|making\s+it\s+up|"
            r"lazy|a\s+burden)\b"
            r"|\b(?:it's|its|it\s+is)\s+all\s+in\s+your\s+head\b"
            r"|\b(?:learn\s+to\s+read|can\s+you\s+even\s+read|do\s+you\s+even\s+read)\b"
            r"|\bgo\s+back\s+to\s+(?:school|your\s+cave)\b"
            r"|\buse\s+your\s+brain\b|\b(?:just|please|so)\s+grow\s+up\b|\bcry\s+(?:me\s+a\s+river|more)\b"
            r"|\bgente\s+como\s+t[uú]\b|\bnadie\s+te\s+(?:pregunt[oó]|quiere)\b",
            _I,
        ),
    ),
    Rule(
        "mocking sarcasm",
        0.7,
        re.compile(
            r"\b(?:ok(?:ay)?|sure|wow|well\s+done|congrats|nice\s+(?:one|try|job)|good\s+job|"
            r"bravo)[,!.\s]+(?:\w+\s+){0,4}(?:genius|einstein|sherlock|doctor\s+google|dr\.?\s+google)\b"
            r"|\bgoogle\s+(?:university|degree|phd)\b|\bphd\s+from\s+(?:google|youtube|facebook)\b"
            r"|\bthanks\s+for\s+nothing\b",
            _I,
        ),
    ),
)
# An insult word with nobody named is a weak sign (often self-directed: "I felt so
# stupid"); alone it stays far below any threshold worth holding at.
_LONE_INSULT = re.compile(r"\b" + _INSULT + r"\b", _I)
_LONE_WEIGHT = 0.2


@dataclass(frozen=True)
class Signal:
    score: float
    rule: str = ""
    matched: str = ""

    @property
    def label(self) -> str:
        return f"{self.score:.2f}" + (f" ({self.rule}: “{self.matched}”)" if self.rule else "")


# Quotations (a Markdown blockquote, text in double quotes) repeat someone else's words:
# a member quoting an insult to report or discuss it is not insulting anyone.
_QUOTED = re.compile(r'^\s*>.*$|"[^"\n]*"|“[^”\n]*”', re.MULTILINE)


def score_comment(text: str) -> Signal:
    """The strongest rule that matches, as a score in 0-1 with what matched."""
    unquoted = _QUOTED.sub(" ", text)
    best = Signal(0.0)
    for rule in RULES:
        match = rule.pattern.search(unquoted)
        if match and rule.weight > best.score:
            best = Signal(rule.weight, rule.name, match.group(0).strip()[:120])
    if not best.rule and (lone := _LONE_INSULT.search(unquoted)):
        best = Signal(_LONE_WEIGHT, "insult word", lone.group(0))
    return best
