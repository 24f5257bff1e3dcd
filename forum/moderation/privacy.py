"""Private information in a comment before it is posted: phone numbers, email addresses
(also written out, "jane at example dot org"), street addresses, dates of birth, and a
named third person's health ("my sister Ana has lupus", "Dr. Patel told me").

Written for precision: the article's own text, dosages, years, citations, PubMed ids,
public researchers ("Dr. Staud's study") and unnamed relatives ("my mum has fibro too")
must pass. An unnamed relative cannot be recognised, so only a named person counts as a
disclosure. Measured on tests/moderation/data/private_information.tsv.
"""

from __future__ import annotations

import bisect
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
# One run of spaces on each side, brackets optional: "\s*[(]?\s*" would try every split
# of a long run of spaces.
_AT = r"\s*(?:[\(\[{]\s*)?(?:at|arroba)(?:\s*[\)\]}])?\s*"
_DOT = r"\s*(?:[\(\[{]\s*)?(?:dot|punto)(?:\s*[\)\]}])?\s*"
_TLD = r"(?:com|org|net|edu|gov|info|io|es|mx|ar|co|uk|de|fr|it|nl|ca|au)"
# Bounded repeats: "a dot a dot a dot ..." must not backtrack for seconds, and a name
# starts where its run of letters and dots starts ("b.b.b.b..." is read once).
_OBFUSCATED_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,40}(?:" + _DOT + r"[\w-]{1,30}){0,2}" + _AT + r"[\w-]{1,40}"
    r"(?:" + _DOT + r"[\w-]{1,30}){0,2}" + _DOT + _TLD + r"\b",
    _I,
)

# Written out with a space or a real dot, but only where the words around say it is an
# email ("my mail is p r i y a 9 1 at example.org", "contact: sue_h at example. com").
_SAID_EMAIL = re.compile(
    r"(?<!\w)(?:at|arroba)\s+[\w-]{1,40}(?:\s*\.\s*|\s*\b(?:dot|punto)\b\s*|\s+)" + _TLD + r"\b",
    _I,
)
_EMAIL_CONTEXT = re.compile(
    r"\b(?:e-?mail|emial|mail|correo|contact|write|message|drop\s+me|reach\s+me)\b", _I
)
_LAST_WORD = re.compile(r"[\w.+-]+\W*$")

# --- Phone: digit groups with separators (7 to 15 digits), or a run of digits after a
# word that says it is a number. Years ("2019 2020"), dose ranges and ids do not pass
# as phones: see _looks_like_phone.
_PHONE = re.compile(
    r"(?<![\w./:#-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,6}(?:[\s.-]\d{2,6}){1,4}"
    r"(?![\w/]|[.,]\d|\s?(?:mg|mcg|g|iu|ml|%|years?|años)\b)",
    _I,
)
# Digits one by one, or in groups of any size: "0 7 7 0 0 - 9 0 0", "555 - 0 1 7 8".
_SPACED_PHONE = re.compile(
    r"(?<![\w./:#,-])\+?\d(?:[ ()-]{0,3}\d){6,16}(?![\w/]|[.,]\d|\s?(?:mg|mcg|g|iu|ml|%)\b)",
    _I,
)
# Spelled out: "five five five oh one three four", "nine double oh", "plus four four".
_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
    "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip
