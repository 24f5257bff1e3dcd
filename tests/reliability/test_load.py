"""Load without loss: concurrent members posting, replying and reporting against two
gunicorn workers on PostgreSQL while anonymous readers load pages."""

import json
import os
import random
import threading
import time
from collections import Counter

import pytest

from tests.reliability.actions import CLIENT_ACTIONS, READER_ACTIONS, Ledger
from tests.reliability.harness import (
    Client,
    approve_members,
    prepare_database,
    production_env,
    shell_output,
    start_gunicorn,
)

CLIENTS = 8
READERS = 2
# `make reliability` default is short; .ci/run sets 30 seconds.
DURATION = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "10"))
# Raised from the default 5/m so the members write a lot; low enough that a member who
# posts quickly is still refused (429) now and then, and the test checks that nothing
# refused is stored.
POST_RATE = "10/m,1000/h"
READ_ONLY = {"read_article", "read_index", "search", "account_page", "sign_in"}
# What the server may answer a write: redirected to the stored comment (302); refused
# as too fast (429); a reply or report whose comment was hidden by reports meanwhile
# (400, 404).
WRITE_STATUSES = {200, 302, 400, 404, 429}

pytestmark = pytest.mark.timeout(DURATION + 180, method="signal")


def run_client(port: int, number: int, stop_at: float, ledger: Ledger, errors: list) -> None:
    rng = random.Random(number)
    client = Client(port, timeout=20)
    actions = READER_ACTIONS
    try:
        if number < CLIENTS:
            ledger.record("sign_in", "/accounts/login/", client.sign_in(f"member{number}"))
            actions = CLIENT_ACTIONS
        weights, chosen = zip(*actions, strict=True)
        while time.monotonic() < stop_at:
            rng.choices(chosen, weights)[0](client, rng, ledger)
    except Exception as error:  # reported by the test, with the client's number
        errors.append(f"client {number} ({client.name or 'reader'}): {error!r}")


STORED = """
import json, re
from forum.models import Comment, Report
marker = re.compile(r"LT[0-9a-f]{32}")
comments = [
    {"marker": m.group(0), "id": c.pk, "member": c.author.username, "parent": c.parent_id,
     "status": c.status}
    for c in Comment.objects.select_related("author").filter(body_source__contains="LT")
    if (m := marker.search(c.body_source))
]
reports = [
    {"marker": r.note, "id": r.comment_id, "member": r.reporter.username}
    for r in Report.objects.select_related("reporter").filter(note__startswith="LT")
]
print(json.dumps({"comments": comments, "reports": reports}))
"""


def verify_ledger(ledger: Ledger, env: dict) -> None:
    """Every write the server confirmed is stored exactly once, as what was confirmed (the
    same comment id, author, reply or not); nothing it refused is stored; nothing is stored
    that the clients were not told about."""
    stored = json.loads(shell_output(env, STORED))
    for kind, rows in (("comments", stored["comments"]), ("reports", stored["reports"])):
        reports = kind == "reports"
        written = [e for e in ledger.written if (e["kind"] == "report") == reports]
        refused = {e["marker"] for e in ledger.refused if (e["kind"] == "report") == reports}
        copies = Counter(row["marker"] for row in rows)
        assert [m for m, n in copies.items() if n > 1] == [], f"{kind} stored twice"
        by_marker = {row["marker"]: row for row in rows}
        lost = [e for e in written if e["marker"] not in by_marker]
        assert lost == [], f"{len(lost)} confirmed {kind} are missing: {lost[:5]}"
        for entry in written:
            row = by_marker[entry["marker"]]
            assert (row["id"], row["member"]) == (entry["id"], entry["member"]), (entry, row)
            if entry["kind"] == "reply":
                assert row["parent"] is not None, (entry, row)
        assert refused & set(by_marker) == set(), f"refused {kind} were stored"
        unconfirmed = set(by_marker) - {e["marker"] for e in written}
        assert unconfirmed == set(), f"{kind} stored without the client being told"


def test_members_write_under_load_without_loss_or_duplicates(
    tmp_path, static_var_dir, shared_database_url
):
    env = production_env(
        var_dir=static_var_dir, database_url=shared_database_url, FORUM_POST_RATE=POST_RATE
    )
    prepare_database(env, members=CLIENTS)
    approve_members(env, members=CLIENTS)  # established members: not premoderated
    server, port = start_gunicorn(env, log_dir=tmp_path, workers=2)
    try:
        ledger, errors = Ledger(), []
        stop_at = time.monotonic() + DURATION
        threads = [
            threading.Thread(target=run_client, args=(port, n, stop_at, ledger, errors))
            for n in range(CLIENTS + READERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DURATION + 60)
        assert not any(thread.is_alive() for thread in threads), "a client hung"
        assert errors == []
        server_errors = [r for r in ledger.responses if r[2] >= 500]
        assert server_errors == [], server_errors[:10]
        assert len(ledger.responses) > CLIENTS * 5, "the load test barely ran"
        reads = {status for action, _, status in ledger.responses if action in READ_ONLY}
        assert reads <= {200, 302}, reads
        writes = {status for action, _, status in ledger.responses if action not in READ_ONLY}
        assert writes <= WRITE_STATUSES, writes
        kinds = Counter(e["kind"] for e in ledger.written)
        refusals = Counter(s for e in ledger.refused for s in e.get("statuses", [404]))
        print(f"load: {len(ledger.responses)} answers, stored {dict(kinds)}, ", end="")
        print(f"refused {dict(refusals)}, resent {ledger.resent}")
        for kind in ("post_comment", "reply", "report"):
            assert kinds[kind], kinds
        assert ledger.resent["again"], ledger.resent
        assert ledger.resent["concurrently"], ledger.resent
        verify_ledger(ledger, env)
        assert server.alive()
        assert "Traceback" not in server.log()
    finally:
        server.stop()
