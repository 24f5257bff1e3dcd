"""Statements of reasons (DSA Art. 17): the one door that writes them.

Every restriction (a removal, a hide by a moderator or after reports, a hold at posting
or after an edit, a redaction, a suspension, a ban, a limit on a member's reports)
calls one function here in the transaction that writes its ModerationAction, so the
statement is stored with the action. A statement copies what it says (the facts, the
clause's number, title and wording, the routes to contest it and the deadline) as it
was at that moment: statements already issued never change when a clause is reworded
or a setting moves. The text of the comment concerned is referenced (its number and
article), never quoted again.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from aposbook.models import User
from forum.models import (
    Comment,
    ModerationAction,
    ReportingLimit,
    Sanction,
    StatementOfReasons,
)
from forum.moderation import guidelines
from forum.moderation.guidelines import Clause

Restriction = StatementOfReasons.Restriction

# Holds whose cause is the text itself, found by automated means (watched words, dosing
# phrasings, private information); the others are about the member or the article.
TEXT_HOLDS = {"watched_word", "dosing_advice", "private_information"}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def complaint_deadline(decided_at: datetime) -> datetime:
    """The last moment a complaint against a decision is taken (Art. 20(1): at least six
    months after the person was told)."""
    return add_months(decided_at, settings.FORUM_COMPLAINT_MONTHS)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i e")


def _comment_ref(comment: Comment) -> str:
    return _("your comment no. %(number)s on “%(article)s”, posted %(posted)s") % {
        "number": comment.pk,
        "article": comment.article.title,
        "posted": _when(comment.created_at),
    }


def redress_text(*, restriction: str, deadline: datetime, appeal_path: str = "") -> str:
    """The routes to contest a decision, in the words the member reads."""
    if restriction in (Restriction.HOLDING, Restriction.HIDING):
        internal = _(
            "A moderator will review it and you will be told the decision. If the comment is "
            "then removed, you can appeal that removal until %(deadline)s."
        ) % {"deadline": _when(deadline)}
    else:
        internal = _(
            "You can ask the moderators to look again (an appeal, decided by a different "
            "moderator, with the reasons for the answer) until %(deadline)s"
        ) % {"deadline": _when(deadline)}
        internal += f": {settings.SITE_URL}{appeal_path}." if appeal_path else "."
    outside = _(
        "You may also take the decision to an out-of-court dispute settlement body certified "
        "under Article 21 of the EU Digital Services Act, or to a court. Appealing here first "
        "is not required and does not take either route away."
    )
    return f"{internal}\n{outside}"


def record_statement(
    *,
    action: ModerationAction,
    restriction: str,
    clause: Clause,
    facts: str,
    detected_automatically: bool,
    member: User | None = None,
    comment: Comment | None = None,
    sanction: Sanction | None = None,
    ground: str = "",
    ends_at: datetime | None = None,
    appeal_path: str = "",
) -> StatementOfReasons:
    """Store the statement for `action` (call inside the action's transaction)."""
    issued_at = timezone.now()
    deadline = complaint_deadline(issued_at)
    return StatementOfReasons.objects.create(
        action=action,
        member=member if member is not None else action.member,
        comment=comment if comment is not None else action.comment,
        sanction=sanction,
        restriction=restriction,
        facts=facts,
        clause_number=clause.number,
        clause_title=str(clause.title),
        clause_summary=str(clause.summary),
        ground=ground,
        detected_automatically=detected_automatically,
        # A row without a moderator is a decision no person took.
        decided_automatically=action.moderator_id is None,
        ends_at=ends_at,
        complaint_deadline=deadline,
        redress=redress_text(restriction=restriction, deadline=deadline, appeal_path=appeal_path),
        issued_at=issued_at,
    )


def for_removal(
    *, action: ModerationAction, comment: Comment, reason: str, detected_automatically: bool
) -> StatementOfReasons:
    facts = _("On %(when)s a moderator removed %(comment)s. Others no longer see its text.") % {
        "comment": _comment_ref(comment),
        "when": _when(timezone.now()),
    }
    return record_statement(
        action=action,
        restriction=Restriction.REMOVAL,
        clause=guidelines.clause_for_reason(reason),
        facts=facts,
        comment=comment,
        ground=comment.get_removal_reason_display(),
        detected_automatically=detected_automatically,
        appeal_path=reverse("forum:comment-appeal", args=[comment.pk]),
    )


def for_hiding(
    *, action: ModerationAction, comment: Comment, reason: str = "", reporters: int = 0
) -> StatementOfReasons:
    """A moderator's hide, or the automatic hide after `reporters` distinct reports."""
    if action.moderator_id is None:
        facts = _(
            "On %(when)s %(comment)s was hidden automatically because %(count)s members "
            "reported it. It stays hidden from others until a moderator decides."
        ) % {"comment": _comment_ref(comment), "when": _when(timezone.now()), "count": reporters}
    else:
        facts = _(
            "On %(when)s a moderator hid %(comment)s while they review it. Others do not see "
            "it until a decision."
        ) % {"comment": _comment_ref(comment), "when": _when(timezone.now())}
    report = comment.reports.filter(resolution="open").order_by("created_at", "pk").first()
    return record_statement(
        action=action,
        restriction=Restriction.HIDING,
        clause=guidelines.clause_for_reason(report.reason if report else ""),
        facts=facts[0].upper() + facts[1:],
        comment=comment,
        ground=reason,
        # Members' reports found it; the count crossing the setting decided an auto-hide.
        detected_automatically=False,
    )


def for_hold(
    *, action: ModerationAction, comment: Comment, hold_reason: str, label: str | Promise
) -> StatementOfReasons:
    """An automatic hold at posting time or after an edit (screening.py, reports.py)."""
    facts = _(
        "On %(when)s %(comment)s was held for review automatically (%(label)s). Only you "
        "and the moderators see it until a moderator reviews it."
    ) % {"comment": _comment_ref(comment), "when": _when(timezone.now()), "label": label}
    return record_statement(
        action=action,
        restriction=Restriction.HOLDING,
        clause=guidelines.clause_for_hold(hold_reason),
        facts=facts[0].upper() + facts[1:],
        comment=comment,
        ground=str(label),
        detected_automatically=hold_reason in TEXT_HOLDS,
    )


def for_redaction(
    *,
    action: ModerationAction,
    comment: Comment,
    reason: str,
    detected_automatically: bool = False,
    ground: str = "",
) -> StatementOfReasons:
    """For the redaction of part of a comment (issue 19's redaction calls this inside its
    transaction, after writing its ModerationAction). `reason` is a ReportReason value,
    usually private_info (clause 2)."""
    facts = _(
        "On %(when)s a moderator redacted part of %(comment)s. The rest of the comment is "
        "still shown; the redacted words are kept only in the moderators' history for a "
        "limited time."
    ) % {"comment": _comment_ref(comment), "when": _when(timezone.now())}
    return record_statement(
        action=action,
        restriction=Restriction.REDACTION,
        clause=guidelines.clause_for_reason(reason),
        facts=facts,
        comment=comment,
        ground=ground,
        detected_automatically=detected_automatically,
        appeal_path=reverse("forum:complaint-new", args=[action.pk]),
    )


def for_sanction(
    *,
    action: ModerationAction,
    sanction: Sanction,
    reason: str,
    comment: Comment | None,
    clause: int | None = None,
) -> StatementOfReasons:
    """`clause`: the one the moderator chose; else the named comment's removal clause."""
    values: dict[str, Any] = {"when": _when(sanction.created_at)}
    if sanction.kind == Sanction.Kind.BAN:
        restriction = Restriction.BAN
        facts = _(
            "A moderator banned your account from the discussion on %(when)s. It lasts until "
            "a moderator lifts it. While it lasts you cannot post, edit or report comments."
        )
    else:
        restriction = Restriction.SUSPENSION
        assert sanction.ends_at is not None  # a suspension has an end (a constraint)
        values["until"] = _when(sanction.ends_at)
        facts = _(
            "A moderator suspended your account from the discussion on %(when)s until "
            "%(until)s. While it lasts you cannot post, edit or report comments."
        )
    facts %= values
    if comment is not None:
        facts += " " + _("The decision names comment no. %(number)s on “%(article)s”.") % {
            "number": comment.pk,
            "article": comment.article.title,
        }
    # The clause of the named comment's removal, read afresh (the caller's copy may
    # predate it); a sanction naming no removed comment cites clause 7.
    removal = (
        Comment.objects.filter(pk=comment.pk).values_list("removal_reason", flat=True).first()
        if comment is not None
        else ""
    ) or ""
    return record_statement(
        action=action,
        restriction=restriction,
        clause=guidelines.BY_NUMBER[clause] if clause else guidelines.clause_for_reason(removal),
        facts=facts,
        member=sanction.member,
        comment=comment,
        sanction=sanction,
        ground=reason,
        detected_automatically=False,
        ends_at=sanction.ends_at,
        appeal_path=reverse("forum:complaint-new", args=[action.pk]),
    )


def for_reporting_limit(
    *, action: ModerationAction, limit: ReportingLimit, unfounded: int
) -> StatementOfReasons:
    facts = _(
        "From %(when)s until %(until)s your reports still reach the moderators but no longer "
        "count toward hiding a comment automatically, because %(count)s of your reports in "
        "the last %(days)s days were dismissed as manifestly unfounded, after a warning."
    ) % {
        "when": _when(limit.starts_at),
        "until": _when(limit.ends_at),
        "count": unfounded,
        "days": settings.FORUM_MISUSE_WINDOW_DAYS,
    }
    return record_statement(
        action=action,
        restriction=Restriction.REPORTS_LIMITED,
        # Reporting in bad faith is not acting "in good faith" (clause 5).
        clause=guidelines.BY_NUMBER[5],
        facts=facts,
        member=limit.member,
        ground=_("Frequent manifestly unfounded reports"),
        detected_automatically=True,
        ends_at=limit.ends_at,
        appeal_path=reverse("forum:complaint-new", args=[action.pk]),
    )


# Restrictions of a comment itself; a sanction may name a comment, but its statement
# belongs with the sanction notice.
COMMENT_RESTRICTIONS = (
    Restriction.REMOVAL,
    Restriction.HIDING,
    Restriction.HOLDING,
    Restriction.REDACTION,
)


def latest_for_comment(comment: Comment) -> StatementOfReasons | None:
    """The statement of the comment's current restriction (the newest one)."""
    return (
        StatementOfReasons.objects.filter(comment=comment, restriction__in=COMMENT_RESTRICTIONS)
        .order_by("-issued_at", "-pk")
        .first()
    )


def export_statements(member: User) -> list[dict[str, Any]]:
    """The member's statements for their data export (aposbook.accounts)."""
    rows = StatementOfReasons.objects.filter(member=member).order_by("issued_at", "pk")
    return [
        {
            "id": statement.pk,
            "restriction": statement.restriction,
            "issued_at": statement.issued_at.isoformat(),
            "comment_id": statement.comment_id,
            "facts": statement.facts,
            "clause_number": statement.clause_number,
            "clause_title": statement.clause_title,
            "clause_summary": statement.clause_summary,
            "ground": statement.ground,
            "detected_automatically": statement.detected_automatically,
            "decided_automatically": statement.decided_automatically,
            "ends_at": statement.ends_at.isoformat() if statement.ends_at else None,
            "complaint_deadline": statement.complaint_deadline.isoformat(),
            "redress": statement.redress,
        }
        for statement in rows
    ]