_DIGIT_WORD = r"(?:" + "|".join(_DIGIT_WORDS) + r"|double|triple|treble|hundred|\d{1,5})"
_SPELLED_PHONE = re.compile(
    r"\b(?:plus[\s-]+)?" + _DIGIT_WORD + r"(?:[\s,()-]{1,3}" + _DIGIT_WORD + r"){5,20}\b", _I
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
_DATE_LIKE = re.compile(r"\d{1,2}([./-])\d{1,2}\1(?:19|20)?\d\d")
_COUNTING = "0123456789 9876543210"  # "one two three four five six seven"
# "o77oo 9oo 4o2", "07700 9OO 482": letters o in a run of digits are zeros.
_O_FOR_ZERO = re.compile(r"\b(?=[oO]*\d)[\doO]+\b")
# A public line is not private: a helpline or charity quoted, or a number that only an
# organisation has (freephone, non-geographic, "1300"), unless the writer says it is theirs.
_PUBLIC_LINE = re.compile(
    r"\b(?:help\s*line|hot\s*line|info\s*line|advice\s*line|support\s*line|crisis|charity|"
    r"charities|samaritans|lifeline|freephone|toll[- ]free|free\s+(?:to\s+call|line|call)|"
    r"website|24/7|24\s+hours|nhs|emergenc(?:y|ies)|official|organi[sz]ation|"
    r"office\s+(?:number|line)|head\s+office|switchboard|reception|enquir(?:y|ies))\b",
    _I,
)
_ORGANISATION_NUMBER = re.compile(
    r"(?:\+?44|0)(?:80[08]|3[0-9]{2}|84[345]|87[01])|(?:\+?61)?1[38]00|\+?1?8(?:00|88|77|66|55|44|33)"
)
_FIRST_PERSON = re.compile(r"\b(?:me|my|mine|i'm|i\s+am|mi|ll[aá]mame)\b", _I)

# --- Street address: a house number, a capitalised street name and a street word, or
# the Spanish "calle/avenida ... número"; or anything after "I live at".
_STREET_WORDS = (
    r"(?i:street|road|avenue|lane|drive|boulevard|court|crescent|close|terrace|place|way|"
    r"gardens|grove|square|walk|row|parade|mews|hill|rise|park|view|wharf|quay|green|vale|"
    r"circle|trail|highway|parkway|chase|croft|gate)|St\.?|Rd\.?|Ave\.?|Ln\.?|Blvd\.?|"
    r"Cres\.?|Pl\.?|Ct\.?|Sq\.?|Gdns\.?|Hwy\.?|Dr\.?(?!\s+[A-Z][a-z])"
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
# A postcode or zip with a house number shortly before it, in any case:
# "9 rosebery road, norwich NR2 4QE", "301 Pinecrest Dr, Boise, ID 83702".
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[a-z]{1,2}\d[a-z\d]?\s\d[a-z]{2}|"
    r"[A-Z]{2}\s+\d{5}(?:-\d{4})?)\b"
)
_HOUSE_NUMBER = re.compile(r"\b\d{1,5}[A-Za-z]?\b,?\s+[^\W\d_]")

# --- Date of birth: a birth word followed closely by a full date.
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
)
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_ORDINAL_UNITS = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
_ORDINAL = (
    r"(?:(?:twenty|thirty)[\s-]?" + _ORDINAL_UNITS + r"|" + _ORDINAL_UNITS + r"|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"twentieth|thirtieth|\d{1,2}(?:st|nd|rd|th)?)"
)
# "1962", "'62", "nineteen sixty-two", "eighty-seven", "two thousand and one".
_SPELLED_YEAR = (
    r"(?:(?:nineteen|twenty)[\s-]+(?:hundred\s+(?:and\s+)?)?(?:"
    + _TENS
    + r"(?:[\s-]"
    + _UNITS
    + r")?|"
    + _TEENS
    + r"|o[\s-]"
    + _UNITS
    + r")|two\s+thousand(?:\s+and)?(?:\s+"
    + _UNITS
    + r"|\s+"
    + _TEENS
    + r")?|"
    + _TENS
    + r"[\s-]"
    + _UNITS
    + r"|"
    + _TENS
    + r")"
)
_YEAR_ANY = r"(?:\d{4}|'\d\d|" + _SPELLED_YEAR + r")"
_HOLIDAY = (
    r"(?:christmas|xmas|new\s+year'?s|boxing|valentine'?s|hallowe'?en|st\.?\s+patrick'?s|"
    r"independence)(?:\s+(?:eve|day))?"
)
_NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
_DATE = (
    r"(?:" + _NUMERIC_DATE + r"|\d{4}-\d{2}-\d{2}"
    r"|(?:the\s+)?"
    + _ORDINAL
    + r"(?:\s+of|\s+de)?\s+"
    + _MONTHS
    + r",?(?:\s+de)?\s+"
    + _YEAR_ANY
    + r"|"
    + _MONTHS
    + r"\s+(?:the\s+)?"
    + _ORDINAL
    + r",?\s+"
    + _YEAR_ANY
    + r"|"
    + _HOLIDAY
    + r",?\s+(?:in\s+|of\s+)?"
    + _YEAR_ANY
    + r")"
)
_BIRTH_DATE = re.compile(
    r"(?:\b(?:born|birthday|b[-.\s]?day|dob|date\s+of\s+birth|birth\s*date|nac[ií]|naci[oó]|"
    r"nacimiento|cumpleaños)\b|\bd\.o\.b\b\.?)[^.\n]{0,25}?\b" + _DATE + r"(?!\d)"
    # "b. 30/1/62", "im a 14.07.58 baby"
    r"|\bb\.\s?" + _NUMERIC_DATE + r"\b"
    r"|\b(?:a|an)\s+" + _NUMERIC_DATE + r"\s+(?:baby|child|kid)\b",
    _I,
)

