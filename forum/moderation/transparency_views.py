"""The public transparency report: the page, its JSON and the JSON's schema. Counts
only, computed and cached in forum/moderation/transparency.py."""

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from forum.models import ModerationAction, Report, ReportReason, Sanction
from forum.moderation import transparency
from forum.moderation.transparency import PeriodRefused

SCHEMA_PATH = Path(settings.BASE_DIR) / "static" / "transparency" / "report.schema.json"


def duration_text(seconds: int | None) -> str:
    """ "3 h 20 min", "2 days 4 h", "12 min": rounded to what a reader needs."""
    if seconds is None:
        return _("not published")
    minutes = round(seconds / 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days} + _(" %(hours)d h") % {
        "hours": hours
    }


def _rows(counts: dict[str, Any], labels: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [(labels.get(key, key), value) for key, value in counts.items()]


def _wait_texts(waits: dict[str, Any]) -> tuple[str, str]:
    return duration_text(waits["median_seconds"]), duration_text(waits["p90_seconds"])


def _page_context(report: dict[str, Any]) -> dict[str, Any]:
    """The report with a label beside every key, in the report's own order."""
    kinds = dict(ModerationAction.Kind.choices)
    waits = report["time_to_decision"]
    return {
        "report": report,
        "generated": datetime.datetime.fromisoformat(report["generated_at"]),
        "by_reason": _rows(report["reports"]["by_reason"], dict(ReportReason.choices)),
        "by_source": _rows(report["reports"]["by_source"], dict(Report.Source.choices)),
        # Kinds with entries get a row; the others are named on one line with their 0, so
        # a phone does not scroll through two dozen rows of zeros.
        "actions": [
            (kinds.get(kind, kind), counts)
            for kind, counts in report["actions"]["by_kind"].items()
            if counts["total"] != 0
        ],
        "no_actions": [
            kinds.get(kind, kind)
            for kind, counts in report["actions"]["by_kind"].items()
            if counts["total"] == 0
        ],
        "sanctions": _rows(report["sanctions"]["by_kind"], dict(Sanction.Kind.choices)),
        "waits": [
            (caption, waits[name], _wait_texts(waits[name]))
            for name, caption in (
                ("reports", _("Reports, from the report to the decision")),
                (
                    "held_comments",
                    _("Comments held before publication, from the hold to the decision"),
                ),
            )
        ],
    }


@require_GET
def transparency_page(request: HttpRequest) -> HttpResponse:
    months, years = transparency.periods_to_choose()
    try:
        period = transparency.parse_period(request.GET.get("period"))
    except PeriodRefused as refusal:
        return render(
            request,
            "moderation/transparency.html",
            {
                "error": str(refusal),
                "months": months,
                "years": years,
                "asked": request.GET.get("period", "")[:20],
            },
            status=400,
        )
    context = _page_context(transparency.report_for(period))
    context.update({"period": period, "months": months, "years": years})
    return render(request, "moderation/transparency.html", context)


def _public_json(data: dict[str, Any], *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"indent": 2})
    # Public counts, no credentials: anyone's page or script may read them.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def transparency_json(request: HttpRequest) -> HttpResponse:
    try:
        period = transparency.parse_period(request.GET.get("period"))
    except PeriodRefused as refusal:
        return _public_json({"error": str(refusal)}, status=400)
    report = dict(transparency.report_for(period))
    report["schema"] = request.build_absolute_uri(reverse("forum:transparency-schema"))
    return _public_json(report)


@require_GET
def transparency_schema(request: HttpRequest) -> HttpResponse:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    response = _public_json(schema)
    response["Content-Type"] = "application/schema+json"
    return response
