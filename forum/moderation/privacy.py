"""Private information in a comment before it is posted: phone numbers, email addresses
(also written out, "jane at example dot org"), street addresses, dates of birth, and a
named third person's health ("my sister Ana has lupus", "Dr. Patel told me").

Written for precision: the article's own text, dosages, years, citations, PubMed ids,
public researchers ("Dr. Staud's study") and unnamed relatives ("my mum has fibro too")
must pass. An unnamed relative cannot be recognised, so only a named person counts as a
disclosure. Measured on tests/moderation/data/private_information.tsv.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.rendering import marked_spans

_I = re.IGNORECASE


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KIND_LABELS
    start: int
    end: int
    text: str


KIND_LABELS = {
    "phone": _("a phone number"),
    "email": _("an email address"),
    "address": _("a street address"),
    "birth_date": _("a date of birth"),
    "third_party": _("someone else's name with their health"),
}

# --- Email: plain, or written out with "at" and "dot" (also "arroba", "punto").
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_AT = r"\s*[\(\[{]?\s*(?:at|arroba)\s*[\)\]}]?\s*"
_DOT = r"\s*[\(\[{]?\s*(?:dot|punto)\s*[\)\]}]?\s*"
_TLD = r"(?:com|org|net|edu|gov|info|io|es|mx|ar|co|uk|de|fr|it|nl|ca|au)"
# Bounded repeats: "a dot a dot a dot ..." must not backtrack for seconds.
_OBFUSCATED_EMAIL = re.compile(
    r"\b[\w.+-]{1,40}(?:" + _DOT + r"[\w-]{1,30}){0,2}" + _AT + r"[\w-]{1,40}"
    r"(?:" + _DOT + r"[\w-]{1,30}){0,2}" + _DOT + _TLD + r"\b",
    _I,
)

# --- Phone: digit groups with separators (7 to 15 digits), or a run of digits after a
# word that says it is a number. Years ("2019 2020"), dose ranges and ids do not pass
# as phones: see _looks_like_phone.
_PHONE = re.compile(
    r"(?<![\w./:#-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,6}(?:[\s.-]\d{2,6}){1,4}"
    r"(?![\w/]|[.,]\d|\s?(?:mg|mcg|g|iu|ml|%|years?|años)\b)",
    _I,
)
_PHONE_CONTEXT = re.compile(
    r"\b(?:call|ring|text|phone|tel|telephone|mobile|cell|whats\s?app|number|no\.|"
    r"reach\s+me|contact\s+me|llama(?:me)?|llámame|tel[eé]fono|m[oó]vil|n[uú]mero)\b"
    r"(?:\W+\w{1,4}){0,3}\W*$",
    _I,
)
_BARE_DIGITS = re.compile(r"(?<![\w.])\+?\d{7,15}(?![\w.])")
_CITATION_CONTEXT = re.compile(
    r"\b(?:pmid|pubmed|doi|pmc|isbn|issn|vol(?:ume)?|pp?\.|pages?|id|ref(?:erence)?)[\W\d]{0,20}$",
    _I,
)
_YEAR = re.compile(r"(?:19|20)\d\d")

# --- Street address: a house number, a capitalised street name and a street word, or
# the Spanish "calle/avenida ... número"; or anything after "I live at".
_STREET_WORDS = (
    r"(?i:street|road|avenue|lane|drive|boulevard|court|crescent|close|terrace|place|way|"
    r"gardens|grove|square)|St\.?|Rd\.?|Ave\.?|Ln\.?|Blvd\.?"
)
_ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'-]+\s+){1,3}(?:" + _STREET_WORDS + r")(?!\w)"
    r"|\b(?i:calle|c/|avenida|avda\.?|plaza|paseo|carrer)\s+(?:de\s+(?:la\s+|los\s+)?)?"
    r"[A-ZÁÉÍÓÚÑ][\w'-]+(?:\s+[\w'-]+){0,3}?,?\s*(?i:n[º°o]\.?\s*)?\d{1,4}\b"
)
# Lower case after words that say it is an address ("i live at 5 rose gardens").
_SAID_ADDRESS = re.compile(
    r"\b(?:i\s+live\s+at|my\s+address\s+is|address:)\s+(\d{1,5}[a-z]?\s+[a-z]+(?:\s+[a-z]+){0,2})",
    _I,
)

# --- Date of birth: a birth word followed closely by a full date.
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?(?:\s+of|\s+de)?\s+" + _MONTHS + r",?(?:\s+de)?\s+\d{4}"
    r"|" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
_BIRTH_DATE = re.compile(
    r"(?:\b(?:born|birthday|b[-.\s]?day|dob|date\s+of\s+birth|nac[ií]|naci[oó]|"
    r"nacimiento|cumpleaños)\b|\bd\.o\.b\b\.?)[^.\n]{0,25}?" + _DATE,
    _I,
)

# --- A named third person with their health, or one's own named doctor.
_RELATIONS = (
    r"(?:sister|sis|sistr|brother|bro|mother|mom|mum|mam|mommy|father|dad|husband|hubby|wife|"
    r"partner|son|daughter|aunt|uncle|cousin|niece|nephew|grandma|grandmother|granny|"
    r"grandpa|grandfather|friend|best\s+friend|neighbou?r|coworker|co-worker|colleague|boss|"
    r"girlfriend|boyfriend|fianc[eé]e?|flatmate|roommate|stepmother|stepfather)"
)
_RELACIONES = (
    r"(?:hermana|hermano|madre|mam[aá]|padre|pap[aá]|marido|esposo|esposa|mujer|hijo|hija|"
    r"t[ií]a|t[ií]o|prima|primo|sobrina|sobrino|abuela|abuelo|amiga|amigo|vecina|vecino|"
    r"novia|novio|jefe|jefa|compañera|compañero)"
)
_NAME = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)?"
_HEALTH = (
    r"(?:has|had|have|was\s+diagnosed|is\s+diagnosed|got\s+diagnosed|suffers|suffered|takes|"
    r"took|is\s+on|was\s+on|lives\s+with|struggles|battles|is\s+bipolar|is\s+pregnant|"
    r"tried\s+to|attempted|is\s+in\s+(?:hospital|rehab|therapy)|"
    r"tiene|ten[ií]a|sufre|padece|toma|tom[oó]|est[aá]\s+(?:embarazada|en\s+tratamiento)|"
    r"fue\s+diagnosticad[ao]|le\s+diagnosticaron)"
)
_THIRD_PARTY = re.compile(
    r"\b(?i:my|our)\s+(?i:"
    + _RELATIONS
    + r")(?:'s)?,?\s+(?:(?i:named|called)\s+)?"
    + _NAME
    + r",?\s+(?i:"
    + _HEALTH
    + r")\b"
    r"|\b(?i:mi|nuestra|nuestro)\s+(?i:"
    + _RELACIONES
    + r"),?\s+"
    + _NAME
    + r",?\s+(?i:"
    + _HEALTH
    + r")\b"
)
_DOCTOR = re.compile(
    r"\b(?:Dr|Dra|Doctor|Doctora|Prof|Nurse)\.?\s+"
    + _NAME
    + r"(?!'s\b|\s+et\s+al)[,\s]+(?i:(?:also\s+|just\s+|then\s+)?(?:told|said\s+to|diagnosed|"
    r"prescribed|gave|put|sent|referred|examined|treated|saw|changed|upped|lowered|"
    r"wants|thinks|says\s+i|me\s+(?:dijo|recet[oó]|diagnostic[oó]|mand[oó]))\b\s*(?:me|my|him|her|"
    r"us|that|i|a|on|to)?\b)",
)
# Where written-out emails hide real words ("meet at noon dot"), keep to a name.
_TRAILING = " .,;:!?)("


def _looks_like_phone(text: str, match: re.Match) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    if not 7 <= len(digits) <= 15:
        return False
    groups = re.findall(r"\d+", match.group(0))
    if all(_YEAR.fullmatch(group) for group in groups):
        return False  # "2019 2020", "1998-2004"
    before = text[max(0, match.start() - 25) : match.start()]
    if _CITATION_CONTEXT.search(before):
        return False
    context = bool(_PHONE_CONTEXT.search(before))
    if _YEAR.fullmatch(groups[0]) and not context:
        return False  # a citation: "Clin Rheumatol 2019 38 1123 1130"
    # "12 3456 7890" is a phone; "400 600 800" (three small groups, no context) is not.
    small = all(len(group) <= 3 for group in groups)
    return not small or context


def _findings(kind: str, matches: Iterable[re.Match], group: int = 0) -> list[Finding]:
    return [
        Finding(kind, m.start(group), m.end(group), m.group(group).rstrip(_TRAILING))
        for m in matches
    ]


def find_private_information(text: str) -> list[Finding]:
    """What in the text looks like private information, in order, never overlapping."""
    phones = [m for m in _PHONE.finditer(text) if _looks_like_phone(text, m)]
    numbers = []
    for match in _BARE_DIGITS.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        if _PHONE_CONTEXT.search(before) and not _CITATION_CONTEXT.search(before):
            numbers.append(match)
    streets = list(_ADDRESS.finditer(text))
    said = [
        m
        for m in _SAID_ADDRESS.finditer(text)
        if not any(s.start() < m.end(1) and m.start(1) < s.end() for s in streets)
    ]
    found = [
        *_findings("email", _EMAIL.finditer(text)),
        *_findings("email", _OBFUSCATED_EMAIL.finditer(text)),
        *_findings("phone", phones),
        *_findings("phone", numbers),
        *_findings("address", streets),
        *_findings("address", said, group=1),
        *_findings("birth_date", _BIRTH_DATE.finditer(text)),
        *_findings("third_party", _THIRD_PARTY.finditer(text)),
        *_findings("third_party", _DOCTOR.finditer(text)),
    ]
    found.sort(key=lambda finding: (finding.start, -finding.end))
    kept: list[Finding] = []
    for finding in found:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def describe(findings: list[Finding]) -> str:
    """ "a phone number and an email address": what the prompt names."""
    labels = list(dict.fromkeys(str(KIND_LABELS[finding.kind]) for finding in findings))
    if len(labels) <= 1:
        return "".join(labels)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(labels[:-1]), "last": labels[-1]}


def privacy_prompt(findings: list[Finding]) -> str:
    return gettext(
        "Your comment seems to include %(found)s (marked below). Everyone can "
        "read this discussion, so please think about whether you, or the person you "
        "mention, would be happy for it to be public. You can change your text, or post "
        "it as it is: then a moderator reads it before anyone else sees it."
    ) % {"found": describe(findings)}


@dataclass(frozen=True)
class PrivacyFindings:
    """What the composer's prompt shows: what was found, and the text with it marked."""

    summary: str
    marked: SafeString


def privacy_findings_for(text: str) -> PrivacyFindings | None:
    findings = find_private_information(text)
    if not findings:
        return None
    return PrivacyFindings(
        summary=describe(findings),
        marked=marked_spans(text, [(finding.start, finding.end) for finding in findings]),
    )
