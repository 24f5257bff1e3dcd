"""The community guidelines' numbered clauses: what "authentic and respectful" means here.

Every restriction cites one of these clauses in its statement of reasons (DSA Art. 17),
every report reason maps to one, and so does every automatic hold. The numbers are part
of the product's record: statements already sent quote them, so a clause is never
renumbered; a new one takes the next number. The page at /guidelines/ shows the
editors' current wording of the guidelines beside these clauses.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from forum.models import ReportReason
from forum.moderation import screening


@dataclass(frozen=True)
class Clause:
    number: int
    title: str | Promise
    summary: str | Promise

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


CLAUSES: tuple[Clause, ...] = (
    Clause(
        1,
        _("Look after each other"),
        _(
            "Posts that speak of self-harm or of not wanting to live are met with support. "
            "They are not punished, but a moderator may limit who sees them while a person "
            "reaches out."
        ),
    ),
    Clause(
        2,
        _("Keep health information private"),
        _(
            "Share your own experience if you wish, never someone else's: no names, "
            "contact details, addresses or dates of birth of other people, and none of your "
            "own contact details."
        ),
    ),
    Clause(
        3,
        _("No dosing advice or dangerous claims"),
        _(
            "Say what you took and what happened to you; do not tell others what or how "
            "much to take, and do not present a treatment as proven when the evidence says "
            "otherwise. Decisions about treatment belong with a clinician."
        ),
    ),
    Clause(
        4,
        _("Be respectful"),
        _(
            "Disagree with ideas, not people: no insults, harassment, threats, or "
            "contempt for anyone's illness, identity or choices."
        ),
    ),
    Clause(
        5,
        _("Be authentic"),
        _(
            "Write as yourself and in good faith: no impersonation, no undisclosed "
            "commercial interest, no spam, no several accounts."
        ),
    ),
    Clause(
        6,
        _("Stay on topic"),
        _("Keep to the article and the experience of living with the condition."),
    ),
    Clause(
        7,
        _("Follow the law and these rules' spirit"),
        _(
            "Nothing illegal, and nothing that works around a moderator's decision. "
            "Moderators may act on what harms the community even when no clause names it."
        ),
    ),
)

BY_NUMBER = {clause.number: clause for clause in CLAUSES}

# Each report reason is a breach of one clause; the report forms and the queue say which.
REASON_CLAUSE: dict[str, int] = {
    ReportReason.CRISIS: 1,
    ReportReason.PRIVATE_INFO: 2,
    ReportReason.MEDICAL_HARM: 3,
    ReportReason.HARASSMENT: 4,
    ReportReason.INAUTHENTIC: 5,
    ReportReason.OFF_TOPIC: 6,
    ReportReason.OTHER: 7,
}

# Automatic holds at posting time (forum/moderation/screening.py) cite a clause too; holds
# that are about the member or the article rather than the text cite clause 7.
HOLD_CLAUSE: dict[str, int] = {
    screening.HOLD_WATCHED_WORD: 4,
    screening.HOLD_DOSING: 3,
    screening.HOLD_NEW_MEMBER: 5,
    screening.HOLD_REMOVALS: 7,
    screening.HOLD_ARTICLE: 7,
    screening.HOLD_CATEGORY: 7,
    screening.HOLD_EDITED: 7,
    screening.HOLD_PRIVATE: 2,
    screening.HOLD_DISRESPECT: 4,
}


def clause_for_reason(reason: str) -> Clause:
    """The clause a report reason (or a removal reason) relies on; unknown → clause 7."""
    return BY_NUMBER[REASON_CLAUSE.get(reason, 7)]


def clause_for_hold(hold_reason: str) -> Clause:
    """The clause an automatic hold relies on; unknown → clause 7."""
    return BY_NUMBER[HOLD_CLAUSE.get(hold_reason, 7)]
