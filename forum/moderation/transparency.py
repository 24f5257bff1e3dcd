"""The public transparency report (DSA Art. 15 and 24): what was reported, what was
decided and how fast, per month or per year, read from the reports and the audit log.

It holds counts and durations only, never a name, an address, a text or an id: nothing
here can point at a member. Counts from 1 to 4 are published as "<5" (the string
`SMALL`), because on a small forum "1 ban for harassment this month" can single a person
out; 0 stays 0, since "nothing happened" names nobody. Totals are exact, so a breakdown
with exactly one small cell can be worked out by subtraction: acceptable, as the cells
count reports and decisions, not people, and the small ones stay vague across periods.

The whole report is six queries (asserted in tests/moderation/test_transparency.py) and
kept in the shared cache: see `report_for`.
"""

from __future__ import annotations

import datetime
import math
import re
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import Appeal, ModerationAction, Report, ReportReason, Sanction
from forum.pagecache import shared

# Bump when the shape of the report changes: it names the schema and the cache keys.
FORMAT = "aposbook-transparency-report/1"
# What a count from 1 to SMALL_BELOW - 1 is published as.
SMALL = "<5"
SMALL_BELOW = 5
# Percentiles of fewer decisions than this are not published (null): with two or three
# decisions a "median" is one moderator's afternoon, not a measure of the service.
FEWEST_FOR_PERCENTILES = SMALL_BELOW
# A finished period never changes (reports and audit rows are dated when written and
# the log is append-only), so it is kept a day: long enough that the report costs
# nothing, short enough that a corrected computation reaches readers by tomorrow.
COMPLETE_PERIOD_SECONDS = 24 * 60 * 60
# The period still running changes with every decision; a few minutes behind is fine
# for a monthly statistic and spares the database a burst of readers.
CURRENT_PERIOD_SECONDS = 5 * 60

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
# The first year a period may name: earlier ones are surely typing errors.
FIRST_YEAR = 2020

PublishedCount = int | str  # an int (0 or >= 5) or SMALL


class PeriodRefused(ValueError):
    """A period that is malformed or has not begun; the message says which."""