# --- A named third person with their health, or one's own named doctor.
_RELATIONS = (
    r"(?:sister|sis|sistr|brother|bro|mother|mom|mum|mam|mommy|mummy|father|dad|husband|hubby|"
    r"wife|partner|son|daughter|aunt|auntie|aunty|uncle|cousin|niece|nephew|grandma|"
    r"grandmother|granny|gran|nan|nana|nanna|grandpa|grandad|granddad|grandfather|grandson|"
    r"granddaughter|friend|mate|pal|bestie|neighbou?r|coworker|co-worker|colleague|boss|"
    r"manager|girlfriend|boyfriend|fianc[eé]e?|flatmate|roommate|housemate|lodger|tenant|"
    r"landlord|landlady|twin|eldest|oldest|youngest|kid|child|baby|stepmother|stepfather|"
    r"stepmum|stepmom|stepdad|stepson|stepdaughter|stepsister|stepbrother|ex|ex-husband|"
    r"ex-wife|godson|goddaughter|godmother|godfather|client|student|pupil|carer)"
)
_RELATIVE_ADJECTIVES = (
    r"(?:little|big|older|younger|elder|eldest|oldest|youngest|baby|twin|best|dear|late|"
    r"teenage|adult|old|new|lovely|poor)"
)
_RELACIONES = (
    r"(?:hermana|hermano|madre|mam[aá]|padre|pap[aá]|marido|esposo|esposa|mujer|hijo|hija|"
    r"t[ií]a|t[ií]o|prima|primo|sobrina|sobrino|abuela|abuelo|amiga|amigo|vecina|vecino|"
    r"novia|novio|jefe|jefa|compañera|compañero)"
)
_WORD = r"[^\W\d_][\w'\u2019-]*"
# "my sister Jane", "our son, Liam,", "my friend from church, Eileen", "my friend named Paul"
_MY_RELATIVE = re.compile(
    r"\b(?:(?i:my|our)\s+(?:(?i:"
    + _RELATIVE_ADJECTIVES
    + r")\s+){0,2}(?i:"
    + _RELATIONS
    + r")(?i:[\s-]in[\s-]law|s)?(?:'s\s+(?i:"
    + _RELATIONS
    + r"))?"
    r"(?:\s+(?i:from|at|in)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+(?=,))?"
    r"|(?i:mi|nuestra|nuestro)\s+(?i:" + _RELACIONES + r"))"
    r",?\s+(?:(?i:named|called)\s+)?(?P<name>" + _WORD + r")"
)
# "Aunt Rosalind", "grandad Alf".
_TITLED_RELATIVE = re.compile(
    r"\b(?i:aunt|auntie|aunty|uncle|grandad|granddad|grandpa|grandma|granny|gran|nana|nan|"
    r"nanna|cousin)\s+(?P<name>[A-ZÀ-Ý][\w'\u2019-]+)"
)
# Said after the name: "Sarah (my sister)", "Sophie from my yoga class", "jo next door".
_PAREN_RELATIVE = re.compile(r"(?<!\s)\s*\((?i:my|our)\s+(?i:" + _RELATIONS + r")\b[^()\n]{0,20}\)")
# (?<!\s): a match starts where the spaces start, so a long run of them is read once.
_FROM_MY_GROUP = re.compile(
    r"(?<!\s)\s+(?i:from|at|in)\s+(?i:my|our)\s+(?:[\w'-]+\s+){0,2}?(?i:class|group|church|work|"
    r"office|school|college|uni|university|gym|team|club|choir|course|job|ward|street|road|"
    r"block|building|village|estate|parish|nursery|playgroup)\b"
)
_NEXT_DOOR = re.compile(r"(?<!\s)\s+(?i:next\s+door)\b")
# "colleague of mine, dave,"
_OF_MINE = re.compile(r"(?<!\s)\s+(?i:of\s+(?:mine|ours)),\s+(?P<name>" + _WORD + r"),")
_WORD_BEFORE = re.compile(r"(?<![\w'\u2019-])" + _WORD + r"$")
_RELATION = re.compile(r"(?i:" + _RELATIONS + r")")
# Words that cannot be a name right after "my sister" or "doctor": "my sister also has",
# "the doctor said", "my doctor is great", "Doctor Who".
_NOT_NAME_WORDS = """
    a an the of in at on with for to from by as if but so or and nor because when while
    since until after before about into over than then that this these those there here
    which what where who whom whose why how i me my we us our you your he him his she her
    they them their it its one someone somebody anyone anybody everyone everybody nobody
    people others all most many some half lots both each every either neither no not yes
    also too still now just really actually always never already recently finally probably
    apparently definitely literally sometimes often even only mostly usually nearly again
    once twice today tomorrow yesterday tonight last next soon later currently eventually
    is was were are am be been being has had have having do does did done can could will
    would should shall might may must don't doesn't didn't isn't wasn't can't won't hasn't
    hadn't couldn't wouldn't shouldn't says said say tells told tell thinks thought think
    wants wanted want needs needed gave gives give put puts sent sends referred refers
    diagnosed examined checked ordered upped lowered changed increased reduced took takes
    take agreed recommended recommends suggested suggests asked asks explained explains
    listened listens laughed refused refuses reckons believes believed knows knew seems
    seemed feels felt keeps kept went goes came comes found finds tried tries used uses
    swears swore works worked lives lived started starts began begins became becomes
    mentioned mentions read reads showed shows helped helps loves loved hates hated likes
    liked got gets get suffers struggles passed died ended let lets made makes sees saw
    friend friends mate colleague appointment appointments appt visit visits office surgery
    clinic note notes letter letters practitioner practitioners assistant receptionist
    advice orders training degree who's that's there's lady man woman guy girl boy bloke
    couple family kids folks neighbour neighbours neighbor neighbors house flat home
    two three four five six seven eight nine ten dr doctor nurse prof professor google
    también tambien ya aún aun todavía siempre nunca que se le lo la el los las y no sí si
    solo sólo es está esta era fue ha tiene tenía toma dice dijo de del en con por para
    ahora hoy ayer luego antes después mucho muy bastante casi realmente
    i've i'm i'd i'll you're you've he's she's they're we're herself himself themselves
    number no so-and-so whatshisname whatshername whoever something"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_HEALTH_CORE = (
    r"(?:(?:has|had|have)(?!\s+(?:\w+ed|been|read|sent|written|shown|seen|found|given|done|"
    r"made|told|said|got|taken|bought|left|gone|come|become|always|never|just|also)\b)|"
    r"got|gets|developed|caught|suffer\w*|struggl\w*|battl\w*|fight\w*\s+(?:cancer|for)|"
    r"li(?:ves|ving|ved)\s+with|deal\w*\s+with|takes|took|is\s+on|was\s+on|drinks|"
    r"tried\s+to|attempted|overdosed|died|passed\s+away|diagnosed|"
    r"told\s+(?:she|he|they)\s+(?:has|had|have)|sectioned|admitted|hospitali[sz]ed|rushed|"
    r"prescribed|referred|treated|put\s+on|signed\s+off|off\s+(?:sick|work|with)|in\s+(?:hospital|rehab|"
    r"therapy|a\s+wheelchair|intensive\s+care|icu|a&e|remission|a\s+coma)|pregnant|bipolar|"
    r"autistic|depressed|anorexic|diabetic|epileptic|suicidal|disabled|bedbound|housebound|"
    r"(?:an?\s+)?(?:alcoholic|addict|amputee|diabetic|epileptic)|"
    r"terminal\w*|dying|ill|sick|unwell|recovering|self[- ]?harm\w*|"
    r"(?:hiv|covid|ana|brca\d?|cancer)[\s-]+positive|tested\s+positive|"
    r"tiene|ten[ií]a|sufre|padece|toma|tom[oó]|est[aá]\s+(?:embarazada|en\s+tratamiento)|"
    r"fue\s+diagnosticad[ao]|le\s+diagnosticaron)"
)
_HEALTH_NOUN = (
    r"(?:fibro\w*|lupus|ms|cfs|copd|asthma|arthritis|crohn'?s|colitis|ibs|ibd|migraines?|"
    r"epilep\w+|seizures?|adhd|autis\w+|cancer|tumou?r|leuk\w*mia|lymphoma|chemo\w*|"
    r"radiotherapy|diabet\w+|dementia|alzheimer'?s|parkinson'?s|depression|anxiety|bipolar|"
    r"schizophreni\w+|psychosis|anorexia|bulimia|eating\s+disorder|ocd|ptsd|addiction|"
    r"alcoholism|overdose|suicid\w+|self[- ]?harm\w*|hiv|aids|hepatitis|stroke|"
    r"heart\s+attack|dialysis|transplant|miscarriage|pregnancy|endometriosis|pcos|"
    r"sickle\s+cell|cystic\s+fibrosis|long\s+covid|diagnosis|meds|medication|symptoms|"
    r"illness|disease|disorder|syndrome|insulin|"
    r"antidepressants?|painkillers?|enfermedad|depresi[oó]n|ansiedad|c[aá]ncer)"
)
# What may stand between the name and the health words: "(16)", ", who", "was just".
_HEALTH_AFTER_NAME = re.compile(
    r"(?:\s*\([^()\n]{0,30}\))?,?\s*(?:(?:who|that|was|were|is|got|been|has|had|have|gets|just|"
    r"also|recently|finally|now|still|too|already|actually|really|apparently|only|even|"
    r"currently|then|both|sadly|suddenly|since)\s+){0,3}?" + _HEALTH_CORE + r"\b"
    r"|'s\s+(?:[\w-]+\s+){0,2}?" + _HEALTH_NOUN + r"\b",
    _I,
)
# Further on in the sentence, tied to the person: "Gwen, who swears by it for her MS".
_HEALTH_NEARBY = re.compile(
    r"[^.!?\n]{0,60}?\b(?:she|he|they|who|his|her|their|has|had|have|is|was|with)\b"
    r"[^.!?\n]{0,30}?\b" + _HEALTH_NOUN + r"\b",
    _I,
)
_NEXT_NAME = re.compile(r"\s+[A-ZÀ-Ý][\w'\u2019-]+")
_NEXT_LOWER_NAME = re.compile(r"\s+[a-zß-ÿ][\w'\u2019-]+")

# The doctor: a title and a name, in any case ("dr.chaudhry", "doctor lopez", "Dr Hannah
# Lowe"), who is one's own: named after "my GP", "saw", "asked", "under", or saying
# something to or about the writer in the same clause ("told me", "said my", "put me on").
# A researcher ("Dr. Staud's study", "Dr Harris at Michigan did the glutamate studies")
# says nothing to the writer.
_DOCTOR = re.compile(
    r"\b(?i:dr|dra|doctor|doctora|doc|prof|professor|profesor|profesora|nurse)"
    r"(?:\.\s*|\s+)(?P<name>" + _WORD + r")"
)
_OWN_DOCTOR_BEFORE = re.compile(
    r"(?:\b(?:my|our)\s+(?:[\w-]+\s+){0,2}?(?:gp|pcp|doc|doctor|rheumy|consultant|specialist|"
    r"physio|surgeon|nurse|locum|registrar|endo|gastro|neuro|psych|therapist|counsell?or|"
    r"dentist|midwife|\w*olog(?:ist|y)|\w*iatrist|\w*ician|m[eé]dic[oa]|reumat[oó]log[oa])"
    r"\b(?:\s+(?:is|was|now))?[\s,(-]*|\b(?:saw|seeing|seen\s+by|(?:to|go|went|going|gonna|will|can)\s+see|"
    r"visit(?:ed|ing)?|asked|under|(?:appointment|appt|review|consultation|session|"
    r"follow[- ]up|call)\s+with|referred\s+(?:me\s+)?to|booked\s+(?:in\s+)?with)\s+"
    r"(?:(?:a|the|my)\s+)?)$",
    _I,
)
# A word _OWN_DOCTOR_BEFORE needs, found once for the whole text.
_OWN_DOCTOR_CUE = re.compile(r"\b(?:my|our|saw|seeing|seen|see|visit\w*|asked|under|with|to)\b", _I)
_NOT_IN_PERSON = re.compile(
    r"\W*(?:on|in)\s+(?:tv|telly|television|youtube|a\s+podcast|the\s+news)", _I
)
_SENTENCE_END = re.compile(r"[!?;]|(?<!\b[Ss]t)(?<!\b[DdMm]r)\.(?=\s|$)|\n\s*\n")
_CLAUSE_BREAK = re.compile(r",|\b(?:but|though|although|whereas|however|while|except)\b", _I)
# What the doctor did to or said about the writer: "told me", "upped my", "said i have".
# Not the writer's view of a researcher: "in my opinion", "my favourite", "I think".
_ABOUT_THE_WRITER = re.compile(
    r"\b(?:me|mi|mis|myself|i'm|i've|i'd|"
    r"my(?!\s+(?:opinion|view|humble|experience|eyes|favou?rite|reading|understanding|mind)\b)|"
    r"i(?=\s+(?:have|had|need|needed|should|must|am|was|could|can|might|may|do|don't|didn't|"
    r"wasn't|will|would|wouldn't|shouldn't|probably|definitely|only|also|just|still)\b))\b",
    _I,
)
# Their work between the name and "me" is what helped: "Dr Liptan wrote a book that
# helped me", "Dr Younger's research gives me hope".
_THEIR_WORK = re.compile(
    r"\b(?:books?|study|studies|papers?|articles?|research|work|videos?|podcasts?|talks?|"
    r"lectures?|blogs?|website|trials?|reviews?|interviews?|webinars?|channel|youtube|tv)\b",
    _I,
)
_IN_SAME_CLAUSE = re.compile(r"\s*(?:and\s+)?(?:he|she|they|who)\b", _I)
_AUTHORS = re.compile(r"\s+(?:et\s+al|and\s+(?:colleagues|co-?workers))\b", _I)
_POSSESSIVE = ("'s", "\u2019s")
# Where written-out emails hide real words ("meet at noon dot"), keep to a name.
_TRAILING = " .,;:!?)("


def _looks_like_phone(text: str, match: re.Match) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    if not 7 <= len(digits) <= 15 or _DATE_LIKE.fullmatch(match.group(0)):
        return False  # "14.07.2018" is a date
    groups = re.findall(r"\d+", match.group(0))
    if all(_YEAR.fullmatch(group) for group in groups):
        return False  # "2019 2020", "1998-2004"
    before = text[max(0, match.start() - 25) : match.start()]
    if _CITATION_CONTEXT.search(before):
        return False
    context = bool(_PHONE_CONTEXT.search(before))
    if _YEAR.fullmatch(groups[0]) and not context:
        return False  # a citation: "Clin Rheumatol 2019 38 1123 1130"
    # "12 3456 7890" is a phone; "400 600 800" (three small groups, no context) is not,
    # but digits spaced out one by one are: "0 7 7 0 0 - 9 0 0 - 1 2 3".
    small = all(len(group) <= 3 for group in groups)
    spaced = len(digits) >= 9 and sum(len(group) == 1 for group in groups) >= 5
    return not small or context or spaced


def _is_public_line(text: str, start: int, end: int) -> bool:
    """A helpline or an organisation's number quoted for others, not the writer's own."""
    around = text[max(0, start - 40) : min(len(text), end + 30)]
    if _FIRST_PERSON.search(around):
        return False
    digits = re.sub(r"[^\d+]", "", text[start:end])
    return bool(_PUBLIC_LINE.search(around) or _ORGANISATION_NUMBER.match(digits))


def _spelled_digits(words: str) -> str:
    digits = ""
    repeat = 1
    for word in re.findall(r"\w+", words.lower()):
        if word in ("double", "treble", "triple"):
            repeat = 2 if word == "double" else 3
            continue
        if word == "hundred":
            digits += "00"
        elif word.isdigit():
            digits += word * repeat
        elif word in _DIGIT_WORDS:
            digits += _DIGIT_WORDS[word] * repeat
        repeat = 1
    return digits


def _phones(text: str) -> list[re.Match]:
    zeros = _O_FOR_ZERO.sub(lambda m: m.group(0).replace("o", "0").replace("O", "0"), text)
    found = [m for m in _PHONE.finditer(zeros) if _looks_like_phone(zeros, m)]
    found += [m for m in _SPACED_PHONE.finditer(zeros) if _looks_like_phone(zeros, m)]
    for match in _BARE_DIGITS.finditer(zeros):
        before = zeros[max(0, match.start() - 25) : match.start()]
        if _PHONE_CONTEXT.search(before) and not _CITATION_CONTEXT.search(before):
            found.append(match)
    for match in _SPELLED_PHONE.finditer(text):
        if not re.search(r"[^\d\W]", match.group(0).replace("plus", "")):
            continue  # digits only: the patterns above judge them
        digits = _spelled_digits(match.group(0))
        if 7 <= len(digits) <= 15 and digits not in _COUNTING:
            found.append(match)
    return [m for m in found if not _is_public_line(text, m.start(), m.end())]


def _said_emails(text: str) -> list[Finding]:
    found = []
    for match in _SAID_EMAIL.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        if not _EMAIL_CONTEXT.search(before):
            continue
        word = _LAST_WORD.search(before)
        start = match.start() - len(word.group(0)) if word else match.start()
        found.append(Finding("email", start, match.end(), text[start : match.end()]))
    return found


def _postcode_addresses(text: str) -> list[Finding]:
    found = []
    for match in _POSTCODE.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        house = _HOUSE_NUMBER.search(before)
        if house and not re.search(r"[.!?\n]", before[house.start() :]):
            start = match.start() - len(before) + house.start()
            found.append(Finding("address", start, match.end(), text[start : match.end()]))
    return found


def _is_name(word: str) -> bool:
    """Not a common word: "my kid sister has", "my mum sadly has", "the doctor i saw"."""
    lower = word.lower().strip("'\u2019")
    return not (
        lower in _NOT_NAMES
        or _RELATION.fullmatch(lower)
        or (word.islower() and word.endswith("ly"))
    )


def _word_before(text: str, position: int) -> re.Match | None:
    start = max(0, position - 30)
    word = _WORD_BEFORE.search(text[start:position])
    return word and _WORD_BEFORE.match(text, start + word.start(), position)


def _named_people(text: str) -> Iterable[tuple[int, str, int, bool]]:
    """Each named person: where the mention starts, the name, where the words about them
    start, and whether the name is sure enough to look further for their health."""
    for match in [*_MY_RELATIVE.finditer(text), *_TITLED_RELATIVE.finditer(text)]:
        name = match.group("name")
        end = match.end()
        if name.endswith(_POSSESSIVE):  # "my son Leo's epilepsy"
            name, end = name[:-2], end - 2
        more = _NEXT_NAME.match(text, end) if name[0].isupper() else None
        if more and _is_name(more.group(0).strip()):
            end = more.end()  # "my friend Karen Whitlock"
        yield match.start(), name, end, name[0].isupper()
    for marker, sure in ((_PAREN_RELATIVE, True), (_FROM_MY_GROUP, True), (_NEXT_DOOR, False)):
        for match in marker.finditer(text):
            word = _word_before(text, match.start())
            if word and (word.group(0)[0].isupper() or not sure):
                yield word.start(), word.group(0), match.end(), sure
    for match in _OF_MINE.finditer(text):
        word = _word_before(text, match.start())
        if word and _RELATION.fullmatch(word.group(0)):
            yield word.start(), match.group("name"), match.end(), True


def _third_party(text: str) -> list[Finding]:
    found = []
    for start, name, end, sure in _named_people(text):
        if not _is_name(name):
            continue
        health = _HEALTH_AFTER_NAME.match(text, end)
        if not health and sure:
            health = _HEALTH_NEARBY.match(text, end)
        if health:
            found.append(Finding("third_party", start, health.end(), text[start : health.end()]))
    return found


def _speaks_to_the_writer(text: str, end: int, writer_at: list[int]) -> int | None:
    """Where "me", "my" or "I" ends in the doctor's clause after the name, if it does."""
    first = bisect.bisect_left(writer_at, end)
    if first == len(writer_at) or writer_at[first] >= end + 100:
        return None  # no "me", "my", "I" near
    writer = _ABOUT_THE_WRITER.match(text, writer_at[first])
    if writer is None:  # the positions are its own matches': never, but say so
        return None
    if _SENTENCE_END.search(text, end, writer.start()):
        return None
    if _THEIR_WORK.search(text, end, writer.start()):
        return None
    # "Dr Hughes, refused me" or ", she listened to me" go on; "but I", ", trust me" do not.
    for clause_break in _CLAUSE_BREAK.finditer(text, end, writer.start()):
        if clause_break.group(0) != ",":
            return None
        said = text[end : clause_break.start()].strip()
        if said and not _IN_SAME_CLAUSE.match(text, clause_break.end()):
            return None
    return writer.end()


