"""Load without loss: concurrent members against two gunicorn workers on PostgreSQL."""

import os
import random
import threading
import time

from tests.reliability.actions import CLIENT_ACTIONS, Ledger
from tests.reliability.harness import (
    Client,
    prepare_database,
    production_env,
    start_gunicorn,
)

CLIENTS = 8
# `make reliability` default is short; .ci/run sets 30 seconds.
DURATION = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "10"))


def run_member(port: int, number: int, stop_at: float, ledger: Ledger, errors: list) -> None:
    rng = random.Random(number)
    client = Client(port, timeout=20)
    try:
        ledger.record("sign_in", "/accounts/login/", client.sign_in(f"member{number}"))
        weights, actions = zip(*CLIENT_ACTIONS, strict=True)
        while time.monotonic() < stop_at:
            rng.choices(actions, weights)[0](client, rng, ledger)
    except Exception as error:  # reported by the test, with the member's number
        errors.append(f"member{number}: {error!r}")


def verify_ledger(ledger: Ledger, env: dict) -> None:
    """Writes the server confirmed are stored exactly once. Nothing writes yet: the forum's
    post/reply/report actions add to ledger.written and this compares them with the database
    (e.g. through `manage.py shell -c` counting Comment rows per unique body)."""
    assert ledger.written == []


def test_concurrent_members_get_no_server_errors(tmp_path, static_var_dir, shared_database_url):
    env = production_env(var_dir=static_var_dir, database_url=shared_database_url)
    prepare_database(env, members=CLIENTS)
    server, port = start_gunicorn(env, log_dir=tmp_path, workers=2)
    try:
        ledger, errors = Ledger(), []
        stop_at = time.monotonic() + DURATION
        threads = [
            threading.Thread(target=run_member, args=(port, n, stop_at, ledger, errors))
            for n in range(CLIENTS)
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
        assert {status for *_, status in ledger.responses} <= {200, 302}
        verify_ledger(ledger, env)
        assert server.alive()
        assert "Traceback" not in server.log()
    finally:
        server.stop()
