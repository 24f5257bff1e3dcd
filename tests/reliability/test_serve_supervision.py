"""`make serve` on PostgreSQL outlives a database blip and a dead task worker (issue 13):
the worker waits the outage out, is restarted when killed, and gunicorn never stops."""

import os
import signal
import time

from tests.reliability.harness import (
    Client,
    Process,
    free_port,
    production_env,
    wait_until,
)
from tests.reliability.test_deploy_steps import descendants


def worker_pids(serve: Process) -> list[int]:
    return [pid for pid, args in descendants(serve.pid) if "run_worker" in args]


def test_make_serve_survives_a_database_blip_and_a_killed_worker(tmp_path, cluster):
    env = production_env(var_dir=tmp_path / "var", database_url=cluster.url)
    port = free_port()
    serve = Process(
        "serve", ["make", "--no-print-directory", "serve", f"PORT={port}"], env=env,
        log_path=tmp_path / "serve.log",
    )  # fmt: skip
    client = Client(port)
    try:
        wait_until(lambda: client.get("/readyz").status == 200, timeout=240, interval=0.5,
                   what="make serve to answer /readyz")  # fmt: skip
        (worker,) = wait_until(lambda: worker_pids(serve), timeout=20, what="the task worker")

        # A database blip: the worker loses its connection and waits it out.
        cluster.stop()
        time.sleep(4)
        assert client.get("/healthz").status == 200
        cluster.start()
        wait_until(lambda: client.get("/readyz").status == 200, timeout=20, what="recovery")
        time.sleep(2)
        assert worker_pids(serve) == [worker], "the worker exited on a lost connection"
        assert "database unavailable" in serve.log()

        # A killed worker is started again; gunicorn serves all along.
        os.kill(worker, signal.SIGKILL)
        restarted = wait_until(
            lambda: [pid for pid in worker_pids(serve) if pid != worker],
            timeout=20,
            what="a new task worker",
        )
        assert restarted
        assert client.get("/science/magnesium-for-fibromyalgia/").status == 200
        assert serve.alive()
    finally:
        serve.stop()
