"""`make bench`: build the dataset, start production gunicorn, measure with wrk, report.

    python -m tests.benchmarks            # full: 20 s per scenario, every size
    python -m tests.benchmarks --quick    # under two minutes: 3 s runs, capped sizes
    python -m tests.benchmarks --quick --tiny   # the smoke test's tiny dataset

PostgreSQL when DATABASE_URL is set (the harness creates and drops its own database,
BENCH_DATABASE_NAME, default `aposbook_bench`, on that server), otherwise a SQLite file
under the benchmark's var directory (var/bench/). The cache is production's: Redis when
REDIS_URL is set, otherwise the database cache. Results: var/bench/latest.json and
latest.md, plus timestamped copies.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_VAR_DIR = BASE_DIR / "var" / "bench"
RESERVED_PORTS = range(8000, 8020)  # the team's dev servers
SHIPPED_GUNICORN_CONFIG = BASE_DIR / "aposbook" / "gunicorn.conf.py"
WORKERS = 2

WRK_MISSING = """\
wrk is not installed. It is the load generator `make bench` drives; install it from
Debian's packages:

    sudo apt-get install wrk
"""


@dataclass(frozen=True)
class Options:
    quick: bool
    tiny: bool
    duration: int
    warmup: int
    threads: int
    connections: int
    var_dir: Path
    keep_db: bool
    profile: bool
    only: tuple[str, ...] = ()  # scenario names; empty: the whole run


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s runs, capped sizes")
    parser.add_argument("--tiny", action="store_true", help="a tiny dataset (smoke test)")
    parser.add_argument("--duration", type=int, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, help="seconds of warm-up before each run (0: none)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR)
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--profile", action="store_true", help="also profile the anonymous article page"
    )
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help="comma-separated scenarios to run (the floor always runs); skips the sizes",
    )
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("QUICK", "") not in {"", "0"}
    tiny = args.tiny or os.environ.get("BENCH_TINY", "") not in {"", "0"}
    return Options(
        quick=quick,
        tiny=tiny,
        duration=args.duration or (1 if tiny else 3 if quick else 20),
        # The smoke test's tiny runs skip the warm-up: they check figures, not speed.
        warmup=args.warmup if args.warmup is not None else (0 if tiny else 1 if quick else 3),
        threads=args.threads,
        connections=args.connections,
        var_dir=args.var_dir.resolve(),
        keep_db=args.keep_db,
        profile=args.profile,
        only=tuple(name.strip() for name in args.only.split(",") if name.strip()),
    )


# --- Environment and database -------------------------------------------------
def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


def configure_environment(options: Options) -> dict:
    """Production settings for this process and gunicorn; returns the database facts."""
    options.var_dir.mkdir(parents=True, exist_ok=True)
    database = {"vendor": "sqlite", "name": str(options.var_dir / "aposbook.sqlite3")}
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url:
        import dj_database_url

        name = os.environ.get("BENCH_DATABASE_NAME", "aposbook_bench")
        parsed = dj_database_url.parse(server_url)
        if "postgres" not in parsed["ENGINE"]:
            raise SystemExit(f"DATABASE_URL: only PostgreSQL is supported, not {parsed['ENGINE']}")
        database = {"vendor": "postgresql", "name": name, "server": parsed}
        os.environ["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + name
    # Its own keys in a shared Redis: named after its database (or its SQLite folder).
    own = database["name"] if database["vendor"] == "postgresql" else str(options.var_dir)
    os.environ.setdefault(
        "BENCH_CACHE_KEY_PREFIX", "aposbook-bench-" + hashlib.sha256(own.encode()).hexdigest()[:8]
    )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain http on 127.0.0.1: no HTTPS redirect or secure-only cookies.
            "DJANGO_HTTPS": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "APOSBOOK_VAR_DIR": str(options.var_dir),
            "APOSBOOK_BENCH_FLOOR_FILE": str(options.var_dir / "floor.html"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "SITE_URL": "http://127.0.0.1",
            # Posting measures the view, not the per-member limiter (5/m in production):
            # the counters are still kept, the limit is never reached.
            "FORUM_POST_RATE": "100000/s",
            # Reporting measures the report, not the auto-hide: a comment hidden after
            # three reports answers 404 to the next reporter (wrk cycles the comments).
            "FORUM_HIDE_AFTER_REPORTS": "1000000",
        }
    )
    return database


def recreate_database(database: dict, *, drop_only: bool = False) -> None:
    if database["vendor"] == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(database["name"] + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    server = database["server"]
    with psycopg.connect(
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        name = sql.Identifier(database["name"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def clear_cache() -> None:
    """Empty the benchmark's cache: its Redis keys (prefix only) or its database table."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
    else:
        cache.clear()


