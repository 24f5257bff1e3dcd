"""Processes for the reliability suite: a throwaway PostgreSQL cluster, gunicorn app
servers in production mode, nginx as a load balancer, and a small cookie-keeping HTTP
client. Everything binds 127.0.0.1 on free ports, is bounded in time, and is stopped by
the PID (process group) it was started with."""

from __future__ import annotations

import contextlib
import glob
import html.parser
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECRET_KEY = "reliability-" + secrets.token_urlsafe(40)
MEMBER_PASSWORD = "correct horse battery staple 7"
# Settings a developer's shell may carry that must not leak into the servers under test.
_CLEARED = ("DJANGO_", "DATABASE_", "REDIS_URL", "APOSBOOK_", "TASKS_BACKEND", "EMAIL_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            result = predicate()
            if result:
                return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def required_env(name: str) -> str:
    """In CI a missing service is a failure, never a skip."""
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"the reliability suite needs {name} (see README: Reliability suite)")
    return value


def production_env(*, var_dir: Path, database_url: str, redis_url: str = "", **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CLEARED)}
    env.update(
        DJANGO_SETTINGS_MODULE="aposbook.settings",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",  # plain http on 127.0.0.1: the documented opt-out
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        APOSBOOK_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["DJANGO_CACHE_KEY_PREFIX"] = "reliability-" + secrets.token_hex(4)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 180) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def shell_output(env: dict, code: str) -> str:
    """The last line `manage.py shell -c code` printed (what the code printed last)."""
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


CREATE_MEMBERS = """
from allauth.account.models import EmailAddress
from aposbook.models import User
for i in range({count}):
    user, created = User.objects.get_or_create(
        username=f"member{{i}}", defaults={{"email": f"member{{i}}@example.com"}})
    user.set_password({password!r})
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={{"verified": True, "primary": True}})
"""


def prepare_database(env: dict, *, members: int = 8) -> None:
    """The deployment steps against a fresh database, plus verified members to sign in."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "load_content")
    manage(env, "shell", "-c", CREATE_MEMBERS.format(count=members, password=MEMBER_PASSWORD))


APPROVE_MEMBERS = """
from aposbook.models import User
from articles.models import Article
from forum.models import Comment, CommentStatus
from forum.services import post_comment
article = Article.objects.get(slug={slug!r})
for user in User.objects.filter(username__in={names!r}):
    body = f"Glad to read this, {{user.username}}."
    comment = post_comment(author=user, article=article, body=body)
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PUBLISHED)
"""


def approve_members(env: dict, *, members: int, slug: str = "magnesium-for-fibromyalgia") -> None:
    """Each member gets one published comment, as a moderator's approval would leave it:
    new members are premoderated (FORUM_PREMODERATE_UNTIL_APPROVED), established ones not."""
    names = [f"member{i}" for i in range(members)]
    # Set-up standing in for their history, not a test of the posting limit: earlier tests
    # in the session may have had these members post their minute's worth already.
    history = {**env, "FORUM_POST_RATE": "1000/m,100000/h"}
    manage(history, "shell", "-c", APPROVE_MEMBERS.format(slug=slug, names=names))


class Process:
    """A child in its own process group, so stopping it also stops its workers."""

    def __init__(self, name: str, args: list[str], *, env: dict, log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args,
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _group_alive(self) -> bool:
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self, timeout: float = 15) -> None:
        """Stop the whole group, even if its leader already exited (orphans stay in it)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self._group_alive() and time.monotonic() < deadline:
            self.popen.poll()
            time.sleep(0.1)
        if self._group_alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)
        self._log.close()


def start_gunicorn(env: dict, *, log_dir: Path, workers: int = 2, name: str = "web") -> tuple:
    port = free_port()
    server_env = {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    server_env.setdefault("GUNICORN_TIMEOUT", "20")
    process = Process(
        name,
        [PYTHON, "-m", "gunicorn", "--config", "aposbook/gunicorn.conf.py"],
        env=server_env,
        log_path=log_dir / f"{name}.log",
    )
    try:
        wait_until(
            lambda: process.alive() and Client(port).get("/healthz").status == 200,
            timeout=30,
            what=f"gunicorn {name} on port {port}",
        )
    except AssertionError:
        process.stop()
        raise AssertionError(f"gunicorn {name} did not start:\n{process.log()[-3000:]}") from None
    return process, port


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb in a temporary folder, a free port).

    PostgreSQL refuses to run as root, so as root its commands run as `postgres`."""

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            pytest.fail("initdb not found in /usr/lib/postgresql/*/bin (install postgresql)")
        self.bin = Path(binaries[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="aposbook-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{tool} failed: {result.stdout}{result.stderr}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=50"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# nginx's main context with its pid, logs and temporary files in a folder of our own;
# {site} is what goes inside `http { }` (a load balancer here, the shipped config in
# test_nginx.py).
NGINX_MAIN = """
worker_processes 1;
user {user};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{site}
}}
"""

NGINX_CONF = """
    upstream app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $host;
            proxy_set_header X-Request-ID $http_x_request_id;
            proxy_next_upstream off;
        }}
    }}
