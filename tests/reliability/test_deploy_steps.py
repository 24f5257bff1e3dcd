"""The README's deployment steps, followed once from a clean var/ folder: `make serve`
prepares everything and runs gunicorn with the task worker. (The deploy check itself runs
in the fast suite: tests/aposbook/test_settings.py.)"""

import json
import os
import re
import signal
import subprocess
import time

from tests.reliability.harness import (
    REPO,
    Client,
    Process,
    free_port,
    production_env,
    wait_until,
)


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process below pid."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True)
    rows = [line.split(None, 2) for line in out.stdout.splitlines() if line.strip()]
    found, parents = [], {pid}
    for _ in range(6):
        for child, parent, args in rows:
            if int(parent) in parents and int(child) not in parents:
                parents.add(int(child))
                found.append((int(child), args))
    return found


def test_make_serve_without_secret_key_explains_what_to_set(tmp_path):
    env = production_env(var_dir=tmp_path, database_url="")
    del env["DJANGO_SECRET_KEY"], env["DATABASE_URL"]
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_make_serve_from_a_clean_var_folder(tmp_path):
    var_dir = tmp_path / "var"
    env = production_env(var_dir=var_dir, database_url="")
    del env["DATABASE_URL"]  # the documented default: SQLite under APOSBOOK_VAR_DIR
    port = free_port()
    serve = Process(
        "serve", ["make", "--no-print-directory", "serve", f"PORT={port}"], env=env,
        log_path=tmp_path / "serve.log",
    )  # fmt: skip
    try:
        client = Client(port)
        wait_until(
            lambda: client.get("/readyz").status == 200, timeout=240, interval=0.5,
            what="make serve to answer /readyz",
        )  # fmt: skip
        ready = client.get("/readyz")
        assert json.loads(ready.text) == {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok"},
        }
        assert "no-cache" in ready.header("Cache-Control")
        article = client.get("/science/magnesium-for-fibromyalgia/")
        assert article.status == 200
        # Static files: hashed, compressed names from collectstatic, served by whitenoise.
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', article.text).group(1)
        assert stylesheet.startswith("/static/css/site.")
        assert stylesheet != "/static/css/site.css"
        css = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
        assert css.status == 200
        assert "immutable" in css.header("Cache-Control")
        assert (var_dir / "static" / "staticfiles.json").exists()
        running = [args for _, args in descendants(serve.pid)]
        assert any("run_worker" in args for args in running), running
        assert sum("gunicorn" in args for args in running) == 3  # master + 2 workers

        # SIGTERM to the launcher stops gunicorn and the worker together.
        serve_script = next(p for p, args in descendants(serve.pid) if "serve.sh" in args)
        os.kill(serve_script, signal.SIGTERM)
        wait_until(lambda: not descendants(serve.pid), timeout=30, what="make serve to stop")
        time.sleep(0.2)
        assert "Shutting down: Master" in serve.log()
        assert "shutting down gracefully" in serve.log()
        assert "Traceback" not in serve.log()
    finally:
        serve.stop()
