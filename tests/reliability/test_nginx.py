"""The shipped nginx configuration (aposbook/deploy/nginx.conf) in front of the app
(issue 13): TLS, the headers, /static/ caching, slow clients kept away from gunicorn,
and per-client sign-in limits through the proxy (DJANGO_BEHIND_PROXY=1)."""

import http.client
import os
import re
import shutil
import socket
import ssl
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest

from tests.reliability.actions import ARTICLE
from tests.reliability.harness import (
    NGINX_MAIN,
    Client,
    Process,
    approve_members,
    find_form,
    free_port,
    nginx_user,
    prepare_database,
    production_env,
    self_signed_certificate,
    shipped_nginx_site,
    start_gunicorn,
    wait_until,
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, static_var_dir, shared_database_url):
    work = tmp_path_factory.mktemp("nginx")
    env = production_env(
        var_dir=static_var_dir,
        database_url=shared_database_url,
        DJANGO_BEHIND_PROXY="1",
        # Not a test of the posting limit: earlier tests may have used these members' minute.
        FORUM_POST_RATE="1000/m,100000/h",
    )
    prepare_database(env, members=4)
    approve_members(env, members=4)
    app, app_port = start_gunicorn(env, log_dir=work, workers=2)
    certs = self_signed_certificate(work)
    http_port, tls_port = free_port(), free_port()
    site = shipped_nginx_site(
        app_port=app_port, http_port=http_port, tls_port=tls_port, certs=certs,
        static_dir=static_var_dir / "static", cache_dir=work / "microcache",
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
        yield {"http": http_port, "tls": tls_port, "app": app, "app_port": app_port, "env": env}
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
    # The same file under its plain (unhashed) name may change with the next release.
    plain = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", stylesheet)
    assert plain != stylesheet
    status, headers, _ = https(stack["tls"], plain)
    assert status == 200
    assert "immutable" not in headers["cache-control"]


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


# --- The one-second microcache (issue 20) ---------------------------------------
def anonymous(stack) -> Client:
    return Client(stack["tls"], host="127.0.0.1", tls=True)


def member(stack, name: str) -> Client:
    client = Client(stack["tls"], host="127.0.0.1", tls=True)
    client.sign_in(name)
    return client


def app_requests(stack, path: str) -> int:
    """How many requests for `path` reached the app server (its one line per request)."""
    return len(re.findall(rf"GET {re.escape(path)} ", stack["app"].log()))


def test_anonymous_pages_come_from_the_microcache_and_simply_expire(stack):
    time.sleep(1.1)  # whatever an earlier test left has expired
    before = app_requests(stack, ARTICLE)
    first = anonymous(stack).get(ARTICLE)
    assert first.status == 200
    # Within the same second the copy comes from nginx: the app server never sees it.
    again = [anonymous(stack).get(ARTICLE) for _ in range(3)]
    assert [page.header("x-cache-status") for page in again] == ["HIT"] * 3
    assert all(page.text == first.text for page in again)
    time.sleep(0.3)  # the app server's log line for the first request
    assert app_requests(stack, ARTICLE) - before == 1

    # A new comment (posted straight to the app server) shows within about a second:
    # nothing purges the microcache, its copy expires.
    author = Client(stack["app_port"], host="127.0.0.1")
    author.sign_in("member2")
    text = f"Fresh through nginx {time.time_ns()}"
    action, form = find_form(author.get(ARTICLE).text, having="form_token")
    posted = author.request("POST", action, form={**form, "body": text, "post": "1"})
    assert posted.status == 302
    posted_at = time.monotonic()
    newest = ARTICLE + "?sort=newest"  # where a new comment shows, however many there are
    seen = wait_until(
        lambda: text in anonymous(stack).get(newest).text, timeout=5, interval=0.1,
        what="the new comment through the microcache",
    )  # fmt: skip
    assert seen
    assert time.monotonic() - posted_at < 2.5


def test_an_expired_page_is_rendered_once_for_many_readers_at_once(stack):
    """proxy_cache_lock and `updating`: 20 readers of a page nobody has read for a while
    cost the app server one request."""
    path = "/science/topics/vitamins-and-minerals/"
    assert anonymous(stack).get(path).status == 200
    time.sleep(1.5)  # the copy has expired
    before = app_requests(stack, path)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda _: anonymous(stack).get(path).status, range(20)))
    assert statuses == [200] * 20
    assert app_requests(stack, path) - before <= 2


def test_a_signed_in_member_never_gets_the_cached_anonymous_page(stack):
    assert anonymous(stack).get(ARTICLE).status == 200
    # From the microcache: fresh, or (past its second on a busy machine) stale while updating.
    assert anonymous(stack).get(ARTICLE).header("x-cache-status") in {"HIT", "UPDATING"}
    reader = member(stack, "member3")
    for _ in range(3):
        page = reader.get(ARTICLE)
        assert page.status == 200
        assert page.header("x-cache-status") == "BYPASS"
        assert "private" in page.header("cache-control")
        assert 'name="form_token"' in page.text  # the member's own comment form
        assert "member3" in page.text
    # Nor is the member's page kept for anonymous readers: they still get theirs.
    for _ in range(3):
        page = anonymous(stack).get(ARTICLE)
        assert 'name="form_token"' not in page.text
        assert "Sign out" not in page.text
        assert "member3" not in page.text.split("<main", 1)[0]


def test_answers_that_set_cookies_are_never_cached(stack):
    """The sign-in page sets a CSRF cookie for each visitor: each gets their own."""
    tokens = set()
    for _ in range(3):
        page = anonymous(stack).get("/accounts/login/")
        assert page.status == 200
        assert page.header("x-cache-status") != "HIT"
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1))
    assert len(tokens) == 3
