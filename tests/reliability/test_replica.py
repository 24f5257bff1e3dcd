"""A real streaming replica (issue 20): pg_basebackup of the PostgreSQL server that
DATABASE_URL names into a temporary folder, started on a spare port, and an app server
with DATABASE_REPLICA_URL. Shows read-your-writes while the replica's replay is paused,
and reads falling back to the primary when it lags or stops. The replica is stopped by
its postmaster's PID at the end.

The server must accept replication connections from 127.0.0.1 (`wal_level = replica`,
`max_wal_senders` > 0, and a `host replication all 127.0.0.1/32 trust` line in
pg_hba.conf); .ci/run adds that line when it is missing."""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from tests.reliability.actions import ARTICLE
from tests.reliability.harness import (
    Client,
    approve_members,
    find_form,
    free_port,
    prepare_database,
    production_env,
    start_gunicorn,
    wait_until,
)

pytestmark = pytest.mark.timeout(240, method="signal")

# A new comment shows first here, however many earlier tests left on the discussion.
NEWEST = ARTICLE + "?sort=newest"


class Replica:
    def __init__(self, primary_url: str) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
        if not binaries:
            pytest.fail("pg_basebackup not found in /usr/lib/postgresql/*/bin")
        self.bin = Path(binaries[-1]).parent
        self.primary = urllib.parse.urlsplit(primary_url)
        self.primary_url = primary_url
        self.dir = Path(tempfile.mkdtemp(prefix="aposbook-replica-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, tool: str, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        log = self.dir / "server.log"
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        assert result.returncode == 0, f"{tool} failed: {result.stdout}{result.stderr}{server_log}"

    def create_and_start(self) -> None:
        result = subprocess.run(
            [*self.as_owner, str(self.bin / "pg_basebackup"), "-h", self.primary.hostname or "",
             "-p", str(self.primary.port or 5432), "-U", self.primary.username or "postgres",
             "-D", str(self.data), "-X", "stream", "-R", "--no-sync", "-c", "fast"],
            capture_output=True, text=True, timeout=150,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(
                "the PostgreSQL server refuses replication connections from 127.0.0.1 "
                "(needs wal_level=replica, max_wal_senders > 0 and a "
                "'host replication all 127.0.0.1/32 trust' line in pg_hba.conf; .ci/run adds "
                f"it):\n{result.stderr[-1500:]}"
            )
        self._write_config_if_kept_elsewhere()
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            # max_connections and the like come with the copy: a hot standby needs the
            # primary's values or more.
            "-c hot_standby=on"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def _write_config_if_kept_elsewhere(self) -> None:
        """Debian keeps a cluster's configuration in /etc/postgresql, so the copy has none:
        give it the settings a hot standby must share with its primary, and trust for
        127.0.0.1 and the socket (test-only, on a spare port)."""
        if (self.data / "postgresql.conf").exists():
            return
        shared = [
            "max_connections", "max_worker_processes", "max_wal_senders",
            "max_prepared_transactions", "max_locks_per_transaction",
        ]  # fmt: skip
        with psycopg.connect(self.primary_url, autocommit=True, connect_timeout=5) as conn:
            values = {name: conn.execute(f"show {name}").fetchone()[0] for name in shared}
        files = {
            "postgresql.conf": "".join(f"{name} = {value}\n" for name, value in values.items()),
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }
        for name, text in files.items():
            path = self.data / name
            path.write_text(text)
            if self.as_owner:
                shutil.chown(path, user="postgres")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, *params: str):
        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=5) as conn:
            return conn.execute(statement, params or None).fetchone()

    def scans(self, database: str) -> int:
        """Rows the replica itself returned in `database` (its own statistics)."""
        query = "SELECT tup_returned FROM pg_stat_database WHERE datname = %s"
        return int(self.sql(query, database)[0] or 0)

    def stop(self) -> None:
        """By the postmaster's PID (the first line of postmaster.pid)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().splitlines()[0])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)  # fast shutdown
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def post(author: Client, text: str) -> None:
    action, form = find_form(author.get(ARTICLE).text, having="form_token")
    posted = author.request("POST", action, form={**form, "body": text, "post": "1"})
    assert posted.status == 302, posted.status


def test_read_your_writes_and_falling_back_to_the_primary(
    tmp_path, static_var_dir, shared_database_url
):
    base = production_env(var_dir=static_var_dir, database_url=shared_database_url)
    prepare_database(base, members=2)
    approve_members(base, members=2)
    replica = Replica(shared_database_url)
    app = None
    try:
        replica.create_and_start()
        database = urllib.parse.urlsplit(shared_database_url).path.lstrip("/")
        env = {
            **base,
            "DATABASE_REPLICA_URL": replica.url(database),
            "DATABASE_REPLICA_RETRY_SECONDS": "1",
            # Earlier tests in the session may have used these members' minute of posts.
            "FORUM_POST_RATE": "1000/m,100000/h",
        }
        app, port = start_gunicorn(env, log_dir=tmp_path, workers=1)
        reader = Client(port)
        reader.sign_in("member1")
        reader.cookies.pop("recent_write")  # as if the sign-in were 10 s ago
        author = Client(port)
        author.sign_in("member0")
        # Streaming: a comment reaches the replica, and readers, at once.
        first = f"Streamed {time.time_ns()}"
        post(author, first)
        wait_until(lambda: first in reader.get(NEWEST).text, timeout=10, what="replication")

        # And the reads were the replica's: its own statistics count them.
        # (Checked once a second: just after a write the replica may count as lagging.)
        def replica_served_reads() -> bool:
            before = replica.scans(database)
            for path in ("/science/", "/science/search/?q=magnesium", ARTICLE):
                assert reader.get(path).status == 200
            time.sleep(1.1)  # statistics are flushed within a second
            return replica.scans(database) - before > 100

        wait_until(replica_served_reads, timeout=15, what="reads served by the replica")

        # Replay paused: the replica stands still. The author still sees their comment
        # (the recent_write cookie), and so does everyone else once the lag passes 5 s.
        replica.sql("SELECT pg_wal_replay_pause()")
        second = f"While the replica lags {time.time_ns()}"
        post(author, second)
        assert second in author.get(NEWEST).text, "the author missed their own write"
        assert second in author.twin().get(NEWEST).text
        # Past the two seconds in which a new discussion version is rendered from the
        # primary anyway: from here only falling back for the lag shows it to the reader.
        time.sleep(2.5)
        wait_until(
            lambda: second in reader.get(NEWEST).text, timeout=12,
            what="reads falling back to the primary past 5 s of lag",
        )  # fmt: skip
        assert "replica lagging" in app.log()
        replica.sql("SELECT pg_wal_replay_resume()")
        # (Checked as reads come in.)
        wait_until(
            lambda: reader.get("/science/").status == 200 and "replica back in use" in app.log(),
            timeout=10, what="the replica catching up",
        )  # fmt: skip

        # Stopped: reads fall back to the primary, nothing fails.
        replica.stop()
        time.sleep(0.5)
        third = f"With the replica gone {time.time_ns()}"
        post(author, third)
        statuses = [reader.get(ARTICLE).status for _ in range(5)]
        assert statuses.count(200) >= 4, statuses  # at most the one that found it gone
        wait_until(lambda: third in reader.get(NEWEST).text, timeout=5, what="the primary")
        assert "replica unreachable" in app.log()
    finally:
        if app is not None:
            app.stop()
        replica.destroy()