def _doctors(text: str) -> list[Finding]:
    found = []
    writer_at = [m.start() for m in _ABOUT_THE_WRITER.finditer(text)]
    cue_at = [m.start() for m in _OWN_DOCTOR_CUE.finditer(text)]
    for match in _DOCTOR.finditer(text):
        name = match.group("name")
        if not _is_name(name) or name.endswith(_POSSESSIVE) or _AUTHORS.match(text, match.end()):
            continue  # "Dr. Staud's study", "Dr. Staud et al."
        if match.group(0).islower() and not match.group(0).startswith("dr") and name.endswith("ed"):
            continue  # "the doctor insisted": "doctor" and "nurse" are also common nouns
        end = match.end()
        more = (_NEXT_NAME if name[0].isupper() else _NEXT_LOWER_NAME).match(text, end)
        if more and _is_name(more.group(0).strip()):
            if more.group(0).endswith(_POSSESSIVE) or _AUTHORS.match(text, more.end()):
                continue
            end = more.end()
        start = match.start()
        near = bisect.bisect_left(cue_at, start - 45) < bisect.bisect_left(cue_at, start)
        if (
            near
            and _OWN_DOCTOR_BEFORE.search(text[max(0, start - 45) : start])
            and not _NOT_IN_PERSON.match(text, end)
        ):
            found.append(Finding("third_party", match.start(), end, text[match.start() : end]))
        elif (stop_at := _speaks_to_the_writer(text, end, writer_at)) is not None:
            found.append(
                Finding("third_party", match.start(), stop_at, text[match.start() : stop_at])
            )
    return found


def _findings(kind: str, matches: Iterable[re.Match], group: int = 0) -> list[Finding]:
    return [
        Finding(kind, m.start(group), m.end(group), m.group(group).rstrip(_TRAILING))
        for m in matches
    ]


def find_private_information(text: str) -> list[Finding]:
    """What in the text looks like private information, in order, never overlapping."""
    streets = list(_ADDRESS.finditer(text))
    said = [
        m
        for m in _SAID_ADDRESS.finditer(text)
        if not any(s.start() < m.end(1) and m.start(1) < s.end() for s in streets)
    ]
    found = [
        *_findings("email", _EMAIL.finditer(text)),
        *_findings("email", _OBFUSCATED_EMAIL.finditer(text)),
        *_said_emails(text),
        *_findings("phone", _phones(text)),
        *_findings("address", streets),
        *_findings("address", said, group=1),
        *_postcode_addresses(text),
        *_findings("birth_date", _BIRTH_DATE.finditer(text)),
        *_third_party(text),
        *_doctors(text),
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
