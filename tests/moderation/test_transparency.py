"""The public transparency report: the "< 5" rule, periods, the JSON's schema, no
personal data, time to decision, the query count and the cache (issue 14)."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from forum.models import Appeal, ModerationAction, Report, Sanction
from forum.moderation import transparency
from forum.moderation.transparency import (
    CURRENT_PERIOD_SECONDS,
    PeriodRefused,
    build_report,
    month_period,
    parse_period,
    published,
    report_for,
    year_period,
)
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

UTC = datetime.UTC
SCHEMA = json.loads(
    (Path(settings.BASE_DIR) / "static" / "transparency" / "report.schema.json").read_text()
)
NOVEMBER = month_period(2026, 11)


def at(time_machine, *args):
    time_machine.move_to(datetime.datetime(*args, tzinfo=UTC), tick=False)


def report_at(time_machine, moment, comment, reporter, **fields):
    at(time_machine, *moment)
    return Report.objects.create(
        comment=comment, reporter=reporter, snapshot=comment.body_source, **fields
    )


def log_at(time_machine, moment, kind, **fields):
    at(time_machine, *moment)
    return ModerationAction.objects.create(kind=kind, **fields)


# --- a small JSON Schema checker: the subset report.schema.json uses -----------------
# (jsonschema is not installed, and this subset is small enough to check by hand.)


def schema_errors(value, schema, path="$"):
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_errors(value, SCHEMA["$defs"][name], path)
    errors = []
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not schema_errors(value, s, path)]
        if len(matching) != 1:
            errors.append(f"{path}: {value!r} matches {len(matching)} of oneOf")
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        checks = {
            "object": lambda v: isinstance(v, dict),
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }
        if not any(checks[kind](value) for kind in kinds):
            return [f"{path}: {value!r} is not {kinds}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and isinstance(value, int) and value < schema["minimum"]:
        errors.append(f"{path}: {value} < {schema['minimum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing {key}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected {key}")
    return errors


def every_field_is_described(schema, path="$"):
    missing = []
    for key, item in schema.get("properties", {}).items():
        if "description" not in item:
            missing.append(f"{path}.{key}")
        missing += every_field_is_described(item, f"{path}.{key}")
    return missing


# --- the "< 5" rule -------------------------------------------------------------------


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (12, 12)])
def test_counts_from_one_to_four_are_published_as_less_than_five(count, shown):
    assert published(count) == shown


@pytest.fixture
def seeded(db, time_machine, article):
    """November 2026: 1 harassment report, 4 medical-harm ones, 5 off-topic ones, by
    members with names and emails that must never appear in the report."""
    author = UserFactory(username="writer_wilhelmina", email="wilhelmina@private.example")
    comment = make_comment(article, author, "Secret words of the comment.")
    reporters = [
        UserFactory(username=f"reporter_{n}_rosalind", email=f"rosalind{n}@private.example")
        for n in range(10)
    ]
    reasons = ["harassment"] + ["medical_harm"] * 4 + ["off_topic"] * 5
    for n, (reporter, reason) in enumerate(zip(reporters, reasons, strict=True)):
        report_at(
            time_machine,
            (2026, 11, 3, 10, n),
            comment,
            reporter,
            reason=reason,
            note=f"private note by rosalind {n}",
        )
    log_at(
        time_machine,
        (2026, 11, 4, 9),
        ModerationAction.Kind.REMOVE,
        comment=comment,
        member=author,
        moderator=reporters[0],
        reason="Moderator's private reason",
    )
    at(time_machine, 2026, 11, 5)
    Sanction.objects.create(member=author, kind=Sanction.Kind.BAN, reason="Banned for xyzzy")
    at(time_machine, 2026, 12, 2, 12)
    return {"author": author, "reporters": reporters, "comment": comment}


def test_the_json_applies_the_rule_to_one_four_and_five(seeded, client):
    response = client.get(reverse("forum:transparency-json"), {"period": "2026-11"})

    assert response.status_code == 200
    by_reason = response.json()["reports"]["by_reason"]
    assert by_reason["harassment"] == "<5"
    assert by_reason["medical_harm"] == "<5"
    assert by_reason["off_topic"] == 5
    assert by_reason["crisis"] == 0
    assert response.json()["reports"]["received"] == 10
    assert response.json()["sanctions"]["by_kind"] == {"suspension": 0, "ban": "<5"}


def test_the_page_applies_the_rule_too(seeded, client):
    response = client.get(reverse("forum:transparency"), {"period": "2026-11"})

    assert response.status_code == 200
    page = response.content.decode()
    row = re.compile(r"<th scope=\"row\">([^<]+)</th><td>(.*?)</td>", re.DOTALL)
    cells = {
        label.strip(): re.sub(r"<[^>]+>", "", value).strip() for label, value in row.findall(page)
    }
    assert cells["Disrespectful or harassing"] == "&lt; 5"
    assert cells["Medical misinformation or dangerous advice"] == "&lt; 5"
    assert cells["Off-topic"] == "5"
    assert cells["Self-harm or crisis"] == "0"
    assert cells["Member"] == "10"


# --- periods --------------------------------------------------------------------------


def test_without_a_period_the_report_is_the_last_complete_month(seeded, client):
    data = client.get(reverse("forum:transparency-json")).json()

    assert data["period"]["id"] == "2026-11"
    assert data["period"]["complete"] is True
    assert data["period"]["start"] == "2026-11-01T00:00:00+00:00"
    assert data["period"]["end"] == "2026-12-01T00:00:00+00:00"


def test_in_january_the_last_complete_month_is_december(time_machine):
    at(time_machine, 2027, 1, 15)
    assert parse_period(None).id == "2026-12"


def test_a_year_counts_its_months_and_a_month_only_itself(db, time_machine, article):
    comment = make_comment(article, UserFactory())
    for second in range(55, 60):  # the last seconds of October
        moment = (2026, 10, 31, 23, 59, second)
        report_at(time_machine, moment, comment, UserFactory(), reason="other")
    for second in range(5):  # the first seconds of November
        report_at(time_machine, (2026, 11, 1, 0, 0, second), comment, UserFactory(), reason="other")
    at(time_machine, 2026, 12, 2)

    assert build_report(month_period(2026, 10))["reports"]["received"] == 5
    assert build_report(NOVEMBER)["reports"]["received"] == 5
    assert build_report(month_period(2026, 9))["reports"]["received"] == 0
    year = build_report(year_period(2026))
    assert year["reports"]["received"] == 10
    assert year["period"] == {
        "id": "2026",
        "kind": "year",
        "start": "2026-01-01T00:00:00+00:00",
        "end": "2027-01-01T00:00:00+00:00",
        "complete": False,
    }


def test_the_running_month_is_marked_incomplete(db, time_machine, client):
    at(time_machine, 2026, 12, 2)
    data = client.get(reverse("forum:transparency-json"), {"period": "2026-12"}).json()
    assert data["period"]["complete"] is False


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("2026-13", "There is no month 13."),
        ("November", "Choose a month as YYYY-MM (2026-11) or a year as YYYY (2026)."),
        ("2026-1", "Choose a month as YYYY-MM (2026-11) or a year as YYYY (2026)."),
        ("2027-01", "That period has not begun yet."),
        ("1999", "The report starts in 2020."),
    ],
)
def test_a_bad_period_is_refused_with_a_clear_message(db, time_machine, client, asked, message):
    at(time_machine, 2026, 12, 2)
    with pytest.raises(PeriodRefused, match=re.escape(message)):
        parse_period(asked)

    as_json = client.get(reverse("forum:transparency-json"), {"period": asked})
    page = client.get(reverse("forum:transparency"), {"period": asked})

    assert as_json.status_code == 400
    assert as_json.json() == {"error": message}
    assert page.status_code == 400
    assert message in page.content.decode().replace("&#x27;", "'")
    assert 'aria-describedby="transparency-period-error"' in page.content.decode()


def test_the_chooser_offers_every_month_since_the_first_entry_and_works_without_js(
    db, time_machine, client
):
    log_at(time_machine, (2026, 9, 14), ModerationAction.Kind.HOLD, automated=True)
    at(time_machine, 2026, 12, 2)

    page = client.get(reverse("forum:transparency")).content.decode()

    assert '<form class="transparency__chooser" method="get"' in page
    offered = re.findall(r'<option value="([0-9-]+)"(\s+selected)?>', page)
    assert [value for value, _ in offered] == ["2026-12", "2026-11", "2026-10", "2026-09", "2026"]
    assert [value for value, chosen in offered if chosen] == ["2026-11"]


# --- the schema -------------------------------------------------------------------------


def test_the_json_matches_its_schema_with_data_and_without(seeded, client):
    full = client.get(reverse("forum:transparency-json"), {"period": "2026-11"}).json()
    empty = client.get(reverse("forum:transparency-json"), {"period": "2026-03"}).json()

    assert schema_errors(full, SCHEMA) == []
    assert schema_errors(empty, SCHEMA) == []
    assert full["schema"] == "http://testserver/transparency/report.schema.json"


def test_the_schema_checker_can_fail():
    assert schema_errors({"format": "x"}, SCHEMA)
    count = {"$ref": "#/$defs/count"}
    assert [bool(schema_errors(v, count)) for v in (3, "3", True, "<5", 0, 5)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_every_field_of_the_schema_is_described():
    assert every_field_is_described(SCHEMA) == []
    assert all("description" in item for item in SCHEMA["$defs"].values())


def test_the_schema_is_served_at_its_address(db, client):
    response = client.get(reverse("forum:transparency-schema"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(response.content)["title"] == "AposBook transparency report"


# --- no personal data -------------------------------------------------------------------


def test_no_name_email_or_text_appears_in_the_report(seeded, client):
    people = [seeded["author"], *seeded["reporters"]]
    forbidden = (
        [p.username for p in people]
        + [p.email for p in people]
        + [
            "rosalind",
            "wilhelmina",
            "Secret words",
            "private reason",
            "xyzzy",
        ]
    )
    for url in (reverse("forum:transparency-json"), reverse("forum:transparency")):
        body = client.get(url, {"period": "2026-11"}).content.decode()
        for word in forbidden:
            assert word not in body, (url, word)
    data = client.get(reverse("forum:transparency-json"), {"period": "2026-11"}).json()
    # Every leaf is a count or a duration; the only strings are the period and fixed words.
    worded = {"format", "schema", "generated_at", "small_counts", "id", "kind", "start", "end"}

    def leaves(value, key=""):
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                yield from leaves(inner, inner_key)
        else:
            yield key, value

    for key, value in leaves(data):
        assert key in worded or value in ("<5", None) or isinstance(value, int), (key, value)


# --- time to decision -------------------------------------------------------------------


def test_report_waits_median_and_90th_percentile(db, time_machine, article):
    comment = make_comment(article, UserFactory())
    moderator = UserFactory()
    for hours in range(1, 11):  # ten reports, decided 1 to 10 hours after they came in
        report = report_at(time_machine, (2026, 11, 2, 0), comment, UserFactory(), reason="other")
        Report.objects.filter(pk=report.pk).update(
            resolution=Report.Resolution.DISMISSED,
            resolved_by=moderator,
            resolved_at=datetime.datetime(2026, 11, 2, hours, tzinfo=UTC),
        )
    at(time_machine, 2026, 12, 2)

    waits = build_report(NOVEMBER)["time_to_decision"]["reports"]

    assert waits == {"decisions": 10, "median_seconds": 5.5 * 3600, "p90_seconds": 9 * 3600}
    assert build_report(NOVEMBER)["reports"]["decided"] == {"actioned": 0, "dismissed": 10}


def test_held_comment_waits_run_from_the_hold_to_the_decision(db, time_machine, article):
    moderator = UserFactory()
    for minutes in (10, 20, 30, 40, 50):
        comment = make_comment(article, UserFactory())
        log_at(
            time_machine,
            (2026, 11, 5, 8),
            ModerationAction.Kind.HOLD,
            comment=comment,
            automated=True,
        )
        log_at(
            time_machine,
            (2026, 11, 5, 8, minutes),
            ModerationAction.Kind.APPROVE,
            comment=comment,
            moderator=moderator,
        )
    # Approved after a hold in October, removed in November after reports: not a hold wait.
    old = make_comment(article, UserFactory())
    log_at(time_machine, (2026, 10, 1), ModerationAction.Kind.HOLD, comment=old, automated=True)
    log_at(
        time_machine, (2026, 10, 2), ModerationAction.Kind.APPROVE, comment=old, moderator=moderator
    )
    log_at(
        time_machine, (2026, 11, 20), ModerationAction.Kind.REMOVE, comment=old, moderator=moderator
    )
    at(time_machine, 2026, 12, 2)

    waits = build_report(NOVEMBER)["time_to_decision"]["held_comments"]

    assert waits == {"decisions": 5, "median_seconds": 30 * 60, "p90_seconds": 50 * 60}
    october = build_report(month_period(2026, 10))["time_to_decision"]["held_comments"]
    assert october == {"decisions": "<5", "median_seconds": None, "p90_seconds": None}


def test_actions_are_split_automated_and_human(db, time_machine, article):
    comment = make_comment(article, UserFactory())
    for minute in range(5):
        log_at(
            time_machine,
            (2026, 11, 5, 8, minute),
            ModerationAction.Kind.HOLD,
            comment=comment,
            automated=True,
        )
    log_at(
        time_machine,
        (2026, 11, 5, 9),
        ModerationAction.Kind.REMOVE,
        comment=comment,
        moderator=UserFactory(),
    )
    at(time_machine, 2026, 12, 2)

    actions = build_report(NOVEMBER)["actions"]

    assert actions["by_kind"]["hold"] == {"total": 5, "automated": 5, "human": 0}
    assert actions["by_kind"]["remove"] == {"total": "<5", "automated": 0, "human": "<5"}
    assert (actions["total"], actions["automated"], actions["human"]) == (6, 5, "<5")
    assert set(actions["by_kind"]) == set(ModerationAction.Kind.values)


def test_appeals_received_and_granted_count_in_their_own_months(db, time_machine, article):
    moderator = UserFactory()
    for n in range(6):
        author = UserFactory()
        at(time_machine, 2026, 10, 30, 12, n)
        appeal = Appeal.objects.create(
            comment=make_comment(article, author), author=author, message="Please look again."
        )
        status = Appeal.Status.OVERTURNED if n < 5 else Appeal.Status.UPHELD
        Appeal.objects.filter(pk=appeal.pk).update(
            status=status,
            decided_by=moderator,
            decided_at=datetime.datetime(2026, 11, 2, tzinfo=UTC),
        )
    at(time_machine, 2026, 12, 2)

    assert build_report(month_period(2026, 10))["appeals"] == {
        "received": 6,
        "decided": 0,
        "granted": 0,
        "declined": 0,
    }
    assert build_report(NOVEMBER)["appeals"] == {
        "received": 0,
        "decided": 6,
        "granted": 5,
        "declined": "<5",
    }


# --- cost and cache ---------------------------------------------------------------------


def test_the_report_is_six_queries_and_none_once_cached(seeded, django_assert_num_queries):
    with django_assert_num_queries(6):
        build_report(NOVEMBER)
    report_for(NOVEMBER)
    with django_assert_num_queries(0):
        report_for(NOVEMBER)


def test_the_running_month_is_cached_for_minutes_a_past_one_for_a_day(
    db, time_machine, article, monkeypatch
):
    comment = make_comment(article, UserFactory())
    at(time_machine, 2026, 12, 2, 12)
    december = month_period(2026, 12)
    assert report_for(december)["reports"]["received"] == 0
    kept = []
    real_put = transparency.shared.put
    monkeypatch.setattr(
        transparency.shared,
        "put",
        lambda key, value, *, timeout: (
            kept.append(timeout),
            real_put(key, value, timeout=timeout),
        ),
    )
    for n in range(5):
        report_at(time_machine, (2026, 12, 2, 12, 1, n), comment, UserFactory(), reason="other")

    assert report_for(december)["reports"]["received"] == 0  # still the cached copy
    at(time_machine, 2026, 12, 2, 12, CURRENT_PERIOD_SECONDS // 60 + 1)
    assert report_for(december)["reports"]["received"] == 5
    report_for(NOVEMBER)
    assert kept == [CURRENT_PERIOD_SECONDS, transparency.COMPLETE_PERIOD_SECONDS]


def test_the_footer_links_to_the_report(db, client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("forum:transparency")}"' in page
