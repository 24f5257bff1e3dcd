"""The `nginx_anonymous` scenario (issue 20): `anonymous_article`'s readers through
nginx running the shipped site configuration (aposbook/deploy/nginx.conf), its
one-second microcache in front of the benchmark's gunicorn.

The file is the one deployments include, with only this machine's ports, certificate and
folders put in (tests/reliability/harness.py `shipped_nginx_site`, the same templating
the nginx reliability test runs), inside a minimal main configuration. wrk reads the
article over HTTPS (the shipped server block is TLS; connections are kept alive, so the
handshakes are a few per run). Each second one request reaches the app (or one renders
in the background while readers get the second-old copy); the rest are answered by
nginx from its cache: the scenario shows what the deployment's front door serves, as a
ratio to the floor (what Django alone can serve). Skipped with a message when nginx is
not installed locally; CI installs it (.ci/run) and the smoke test insists on it there.
"""

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import time
from pathlib import Path

NGINX = "/usr/sbin/nginx"
MISSING = (
    "skipped: nginx is not installed (apt-get install nginx-light); CI installs it and "
    "runs this scenario"
)


def nginx_binary() -> str | None:
    found = shutil.which("nginx") or NGINX
    return found if Path(found).exists() else None


class Nginx:
    """nginx with the shipped site in front of `app_port`, stopped by its PID."""

    def __init__(self, binary: str, *, app_port: int, var_dir: Path) -> None:
        from tests.benchmarks.run import free_port
        from tests.reliability.harness import (
            NGINX_MAIN,
            nginx_user,
            self_signed_certificate,
            shipped_nginx_site,
        )

        self.work = var_dir / "nginx"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.http_port, self.tls_port = free_port(), free_port()
        self.base = f"https://127.0.0.1:{self.tls_port}"
        site = shipped_nginx_site(
            app_port=app_port,
            http_port=self.http_port,
            tls_port=self.tls_port,
            certs=self_signed_certificate(self.work),
            static_dir=var_dir / "static",
            cache_dir=self.work / "microcache",
        )
        main = NGINX_MAIN.format(user=nginx_user(), dir=self.work, site=site)
        # One nginx worker per core, as Debian's own nginx.conf has it (`auto`).
        main = main.replace("worker_processes 1;", "worker_processes auto;")
        main = main.replace("worker_connections 256;", "worker_connections 1024;")
        self.conf = self.work / "nginx.conf"
        self.conf.write_text(main)
        self.pid_file = self.work / "nginx.pid"  # NGINX_MAIN's pid directive
        self.command = [binary, "-c", str(self.conf), "-p", str(self.work), "-g", "daemon off;"]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.work / "nginx.out").open("w")
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.work / 'nginx.out').read_text()}")
            with contextlib.suppress(OSError):
                if self.get("/healthz")[0] == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("nginx did not answer within 15 s")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.tls_port, timeout=10, context=context
        )
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
            response = connection.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                (response.read()),
            )
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # nginx's fast shutdown
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def measure_nginx(server, *, dataset, options, label: str = "nginx_anonymous") -> dict:
    """`anonymous_article` as wrk sees it through nginx; figures as `measure`'s, plus
    what the microcache did with a sample of requests."""
    from tests.benchmarks.run import count_queries, run_wrk
    from tests.benchmarks.scenarios import SCENARIOS, lua_script

    binary = nginx_binary()
    if binary is None:
        return {"available": False, "note": MISSING}
    readers = SCENARIOS[1]
    article_url = dataset.article.get_absolute_url()
    proxy = Nginx(binary, app_port=server.port, var_dir=options.var_dir)
    try:
        proxy.start()
        headers = dict(readers.headers)
        statuses = [proxy.get(article_url, headers) for _ in range(3)]
        status, first, _ = statuses[-1]
        if status != 200 or first.get("content-encoding") != "gzip":
            return {"available": False, "note": f"nginx answered {status}", "status": status}
        cache_statuses = sorted({h.get("x-cache-status", "") for _, h, _ in statuses})

        def script() -> str:
            return lua_script(
                readers,
                paths=[article_url],
                sessions=[],
                nonce=secrets.token_hex(4),
                threads=options.threads,
            )

        if options.warmup:
            run_wrk(
                server,
                script(),
                seconds=options.warmup,
                options=options,
                label=f"{label}-warmup",
                base=proxy.base,
            )
        boots = server.worker_boots()
        figures = run_wrk(
            server, script(), seconds=options.duration, options=options, label=label,
            base=proxy.base,
        )  # fmt: skip
        restarts = server.worker_boots() - boots
    finally:
        proxy.stop()
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "available": True,
        "rps": round(figures["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "errors": errors,
        # What the app ran for a request that reached it (most never do).
        "queries": count_queries(readers, paths=[article_url], sessions=[])["queries"],
        "status": status,
        "requests": figures["requests"],
        "kb_per_response": round(figures["bytes"] / max(figures["requests"], 1) / 1024, 1),
        "rss_mb": server.worker_rss_mb(),
        "worker_restarts": restarts,
        "x_cache_status": cache_statuses,  # of three requests before the run
        "scheme": "https",
    }