def prepare_site(options: Options) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clear_cache()


# --- gunicorn -----------------------------------------------------------------
class Server:
    """Production gunicorn (2 sync workers) on a free 127.0.0.1 port, stopped by PID."""

    def __init__(self, var_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = var_dir / "gunicorn.log"
        self.pid_file = var_dir / "gunicorn.pid"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # The shipped configuration, as every app server runs it (max_requests and its
        # jitter included: workers are recycled during the runs, as in production); only
        # where it listens and logs is the harness's. Its log level stays at info, so
        # each worker's boot is a line in the log (`worker_boots`).
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            f"--config={SHIPPED_GUNICORN_CONFIG}",
            f"--error-logfile={self.log}",
        ]
        env = os.environ | {
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_LOG_LEVEL": "info",
        }
        self.log.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, start_new_session=True, stdin=subprocess.DEVNULL
        )
        self.pid_file.write_text(str(self.process.pid))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start; see {self.log}")
            with contextlib.suppress(OSError):
                if self.fetch("/robots.txt")[0] == 200:
                    return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within 30 s; see {self.log}")

    def fetch(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
        return pids

    def worker_boots(self) -> int:
        """Workers booted so far (gunicorn's own log line): the first ones, then one per
        recycling by max_requests (or per worker that died)."""
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace").count("Booting worker with pid")
        return 0

    def worker_rss_mb(self) -> float | None:
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return round(max(sizes), 1) if sizes else None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.pid_file.unlink(missing_ok=True)


# --- Measuring ----------------------------------------------------------------
def run_wrk(
    server: Server,
    script: str,
    *,
    seconds: int,
    options: Options,
    label: str,
    base: str | None = None,
    connections: int | None = None,
) -> dict:
    """wrk against `server` (or `base`, another front door to it, such as nginx), with
    the run's connections unless told otherwise (never more threads than connections)."""
    connections = connections or options.connections
    path = options.var_dir / "wrk" / f"{label}.lua"
    path.parent.mkdir(exist_ok=True)
    path.write_text(script)
    command = [
        "wrk",
        f"-t{min(options.threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout=10s",
        "--latency",
        f"-s{path}",
        base or server.base,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk gave no figures ({result.returncode}): {result.stderr.strip()}")


def count_queries(scenario, *, paths: list[str], sessions: list) -> dict:
    """Two in-process requests through the test client; the second (warm) one's queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    session = sessions[-1] if sessions else None
    if session is not None:
        client.cookies["sessionid"] = session.session_key
        client.cookies["csrftoken"] = session.csrf_token
    statuses = []
    queries = None
    for attempt, path in enumerate([paths[-1], paths[-2] if len(paths) > 1 else paths[-1]]):
        data = {k: v.replace("__N__", f"q{attempt}") for k, v in scenario.form.items()}
        if session is not None:
            data["csrfmiddlewaretoken"] = session.csrf_token
        if scenario.token_field:
            data[scenario.token_field] = str(uuid.uuid4())
        with CaptureQueriesContext(connection) as captured:
            post = scenario.method == "POST"
            response = client.post(path, data) if post else client.get(path)
        queries = len(captured)
        statuses.append(response.status_code)
        if response.status_code == 404:
            break
    return {"status": statuses[-1], "queries": queries}


def measure(server: Server, scenario, *, paths, sessions, options: Options, label: str) -> dict:
    try:
        checked = count_queries(scenario, paths=paths, sessions=sessions)
    except Exception as error:
        return {"available": False, "note": f"error in-process: {type(error).__name__}: {error}"}
    if checked["status"] == 404:
        return {"available": False, "note": "not available (404)", "status": 404}
    from tests.benchmarks.scenarios import lua_script

    connections = scenario.connections or options.connections
    threads = min(options.threads, connections)

    def script(start: int) -> str:
        return lua_script(
            scenario,
            paths=paths,
            sessions=sessions,
            nonce=secrets.token_hex(4),
            threads=threads,
            start=start,
        )

    warmed = 0
    if options.warmup:
        warm = run_wrk(
            server,
            script(0),
            seconds=options.warmup,
            options=options,
            label=f"{label}-warmup",
            connections=connections,
        )
        warmed = warm["requests"]
    boots = server.worker_boots()
    figures = run_wrk(
        server,
        script(warmed),
        seconds=options.duration,
        options=options,
        label=label,
        connections=connections,
    )
    restarts = server.worker_boots() - boots
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "available": True,
        "rps": round(figures["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "errors": errors,
        "queries": checked["queries"],
        "status": checked["status"],
        "requests": figures["requests"],
        "kb_per_response": round(figures["bytes"] / max(figures["requests"], 1) / 1024, 1),
        "rss_mb": server.worker_rss_mb(),
        # Workers recycled during the measured run (max_requests, as shipped).
        "worker_restarts": restarts,
        "connections": connections,
    }


# --- The run ------------------------------------------------------------------
def machine_facts(database: dict, *, load_at_start: float) -> dict:
    import django
    from django.conf import settings
    from django.db import connection

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    wrk_version = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    ).stdout.split("\n")[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {db_version}",
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "platform": platform.platform(),
        "wrk": wrk_version.strip(),
        # The host's load when the run started: other work on the machine skews raw rates.
        "load_average_1m_at_start": load_at_start,
    }


def run(options: Options) -> dict:
    load_at_start = round(os.getloadavg()[0], 2)
    database = configure_environment(options)
    recreate_database(database)
    import django

    django.setup()
    from tests.benchmarks import dataset as data
    from tests.benchmarks import rendering
    from tests.benchmarks.scenarios import POST_PROBE, SCENARIOS
    from tests.benchmarks.sessions import sign_in

    sizes = data.TINY if options.tiny else data.QUICK if options.quick else data.FULL
    log = Log()
    prepare_site(options)
    log(f"site ready ({database['vendor']})")
    built = data.build(sizes)
    log(f"dataset: {len(built.comments)} comments, {sizes.reports} reports, {sizes.held} held")
    scale_articles = {
        n: data.scaling_article(template=built.article, comments=n, dataset=built)
        for n in sizes.article_scaling
    }
    log(f"scaling articles: {', '.join(map(str, scale_articles))} comments")
    if not options.only or "search" in options.only:
        searched = data.search_corpus(
            template=built.article, comments=sizes.search_comments, dataset=built
        )
        log(f"search corpus: {searched} comments more, index rebuilt")
    sessions = {
        "member": [sign_in(member) for member in data.signed_in_members(built.members)],
        "moderator": [sign_in(built.moderator)],
    }
    results: dict = {
        "mode": "tiny" if options.tiny else "quick" if options.quick else "full",
        "settings": {
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "threads": options.threads,
            "connections": options.connections,
            "gunicorn_workers": WORKERS,
            "gunicorn_config": "aposbook/gunicorn.conf.py (shipped)",
            "dataset": vars(sizes) | {"build_seconds": round(built.seconds, 1)},
        },
        "scenarios": {},
        "checks": {},
        "scaling": {"article": {}, "queue": {}},
    }
    server = Server(options.var_dir)
    try:
        server.start()
        status, page = server.fetch(built.article.get_absolute_url())
        if status != 200:
            raise SystemExit(f"the article page answered {status}; see {server.log}")
        (options.var_dir / "floor.html").write_bytes(page)
        _, gzipped = server.fetch(built.article.get_absolute_url(), {"Accept-Encoding": "gzip"})
        # The floor sends what the page sends a reader who accepts gzip (none if it did not).
        gzipped = gzipped if gzipped[:2] == b"\x1f\x8b" else b""
        (options.var_dir / "floor.html.gz").write_bytes(gzipped)
        log(f"gunicorn on {server.base}; floor page {len(page) // 1024} KB")

        for scenario in SCENARIOS:
            if options.only and scenario.name not in {"floor", *options.only}:
                continue
            paths = scenario.paths(built)
            figures = measure(
                server,
                scenario,
                paths=paths,
                sessions=sessions.get(scenario.session, []),
                options=options,
                label=scenario.name,
            )
            results["scenarios"][scenario.name] = figures
            log(f"{scenario.name}: {_short(figures)}")
        if not options.only or "viral_article" in options.only:
            from tests.benchmarks.viral import measure_viral

            figures = measure_viral(
                server, dataset=built, sessions=sessions["member"], options=options
            )
            results["scenarios"]["viral_article"] = figures
            log(
                f"viral_article: {_short(figures)}; {figures['posts_per_s']} posts/s, "
                f"freshness p99 {figures['freshness_p99_s']} s"
            )
        if not options.only or "nginx_anonymous" in options.only:
            from tests.benchmarks.nginx import measure_nginx

            figures = measure_nginx(server, dataset=built, options=options)
            results["scenarios"]["nginx_anonymous"] = figures
            cached = figures.get("x_cache_status", "")
            log(f"nginx_anonymous: {_short(figures)}; microcache {cached}")
        if not options.only:  # the sizes and the probe: whole runs only
            results["checks"]["post_probe"] = measure(
                server,
                POST_PROBE,
                paths=POST_PROBE.paths(built),
                sessions=sessions["member"],
                options=options,
                label="post_probe",
            )
            log(f"post_probe: {_short(results['checks']['post_probe'])}")

            anonymous = SCENARIOS[1]
            for n, article in scale_articles.items():
                figures = measure(
                    server,
                    anonymous,
                    paths=[article.get_absolute_url()],
                    sessions=[],
                    options=options,
                    label=f"article-{n}",
                )
                member = count_queries(
                    SCENARIOS[2], paths=[article.get_absolute_url()], sessions=sessions["member"]
                )
                figures["member_queries"] = member["queries"]
                results["scaling"]["article"][str(n)] = figures
                log(f"article page at {n} comments: {_short(figures)}")

            queue = SCENARIOS[4]
            queue_article = data.scaling_article(template=built.article, comments=1, dataset=built)
            for n in sizes.queue_scaling:
                data.fill_queue(items=n, article=queue_article, dataset=built)
                figures = measure(
                    server,
                    queue,
                    paths=queue.paths(built),
                    sessions=sessions["moderator"],
                    options=options,
                    label=f"queue-{n}",
                )
                results["scaling"]["queue"][str(n)] = figures
                log(f"queue at {n} items: {_short(figures)}")
        results["worker_rss_mb"] = server.worker_rss_mb()
    finally:
        server.stop()

    results["rendering"] = rendering.benchmark([source for source, _ in built.sources])
    log(f"rendering: {results['rendering']['comments_per_second']} comments/s")
    if options.profile:
        results["profile"] = profile_article(built.article.get_absolute_url(), options.var_dir)
        log(f"profile: {results['profile']}")
    results["machine"] = machine_facts(database, load_at_start=load_at_start)
    add_ratios(results)
    from django.db import connections

    connections.close_all()
    if database["vendor"] == "postgresql" and not options.keep_db:
        recreate_database(database, drop_only=True)
    return results


def add_ratios(results: dict) -> None:
    floor = results["scenarios"].get("floor", {})
    floor_rps = floor.get("rps")
    floor_p99 = floor.get("p99_ms")
    for figures in [
        *results["scenarios"].values(),
        *results["scaling"]["article"].values(),
        *results["scaling"]["queue"].values(),
    ]:
        available = figures.get("available") and floor_rps
        figures["ratio_to_floor"] = round(figures["rps"] / floor_rps, 3) if available else None
        if available and floor_p99:
            figures["p99_to_floor"] = round(figures["p99_ms"] / floor_p99, 2)
        for key in ("rps", "p50_ms", "p99_ms", "errors", "queries"):
            figures.setdefault(key, None)


def profile_article(path: str, var_dir: Path) -> str:
    """pyinstrument over 50 warm in-process anonymous requests; writes text and HTML."""
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(path)
    var_dir.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(50):
            client.get(path)
    (var_dir / "profile-anonymous_article.txt").write_text(
        profiler.output_text(unicode=True, color=False, show_all=False)
    )
    (var_dir / "profile-anonymous_article.html").write_text(profiler.output_html())
    return str(var_dir / "profile-anonymous_article.txt")


class Log:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _short(figures: dict) -> str:
    if not figures.get("available"):
        return figures.get("note", "not available")
    return (
        f"{figures['rps']} req/s, p99 {figures['p99_ms']} ms, "
        f"{figures['errors']} errors, {figures['queries']} queries, status {figures['status']}, "
        f"{figures.get('worker_restarts', 0)} worker restarts"
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        print(WRK_MISSING, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    results = run(options)
    from tests.benchmarks.report import markdown, table

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    results["finished_at"] = stamp
    text = json.dumps(results, indent=2)
    md = markdown(results)
    for name in ("latest", f"bench-{stamp}"):
        (options.var_dir / f"{name}.json").write_text(text)
        (options.var_dir / f"{name}.md").write_text(md)
    print(table(results))
    print(f"\nWritten: {options.var_dir / 'latest.json'} and latest.md (+ bench-{stamp}.*)")
    return 0