"""


def shipped_nginx_site(
    *, app_port: int, http_port: int, tls_port: int, certs, static_dir, cache_dir
) -> str:
    """aposbook/deploy/nginx.conf as shipped, with this machine's ports, certificate and
    folders (what goes inside `http { }`); the benchmark's nginx_anonymous runs it too."""
    site = (REPO / "aposbook/deploy/nginx.conf").read_text()
    replacements = [
        (r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{app_port} "),
        (r"listen \[::\]:\d+[^;]*;\n", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        (r"ssl_certificate /\S+;", f"ssl_certificate {certs[0]};"),
        (r"ssl_certificate_key /\S+;", f"ssl_certificate_key {certs[1]};"),
        (r"alias /srv/aposbook/var/static/;", f"alias {static_dir}/;"),
        (r"proxy_cache_path /var/cache/nginx/aposbook ", f"proxy_cache_path {cache_dir} "),
    ]
    for pattern, value in replacements:
        site, count = re.subn(pattern, value, site)
        assert count, f"nginx.conf no longer has {pattern!r}"
    return site


def self_signed_certificate(work_dir: Path) -> tuple[Path, Path]:
    certs = (work_dir / "cert.pem", work_dir / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(certs[1]), "-out", str(certs[0])],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return certs


def nginx_user() -> str:
    return "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")


def start_nginx(upstream_ports: list[int], *, work_dir: Path) -> tuple[Process, int]:
    """Debian's nginx as a round-robin load balancer, with its own config, pid and logs."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx not found (apt-get install nginx-light)")
    port = free_port()
    work_dir.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    conf = work_dir / "nginx.conf"
    site = NGINX_CONF.format(port=port, servers=servers)
    conf.write_text(NGINX_MAIN.format(dir=work_dir, site=site, user=nginx_user()))
    process = Process(
        "nginx",
        [nginx, "-c", str(conf), "-p", str(work_dir), "-g", "daemon off;"],
        env=dict(os.environ),
        log_path=work_dir / "nginx.out",
    )
    try:
        wait_until(lambda: Client(port).get("/healthz").status == 200, timeout=15, what="nginx")
    except AssertionError:
        process.stop()
        raise AssertionError(f"nginx did not start: {process.log()}") from None
    return process, port


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str
    seconds: float

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Client:
    """A browser stand-in: keeps cookies, reads CSRF tokens from forms, no redirects."""

    port: int
    # The Host header; servers behind one load balancer all see the public name.
    host: str = ""
    timeout: float = 10
    cookies: dict[str, str] = field(default_factory=dict)
    # The member signed in (sign_in sets it), for the load test's ledger.
    name: str = ""
    # HTTPS (nginx's TLS port, with its self-made certificate: not verified).
    tls: bool = False

    def request(
        self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None
    ) -> Response:
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        all_headers = {"Host": self.host or f"127.0.0.1:{self.port}", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            if self.tls:  # Django checks a secure POST's origin, as browsers send it
                all_headers.setdefault("Origin", f"https://{all_headers['Host']}")
                all_headers.setdefault("Referer", f"https://{all_headers['Host']}{path}")
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            headers_out = {k.lower(): v for k, v in raw.getheaders()}
            return Response(raw.status, headers_out, text, time.monotonic() - started)
        finally:
            connection.close()

    def _connection(self) -> http.client.HTTPConnection:
        if not self.tls:
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=self.timeout, context=context
        )

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = _CSRF_FIELD.search(page.text)
        assert match, f"no form with a CSRF token on {path} ({page.status})"
        return match.group(1)

    def post_form(self, path: str, data: dict, *, form_page: str | None = None) -> Response:
        token = self.csrf_token(form_page or path)
        return self.request("POST", path, form={"csrfmiddlewaretoken": token, **data})

    def sign_in(self, username: str, password: str = MEMBER_PASSWORD) -> Response:
        response = self.post_form("/accounts/login/", {"login": username, "password": password})
        assert response.status == 302, f"sign-in of {username} failed: {response.status}"
        self.name = username
        return response

    def twin(self) -> Client:
        """The same browser in another tab: same cookies, its own connection."""
        return Client(self.port, self.host, self.timeout, dict(self.cookies), self.name, self.tls)


class _Forms(html.parser.HTMLParser):
    """Every <form> on a page: its action and the fields a browser would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") not in {"submit", "button", "checkbox", "radio"}:
            self.forms[-1][1][a["name"]] = a.get("value", "")
        elif tag == "input" and "checked" in a:
            self.forms[-1][1][a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1][1][a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1][1].setdefault(a["name"], "")

    def handle_endtag(self, tag):
        if tag in ("textarea", "select"):
            self._textarea = self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data


def find_form(page: str, *, having: str) -> tuple[str, dict[str, str]]:
    """The first form with a field named `having`: (action, fields as a browser sends them)."""
    parser = _Forms()
    parser.feed(page)
    for action, fields in parser.forms:
        if having in fields:
            # A textarea's content starts after the newline that follows its tag.
            return action, {k: v.removeprefix("\n") for k, v in fields.items()}
    raise AssertionError(f"no form with a {having!r} field on the page")


def raw_request(port: int, data: bytes, *, timeout: float = 10) -> int:
    """Send bytes as they are (broken encodings, huge headers); return the status code.

    A server may answer and close before reading everything we send (a header too big);
    reading while a second thread sends catches that answer before the reset."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:

        def send() -> None:
            with contextlib.suppress(OSError):  # the server stopped reading: fine
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while b"\r\n" not in received:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        sender.join(timeout)
    status_line = received.split(b"\r\n", 1)[0].decode("latin-1")
    assert status_line.startswith("HTTP/1."), f"no HTTP answer: {received[:200]!r}"
    return int(status_line.split()[1])
