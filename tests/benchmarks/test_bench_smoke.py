"""`make bench QUICK=1` on a tiny dataset still produces every figure.

Asserts that the benchmark ran and wrote numbers, never what the numbers are: speed
is compared as ratios inside one benchmark run, not asserted in tests. The run starts
gunicorn and wrk, so it has a hard timeout and stops what it started by PID.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.nginx import MISSING as NGINX_MISSING
from tests.benchmarks.nginx import nginx_binary
from tests.benchmarks.scenarios import SCENARIO_NAMES

BASE_DIR = Path(__file__).resolve().parents[2]
TIMEOUT = 150
FIGURES = ("rps", "p50_ms", "p99_ms", "errors", "queries", "ratio_to_floor")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # each was started in its own session: pgid == pid


@pytest.fixture
def bench_run(tmp_path):
    """Run the quick, tiny benchmark in a subprocess; its results as a dict."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "tests.benchmarks", "--quick", "--tiny", "--var-dir", tmp_path]
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _stop(process.pid)
        output, _ = process.communicate()
        pytest.fail(f"the benchmark took over {TIMEOUT} s:\n{output[-3000:]}")
    finally:
        pid_file = tmp_path / "gunicorn.pid"
        if pid_file.exists():  # the harness removes it once gunicorn has stopped
            _stop(int(pid_file.read_text()))
        nginx_pid = tmp_path / "nginx" / "nginx.pid"
        if nginx_pid.exists():  # nginx removes it when it stops
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(nginx_pid.read_text()), signal.SIGKILL)
    assert process.returncode == 0, output[-3000:]
    assert not (tmp_path / "gunicorn.pid").exists(), "gunicorn was left running"
    assert not (tmp_path / "nginx" / "nginx.pid").exists(), "nginx was left running"
    return json.loads((tmp_path / "latest.json").read_text()), tmp_path


def test_quick_tiny_run_reports_every_figure(bench_run):
    results, var_dir = bench_run

    assert set(results["scenarios"]) == {*SCENARIO_NAMES, "viral_article", "nginx_anonymous"}
    # The shipped gunicorn configuration, workers recycled as in production.
    assert results["settings"]["gunicorn_config"].startswith("aposbook/gunicorn.conf.py")
    assert all(
        _is_number(f["worker_restarts"]) for f in results["scenarios"].values() if f["available"]
    )
    through_nginx = results["scenarios"]["nginx_anonymous"]
    if os.environ.get("CI") or nginx_binary() is not None:
        # CI installs nginx (.ci/run): there the scenario must run, never skip.
        assert through_nginx["available"], through_nginx
        assert "HIT" in through_nginx["x_cache_status"], through_nginx
    else:
        assert through_nginx["note"] == NGINX_MISSING
    viral = results["scenarios"]["viral_article"]
    assert viral["posts"] > 0
    assert viral["freshness_samples"] > 0
    for name, figures in results["scenarios"].items():
        assert set(FIGURES) <= set(figures), name
        if figures["available"]:
            assert all(_is_number(figures[key]) for key in FIGURES), (name, figures)
        elif name != "nginx_anonymous":
            # Forum and moderation URLs land in other branches; until then: said plainly.
            assert figures["note"] == "not available (404)", (name, figures)
    for name in ("floor", "anonymous_article", "member_article", "search"):
        assert results["scenarios"][name]["available"], name
    assert results["scenarios"]["floor"]["ratio_to_floor"] == 1.0
    # Search's target is one reader's wait: measured one request at a time, the others
    # with the run's connections.
    assert results["scenarios"]["search"]["connections"] == 1
    assert results["scenarios"]["anonymous_article"]["connections"] == 8

    # The POST machinery (session cookie, CSRF cookie + field, one-time form token)
    # works end to end: every probe request was accepted as new.
    probe = results["checks"]["post_probe"]
    assert probe["status"] == 303
    assert probe["errors"] == 0
    assert probe["requests"] > 0

    article_sizes = results["scaling"]["article"]
    assert set(article_sizes) == {"10", "50"}
    assert all(_is_number(f["rps"]) and _is_number(f["queries"]) for f in article_sizes.values())
    assert set(results["scaling"]["queue"]) == {"10", "50"}

    rendering = results["rendering"]
    assert _is_number(rendering["comments_per_second"])
    assert _is_number(rendering["slowest_ms"])
    assert rendering["hostile_ms"]
    assert {"cpu", "cores", "python", "django", "database"} <= set(results["machine"])

    assert (var_dir / "latest.md").read_text().startswith("# Benchmark")
    assert len(list(var_dir.glob("bench-*.json"))) == 1