@dataclass(frozen=True)
class Period:
    """A calendar month ("2026-11") or year ("2026") in the site's time zone."""

    id: str
    start: datetime.datetime
    end: datetime.datetime  # exclusive

    @property
    def is_month(self) -> bool:
        return len(self.id) == 7

    def complete(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end


def _aware(year: int, month: int) -> datetime.datetime:
    return datetime.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


def month_period(year: int, month: int) -> Period:
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return Period(f"{year:04d}-{month:02d}", _aware(year, month), _aware(*following))


def year_period(year: int) -> Period:
    return Period(f"{year:04d}", _aware(year, 1), _aware(year + 1, 1))


def last_complete_month(now: datetime.datetime | None = None) -> Period:
    local = timezone.localtime(now or timezone.now())
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return month_period(year, month)


def parse_period(value: str | None, now: datetime.datetime | None = None) -> Period:
    """The period a `?period=` names; none (or empty) means the last complete month."""
    if not value:
        return last_complete_month(now)
    value = value.strip()
    if match := _MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodRefused(_("There is no month %(month)s.") % {"month": match[2]})
        period = month_period(year, month)
    elif match := _YEAR.match(value):
        year = int(match[1])
        period = year_period(year)
    else:
        raise PeriodRefused(_("Choose a month as YYYY-MM (2026-11) or a year as YYYY (2026)."))
    if year < FIRST_YEAR:
        raise PeriodRefused(_("The report starts in %(year)s.") % {"year": FIRST_YEAR})
    if period.start > (now or timezone.now()):
        raise PeriodRefused(_("That period has not begun yet."))
    return period


def periods_to_choose(now: datetime.datetime | None = None) -> tuple[list[Period], list[Period]]:
    """Months (newest first, this one included) and years the chooser offers: from the
    first month anything was reported or logged, or at least the last complete month.
    One query; readers of the page pay for it only when its report is not cached."""
    local = timezone.localtime(now or timezone.now())
    first = ModerationAction.objects.order_by("created_at").values_list("created_at", flat=True)
    earliest = first.first()
    start = last_complete_month(now).start
    if earliest is not None:
        start = min(start, timezone.localtime(earliest))
    start = max(start, _aware(FIRST_YEAR, 1))
    months: list[Period] = []
    year, month = local.year, local.month
    while (year, month) >= (start.year, start.month):
        months.append(month_period(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    years = [year_period(y) for y in range(local.year, start.year - 1, -1)]
    return months, years


# --- publishing counts --------------------------------------------------------------


def published(count: int) -> PublishedCount:
    """The "< 5" rule: 1 to 4 become SMALL; 0 and 5 or more stay as they are."""
    return SMALL if 0 < count < SMALL_BELOW else count


def nearest_rank(sorted_values: list[float], fraction: float) -> float:
    """The smallest value that at least `fraction` of the values do not exceed."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def _durations(seconds: list[float]) -> dict[str, Any]:
    values = sorted(seconds)
    enough = len(values) >= FEWEST_FOR_PERCENTILES
    return {
        "decisions": published(len(values)),
        "median_seconds": round(statistics.median(values)) if enough else None,
        "p90_seconds": round(nearest_rank(values, 0.9)) if enough else None,
    }


# --- computing ----------------------------------------------------------------------


def _reports_section(period: Period) -> tuple[dict[str, Any], dict[str, Any]]:
    """Reports received (by reason, by who sent them), and those decided in the period
    with the time each waited. Two queries."""
    received = (
        Report.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .values("reason", "source")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_reason = dict.fromkeys(ReportReason.values, 0)
    by_source = dict.fromkeys(Report.Source.values, 0)
    for row in received:
        by_reason[row["reason"]] = by_reason.get(row["reason"], 0) + row["n"]
        by_source[row["source"]] = by_source.get(row["source"], 0) + row["n"]
    decided = Report.objects.filter(
        resolved_at__gte=period.start, resolved_at__lt=period.end
    ).values_list("created_at", "resolved_at", "resolution")
    waits: list[float] = []
    outcomes = dict.fromkeys(
        [Report.Resolution.ACTIONED.value, Report.Resolution.DISMISSED.value], 0
    )
    for created_at, resolved_at, resolution in decided:
        assert resolved_at is not None  # filtered on it above
        waits.append(max(0.0, (resolved_at - created_at).total_seconds()))
        if resolution in outcomes:
            outcomes[resolution] += 1
    reports = {
        "received": published(sum(by_reason.values())),
        "by_reason": {key: published(n) for key, n in by_reason.items()},
        "by_source": {key: published(n) for key, n in by_source.items()},
        "decided": {key: published(n) for key, n in outcomes.items()},
    }
    return reports, _durations(waits)


_HOLD_DECISIONS = (ModerationAction.Kind.APPROVE, ModerationAction.Kind.REMOVE)


def _held_comment_waits(period: Period) -> dict[str, Any]:
    """Comments held before publication and then approved or removed in the period:
    from the hold to the decision. A decision counts only when a hold came after the
    comment's previous decision, so removing a comment approved long ago is not a
    months-long wait. One query (two subqueries)."""
    before_this = ModerationAction.objects.filter(
        comment=OuterRef("comment"), created_at__lte=OuterRef("created_at")
    ).exclude(pk=OuterRef("pk"))
    last_hold = before_this.filter(kind=ModerationAction.Kind.HOLD).order_by("-created_at")
    last_decision = before_this.filter(kind__in=_HOLD_DECISIONS).order_by("-created_at")
    rows = (
        ModerationAction.objects.filter(
            kind__in=_HOLD_DECISIONS,
            comment__isnull=False,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .annotate(
            held_at=Subquery(last_hold.values("created_at")[:1]),
            previous_at=Subquery(last_decision.values("created_at")[:1]),
        )
        .filter(held_at__isnull=False)
        .filter(Q(previous_at__isnull=True) | Q(held_at__gt=F("previous_at")))
        .values_list("held_at", "created_at")
        .order_by()
    )
    return _durations(
        [max(0.0, (decided_at - held_at).total_seconds()) for held_at, decided_at in rows]
    )


def _actions_section(period: Period) -> dict[str, Any]:
    """Every logged decision by kind, automated or by a person. One query."""
    rows = (
        ModerationAction.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .values("kind", "automated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {kind: {"automated": 0, "human": 0} for kind in ModerationAction.Kind.values}
    for row in rows:
        column = "automated" if row["automated"] else "human"
        counts.setdefault(row["kind"], {"automated": 0, "human": 0})[column] += row["n"]
    automated = sum(c["automated"] for c in counts.values())
    human = sum(c["human"] for c in counts.values())
    return {
        "total": published(automated + human),
        "automated": published(automated),
        "human": published(human),
        "by_kind": {
            kind: {
                "total": published(c["automated"] + c["human"]),
                "automated": published(c["automated"]),
                "human": published(c["human"]),
            }
            for kind, c in counts.items()
        },
    }


def _appeals_section(period: Period) -> dict[str, Any]:
    """Appeals received in the period, and those decided in it. One query."""
    received = Q(created_at__gte=period.start, created_at__lt=period.end)
    decided = Q(decided_at__gte=period.start, decided_at__lt=period.end)
    counts = Appeal.objects.filter(received | decided).aggregate(
        received=Count("pk", filter=received),
        granted=Count("pk", filter=decided & Q(status=Appeal.Status.OVERTURNED)),
        declined=Count("pk", filter=decided & Q(status=Appeal.Status.UPHELD)),
    )
    return {
        "received": published(counts["received"]),
        "decided": published(counts["granted"] + counts["declined"]),
        "granted": published(counts["granted"]),
        "declined": published(counts["declined"]),
    }


def _sanctions_section(period: Period) -> dict[str, Any]:
    """Suspensions and bans imposed in the period, and sanctions lifted in it. One query."""
    imposed = Q(created_at__gte=period.start, created_at__lt=period.end)
    lifted = Q(lifted_at__gte=period.start, lifted_at__lt=period.end)
    counts = Sanction.objects.filter(imposed | lifted).aggregate(
        lifted=Count("pk", filter=lifted),
        **{kind: Count("pk", filter=imposed & Q(kind=kind)) for kind in Sanction.Kind.values},
    )
    lifted_count = counts.pop("lifted")
    return {
        "imposed": published(sum(counts.values())),
        "by_kind": {kind: published(n) for kind, n in counts.items()},
        "lifted": published(lifted_count),
    }


def build_report(period: Period, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The report for one period, as published (small counts already "<5"). Six queries."""
    now = now or timezone.now()
    reports, report_waits = _reports_section(period)
    return {
        "format": FORMAT,
        "period": {
            "id": period.id,
            "kind": "month" if period.is_month else "year",
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "complete": period.complete(now),
        },
        "generated_at": now.isoformat(),
        "small_counts": SMALL,
        "reports": reports,
        "actions": _actions_section(period),
        "time_to_decision": {
            "reports": report_waits,
            "held_comments": _held_comment_waits(period),
        },
        "appeals": _appeals_section(period),
        "sanctions": _sanctions_section(period),
    }


def _cache_key(period: Period) -> str:
    return f"transparency:{FORMAT}:{period.id}"


def report_for(period: Period) -> dict[str, Any]:
    """The report, from the shared cache when it is there. A finished period is kept a
    day, the running one a few minutes (see the two constants above); whether a period
    is finished is decided when it is computed, so the month that just ended is never
    kept long with numbers from before its end. Readable with Redis down."""
    key = _cache_key(period)
    report = shared.get(key)
    if report is None:
        report = build_report(period)
        complete = report["period"]["complete"]
        timeout = COMPLETE_PERIOD_SECONDS if complete else CURRENT_PERIOD_SECONDS
        shared.put(key, report, timeout=timeout)
    return report
