"""The shipped nginx configuration (aposbook/deploy/nginx.conf) in front of the app
(issue 13): TLS, the headers, /static/ caching, slow clients kept away from gunicorn,
and per-client sign-in limits through the proxy (DJANGO_BEHIND_PROXY=1)."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from http.cookies import SimpleCookie

import pytest

from tests.reliability.harness import (
    NGINX_MAIN,
    REPO,
    Process,
    free_port,
    nginx_user,
    prepare_database,
    production_env,
    start_gunicorn,
    wait_until,
)


def shipped_config(*, app_port: int, http_port: int, tls_port: int, certs, static_dir) -> str:
    """The file as shipped, with this machine's ports, certificate and static folder."""
    site = (REPO / "aposbook/deploy/nginx.conf").read_text()
    replacements = [
        (r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{app_port} "),
        (r"listen \[::\]:\d+[^;]*;\n", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        (r"ssl_certificate /\S+;", f"ssl_certificate {certs[0]};"),
        (r"ssl_certificate_key /\S+;", f"ssl_certificate_key {certs[1]};"),
        (r"alias /srv/aposbook/var/static/;", f"alias {static_dir}/;"),
    ]
    for pattern, value in replacements:
        site, count = re.subn(pattern, value, site)
        assert count, f"nginx.conf no longer has {pattern!r}"
    return site


@pytest.fixture(scope="module")
def stack(tmp_path_factory, static_var_dir, shared_database_url):
    work = tmp_path_factory.mktemp("nginx")
    env = production_env(
        var_dir=static_var_dir, database_url=shared_database_url, DJANGO_BEHIND_PROXY="1"
    )
    prepare_database(env, members=2)
    app, app_port = start_gunicorn(env, log_dir=work, workers=2)
    certs = (work / "cert.pem", work / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(certs[1]), "-out", str(certs[0])],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    http_port, tls_port = free_port(), free_port()
    site = shipped_config(
        app_port=app_port, http_port=http_port, tls_port=tls_port, certs=certs,
        static_dir=static_var_dir / "static",
    )  # fmt: skip
    conf = work / "nginx.conf"
    conf.write_text(NGINX_MAIN.format(user=nginx_user(), dir=work, site=site))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proxy = Process(
        "nginx", [nginx, "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
        env=dict(os.environ), log_path=work / "nginx.out",
    )  # fmt: skip
    try:
        wait_until(lambda: https(tls_port, "/healthz")[0] == 200, timeout=15, what="nginx")
        yield {"http": http_port, "tls": tls_port, "app": app}
    finally:
        proxy.stop()
        app.stop()


def https(
    port: int, path: str, *, method: str = "GET", body: str | None = None,
    headers: dict | None = None, source: str = "127.0.0.1",
) -> tuple[int, dict[str, str], str]:  # fmt: skip
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=context, source_address=(source, 0)
    )
    try:
        connection.request(
            method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})}
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        all_headers = {k.lower(): v for k, v in response.getheaders()}
        all_headers["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
        return response.status, all_headers, text
    finally:
        connection.close()


def test_http_redirects_to_https_and_pages_carry_the_headers(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack["http"], timeout=5)
    connection.request("GET", "/science/", headers={"Host": "127.0.0.1"})
    redirect = connection.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == "https://127.0.0.1/science/"
    connection.close()

    status, headers, _ = https(stack["tls"], "/science/magnesium-for-fibromyalgia/")
    assert status == 200
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["cross-origin-resource-policy"] == "same-site"
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert headers["x-request-id"]
    assert "server" not in headers or "nginx/" not in headers["server"]


def test_static_files_are_served_by_nginx_with_far_future_caching(stack):
    status, _, page = https(stack["tls"], "/science/")
    assert status == 200
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    status, headers, _ = https(stack["tls"], stylesheet, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["cache-control"]
    assert headers["cross-origin-resource-policy"] == "same-site"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers.get("content-encoding") == "gzip"  # collectstatic's .gz, sent as is


def test_slow_clients_do_not_stop_the_site(stack):
    """More slow-header connections than gunicorn has workers: nginx holds them all."""
    slow = []
    try:
        for _ in range(6):
            sock = socket.create_connection(("127.0.0.1", stack["tls"]), timeout=5)
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            tls = context.wrap_socket(sock, server_hostname="127.0.0.1")
            tls.sendall(b"GET /science/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(tls)
        started = time.monotonic()
        for _ in range(5):
            assert https(stack["tls"], "/science/")[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for tls in slow:
            tls.close()


def sign_in_attempt(port: int, source: str, login: str, password: str) -> tuple[int, str]:
    """A browser's sign-in: the form's token and cookie, then the POST (same origin)."""
    status, headers, page = https(port, "/accounts/login/", source=source)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookies = SimpleCookie()
    for line in headers["set-cookie"].splitlines():
        cookies.load(line)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": login, "password": password}
    )
    status, _, text = https(
        port, "/accounts/login/", method="POST", body=body, source=source,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items()),
            "Origin": "https://127.0.0.1",
            "Referer": "https://127.0.0.1/accounts/login/",
            # Forged: nginx overwrites it with the real client address.
            "X-Forwarded-For": "203.0.113.1",
        },
    )  # fmt: skip
    return status, text


def test_one_clients_failed_sign_ins_do_not_lock_out_everyone(stack):
    """Clients on 127.0.0.2 and 127.0.0.3 (all of 127/8 is this machine): the first one's
    eleven failures limit it alone."""
    for attempt in range(11):
        sign_in_attempt(stack["tls"], "127.0.0.2", f"stranger{attempt}", "guess")
    status, text = sign_in_attempt(stack["tls"], "127.0.0.2", "member1", "guess again")
    assert status == 429 or "Too many" in text
    status, _ = sign_in_attempt(
        stack["tls"], "127.0.0.3", "member0", "correct horse battery staple 7"
    )
    assert status == 302
