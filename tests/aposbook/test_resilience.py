"""The outage handler, health checks, request ids, logs and bad input (fast, in-process)."""

import logging
import sys
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from aposbook.logging import OneLineFormatter, RequestIdFilter
from aposbook.middleware import log_path

TYPED = 'I take 300 mg <b>every</b> night & "it helps"\nSecond line of my story.'


@pytest.fixture
def log_lines():
    """Everything logged, formatted exactly as the stderr handler formats it."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(OneLineFormatter("%(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


def database_down(error=None):
    error = error or OperationalError('connection to server at "127.0.0.1" refused')
    return mock.patch("aposbook.views.Article.objects.published", side_effect=error)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection refused"),
        OperationalError("unable to open database file"),
        InterfaceError("connection already closed"),
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379"),
    ],
)
def test_backend_outage_is_a_friendly_503_with_retry_after(client, db, log_lines, error):
    with database_down(error):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "AposBook is back in a moment" in body
    assert "Traceback" not in body
    assert "refused" not in body
    outage = [line for line in log_lines if "aposbook.outage" in line]
    assert len(outage) == 1
    assert type(error).__name__ in outage[0]
    assert not any("Traceback" in line for line in log_lines)
    # Django's own "Service Unavailable" line would repeat the event.
    assert not any("django.request" in line for line in log_lines)


def test_posted_form_comes_back_escaped_without_secrets(client, db):
    form = {
        "body": TYPED,
        "title": "My story",
        "parent": "12",
        "password": "hunter2-secret",
        "password2": "hunter2-secret",
        "code": "123456",
    }
    with mock.patch("allauth.account.views.LoginView.post", side_effect=OperationalError("down")):
        response = client.post("/accounts/login/?next=/science/", form)
    assert response.status_code == 503
    body = response.content.decode()
    assert '<form method="post" action="/accounts/login/?next=/science/">' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert (
        "I take 300 mg &lt;b&gt;every&lt;/b&gt; night &amp; &quot;it helps&quot;\n"
        "Second line of my story.</textarea>"
    ) in body
    assert 'name="title" value="My story"' in body
    assert '<input type="hidden" name="parent" value="12">' in body
    assert "hunter2-secret" not in body
    assert "123456" not in body
    assert "<b>every" not in body


def test_comment_form_comes_back_with_its_form_token_so_a_resend_posts_once(
    client, member, article
):
    # The form token is what makes sending the form again create one comment, not two:
    # it comes back (hidden, like a reply's parent); fields named like secrets still do not.
    token = "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"
    form = {"body": TYPED, "form_token": token, "post": "1", "key": "k-secret"}
    client.force_login(member)
    with mock.patch("forum.views.post_comment", side_effect=OperationalError("down")):
        response = client.post(f"{article.get_absolute_url()}comments/", form)
    assert response.status_code == 503
    body = response.content.decode()
    assert f'<form method="post" action="{article.get_absolute_url()}comments/">' in body
    assert f'<input type="hidden" name="form_token" value="{token}">' in body
    assert '<input type="hidden" name="post" value="1">' in body
    assert "every&lt;/b&gt; night" in body
    assert "k-secret" not in body


def test_an_outage_outside_a_view_is_also_a_503(db, log_lines):
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    assert not any("Traceback" in line for line in log_lines)


def test_other_errors_stay_500(db):
    client = Client(raise_request_exception=False)
    with mock.patch("aposbook.views.Article.objects.published", side_effect=ValueError("bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_healthz_stays_up_while_readyz_reports_the_outage(client, db):
    with mock.patch("aposbook.views._check_database", side_effect=OperationalError("down")):
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }
    with mock.patch("aposbook.views.cache.set", side_effect=RedisConnectionError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable"}


def test_request_id_comes_back_and_is_in_every_log_line(client, db, log_lines):
    response = client.get("/science/", headers={"X-Request-ID": "lb-abc-123"})
    assert response["X-Request-ID"] == "lb-abc-123"
    assert "INFO aposbook.request [lb-abc-123] GET /science/ 200" in log_lines[-1]
    forged = client.get("/science/", headers={"X-Request-ID": "bad id\nINFO fake"})
    assert forged["X-Request-ID"] != "bad id\nINFO fake"
    assert all("\n" not in line for line in log_lines)


def test_a_failed_sign_in_never_logs_the_password(client, member, log_lines):
    response = client.post(
        "/accounts/login/?token=query-secret",
        {"login": "alice", "password": "my-Secret-passw0rd"},
    )
    assert response.status_code == 200
    logged = "\n".join(log_lines)
    assert "POST /accounts/login/ 200" in logged
    assert "my-Secret-passw0rd" not in logged
    assert "query-secret" not in logged


def test_secret_keys_in_paths_are_not_logged(rf):
    request = rf.get("/accounts/password/reset/key/2g-abc123def/")
    assert log_path(request) == "/accounts/password/reset/key/…/"
    request = rf.get("/accounts/confirm-email/MjA:1tx:abcdef/")
    assert log_path(request) == "/accounts/confirm-email/…/"


def test_traceback_stays_one_log_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, True)
        record.exc_info = sys.exc_info()
    line = OneLineFormatter("%(message)s").format(record)
    assert "\n" not in line
    assert "ValueError: boom" in line


# --- Bad input, answered with a clean 4xx -------------------------------------


def test_missing_csrf_token_gets_a_friendly_403_that_keeps_the_text(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"login": "alice", "body": TYPED},
        headers={"origin": "http://testserver"},
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Please send the form again" in body
    assert "&lt;b&gt;every&lt;/b&gt;" in body
    assert 'name="csrfmiddlewaretoken" value="' in body


def test_expired_form_from_an_old_browser_without_origin_keeps_the_text_by_referer(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"login": "alice", "body": TYPED},
        headers={"referer": "http://testserver/accounts/login/"},
    )
    assert response.status_code == 403
    assert "&lt;b&gt;every&lt;/b&gt;" in response.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://127.0.0.1:9999"},  # a hostile page on another port
        {"origin": "https://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a data: page
        {"referer": "https://evil.example/ban.html"},
        {},  # neither header: nothing proves the form was ours
    ],
    ids=["other-port", "other-site", "null-origin", "foreign-referer", "no-origin-no-referer"],
)
def test_forged_cross_origin_post_is_a_plain_refusal_that_reoffers_nothing(db, headers):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the member's CSRF cookie, sent along by the browser
    response = client.post(
        "/accounts/email/",
        {"action_add": "", "email": "attacker@evil.example"},
        headers=headers,
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Request refused" in body
    assert "attacker@evil.example" not in body
    assert "csrfmiddlewaretoken" not in body
    assert "<form" not in body


def test_forged_post_on_https_without_origin_or_referer_reoffers_nothing(db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/moderation/members/1/ban/",
        {"reason": "forged"},
        headers={"x-forwarded-proto": "https"},
    )
    assert response.status_code == 403
    assert "forged" not in response.content.decode()
    assert "<form" not in response.content.decode()


def test_wrong_csrf_token_gets_the_friendly_403(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": "x" * 64, "login": "a"},
        headers={"origin": "http://testserver"},
    )
    assert response.status_code == 403
    assert "Please send the form again" in response.content.decode()


def test_oversized_body_is_a_400(client, db, log_lines):
    response = client.post("/accounts/login/", {"login": "a", "body": "x" * 300_000})
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()
    assert not any("Traceback" in line for line in log_lines)


def test_unknown_host_is_a_400_without_traceback(client, db, log_lines):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()
    assert not any("Traceback" in line for line in log_lines)


def test_very_long_query_string_is_a_414(client, db):
    response = client.get("/science/search/?q=" + "a" * 5000)
    assert response.status_code == 414
    assert "The address is too long." in response.content.decode()


def test_invalid_utf8_in_query_and_body_is_handled(client, member):
    assert client.get("/science/search/?q=%ff%fe%c3").status_code == 200
    response = client.post(
        "/accounts/login/",
        data=b"login=%ff%fe&password=%c3",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # the form again, with its error


@pytest.mark.parametrize(
    "address",
    [
        "/science/search/?q=%00",
        "/members/%00/",
        "/science/%00/",
        "/moderation/log/?action=%00",
        "/science/search/?q=a%0D%0Ab",
        "/science/search/?q=%1b%5b2J",
        "/science/search/?q=%7f",
    ],
)
def test_control_characters_in_the_address_are_a_400(client, db, address, log_lines):
    response = client.get(address)
    assert response.status_code == 400
    assert "characters no page of ours uses" in response.content.decode()
    assert not any("Traceback" in line for line in log_lines)


def test_ordinary_addresses_pass_the_control_character_check(client, db):
    assert client.get("/science/search/?q=magnesium+%C3%A9t%C3%A9").status_code == 200


def test_log_lines_escape_control_characters():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "GET %s 404", ("/a\x00b\x1b[2J\tc\r\nforged\x85",), None
    )
    line = OneLineFormatter("%(message)s").format(record)
    assert line == "GET /a\\x00b\\x1b[2J\\tc\\r\\nforged\\x85 404"
    assert not any(ord(char) < 32 or 0x7F <= ord(char) <= 0x9F for char in line)


def test_a_request_log_line_for_a_nul_path_is_escaped(client, db, log_lines):
    client.get("/members/%00/")
    request_lines = [line for line in log_lines if "aposbook.request" in line]
    assert request_lines
    assert "/members/\\x00/ 400" in request_lines[-1]
    assert "\x00" not in "".join(log_lines)


def test_methods_a_view_does_not_take_are_405(client, db):
    assert client.post("/").status_code == 405
    assert client.put("/science/").status_code == 405
    assert client.delete("/healthz").status_code == 405
