"""What a reader typed into the search box, made safe to search for.

Both engines (PostgreSQL's text search, SQLite's FTS5) get the same cleaned text and
the same verdict on it, so a bad query answers the same calm way on either: an empty
box shows the form, a query of only common words says so, a very long one is cut
(and says so), quotes that never close read as a phrase to the end, NUL and other
control characters are spaces.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200

# PostgreSQL's English stop words (tsearch_data/english.stop): the words its parser
# drops, dropped here too, so SQLite answers "too common" for the same queries.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()  # noqa: SIM905 - the list as PostgreSQL ships it
)

TOO_LONG = format_lazy(
    _("That search was long: only its first {limit} characters were used."), limit=MAX_QUERY_LENGTH
)
ONLY_COMMON_WORDS = _(
    "Those words are too common to search for. Try a more specific word, "
    "such as a supplement, a symptom or a treatment."
)

# A quoted phrase (a quote that never closes runs to the end), or a run of other text;
# either may start with "-" (leave out).
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase; lower case, no common words
    negated: bool = False
    or_before: bool = False  # joined to the term before by "or" (else by "and")


@dataclass(frozen=True)
class SearchQuery:
    text: str  # what is searched for (and shown back in the box)
    terms: tuple[Term, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def searchable(self) -> bool:
        """At least one word to look for (a search of only exclusions finds nothing)."""
        return any(not term.negated for term in self.terms)


def _clean(raw: str) -> str:
    # Control characters (NUL among them, which PostgreSQL refuses outright) are spaces.
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in raw)
    return " ".join(text.split())


def parse_query(raw: str) -> SearchQuery:
    text = _clean(raw)
    notes: list[str] = []
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        notes.append(str(TOO_LONG))
    terms: list[Term] = []
    or_next = False
    for match in _TOKEN.finditer(text):
        phrase, bare = match.group(2), match.group(4)
        negated = bool(match.group(1) or match.group(3))
        if bare is not None and bare.lower() == "or" and not negated:
            or_next = bool(terms)
            continue
        words = tuple(
            word
            for word in _WORD.findall((phrase if phrase is not None else bare).lower())
            if word not in STOP_WORDS
        )
        if words:
            terms.append(Term(words=words, negated=negated, or_before=or_next and not negated))
        or_next = False
    query = SearchQuery(text=text, terms=tuple(terms), notes=tuple(notes))
    if text and not query.searchable:
        notes.append(str(ONLY_COMMON_WORDS))
        query = SearchQuery(text=text, terms=query.terms, notes=tuple(notes))
    return query


def fts5_expression(query: SearchQuery) -> str:
    """The query in FTS5's syntax: every word quoted (so nothing the reader typed is an
    operator), phrases kept, "or" kept, exclusions applied to the whole."""
    groups: list[list[str]] = []
    for term in query.terms:
        if term.negated:
            continue
        quoted = '"' + " ".join(term.words) + '"'
        if term.or_before and groups:
            groups.append([quoted])
        elif groups:
            groups[-1].append(quoted)
        else:
            groups.append([quoted])
    expression = "(" + " OR ".join("(" + " ".join(group) + ")" for group in groups) + ")"
    for term in query.terms:
        if term.negated:
            expression += ' NOT "' + " ".join(term.words) + '"'
    return expression
