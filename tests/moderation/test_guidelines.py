"""The guidelines' clauses: every reason a comment can be reported or held cites one."""

from forum.models import ReportReason
from forum.moderation import guidelines, screening


def test_every_report_reason_cites_a_clause():
    assert set(guidelines.REASON_CLAUSE) == set(ReportReason.values)
    assert guidelines.clause_for_reason(ReportReason.PRIVATE_INFO).number == 2


def test_every_automatic_hold_cites_a_clause():
    assert set(guidelines.HOLD_CLAUSE) == set(screening.HOLD_REASONS)
    assert guidelines.clause_for_hold(screening.HOLD_DOSING).number == 3


def test_clauses_are_numbered_from_one_without_gaps():
    numbers = [clause.number for clause in guidelines.CLAUSES]
    assert numbers == list(range(1, len(numbers) + 1))


def test_an_unknown_reason_falls_back_to_the_general_clause():
    assert guidelines.clause_for_reason("no-such-reason").number == 7
    assert guidelines.clause_for_hold("").label.startswith("7. ")
