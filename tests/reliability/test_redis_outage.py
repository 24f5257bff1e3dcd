"""Redis outage: stop the cache under a signed-in member, then start it again."""

import json
import shutil
import time

import pytest

from tests.reliability.actions import ARTICLE
from tests.reliability.harness import (
    Client,
    Process,
    find_form,
    free_port,
    prepare_database,
    production_env,
    start_gunicorn,
    wait_until,
)


def start_redis(port: int, log_dir) -> Process:
    server = shutil.which("redis-server") or pytest.fail("redis-server not found")
    process = Process(
        "redis",
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        env={},
        log_path=log_dir / f"redis-{time.monotonic_ns()}.log",
    )
    wait_until(lambda: "Ready to accept connections" in process.log(), timeout=10, what="redis")
    return process


def test_cache_outage_is_503_or_served_never_500_and_recovers(
    tmp_path, static_var_dir, shared_database_url
):
    redis_port = free_port()
    redis = start_redis(redis_port, tmp_path)
    env = production_env(
        var_dir=static_var_dir,
        database_url=shared_database_url,
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        # Not a test of the posting limit: earlier tests may have used member0's minute.
        FORUM_POST_RATE="1000/m,100000/h",
    )
    prepare_database(env, members=1)
    server, port = start_gunicorn(env, log_dir=tmp_path, workers=2)
    try:
        member, reader = Client(port), Client(port)
        member.sign_in("member0")
        token = reader.csrf_token("/accounts/login/")

        redis.stop()
        ready = reader.get("/readyz")
        assert ready.status == 503
        assert json.loads(ready.text)["checks"] == {"database": "ok", "cache": "unavailable"}
        assert reader.get("/healthz").status == 200
        for client in (reader, member):
            for path in (ARTICLE, "/", "/accounts/email/"):
                response = client.get(path)
                assert response.status in {200, 302, 503}, (path, response.status)
                assert response.seconds < 5
        # Signing in counts attempts in the cache: refused calmly, the login kept.
        posted = reader.request(
            "POST",
            "/accounts/login/",
            form={"csrfmiddlewaretoken": token, "login": "member0", "password": "x"},
        )
        assert posted.status == 503
        assert 'value="member0"' in posted.text
        assert posted.header("Retry-After")

        redis = start_redis(redis_port, tmp_path)
        wait_until(lambda: reader.get("/readyz").status == 200, timeout=15, what="recovery")
        assert reader.get(ARTICLE).status == 200
        assert member.get("/accounts/email/").status == 200  # still signed in
        assert server.log().count("Booting worker") == 2  # no worker was replaced
        assert "Traceback" not in server.log()
    finally:
        server.stop()
        redis.stop()


def test_reading_goes_on_while_redis_is_down_and_writes_wait(
    tmp_path, static_var_dir, shared_database_url
):
    """Issue 13 item 8: Redis really stopped, the database up. Anonymous readers get the
    article (rendered without the cache), a signed-in member stays signed in and reads,
    posting and signing in answer 503 naming the cache with the text kept; once Redis is
    back the same comment goes through."""
    redis_port = free_port()
    redis = start_redis(redis_port, tmp_path)
    env = production_env(
        var_dir=static_var_dir,
        database_url=shared_database_url,
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        # Not a test of the posting limit: earlier tests may have used member0's minute.
        FORUM_POST_RATE="1000/m,100000/h",
    )
    prepare_database(env, members=1)
    server, port = start_gunicorn(env, log_dir=tmp_path, workers=2)
    try:
        member, reader = Client(port), Client(port)
        member.sign_in("member0")
        assert reader.get(ARTICLE).status == 200  # cached while Redis is up
        page = member.get(ARTICLE)
        action, fields = find_form(page.text, having="body")
        token = reader.csrf_token("/accounts/login/")

        redis.stop()
        for _ in range(4):  # both workers, each more than once
            anonymous = reader.get(ARTICLE)
            assert anonymous.status == 200, anonymous.status
            assert "Magnesium" in anonymous.text
            assert anonymous.header("X-Page-Cache") != "hit"
            signed_in = member.get(ARTICLE)
            assert signed_in.status == 200, signed_in.status
            assert "member0" in signed_in.text  # still signed in
            assert anonymous.seconds < 3
            assert signed_in.seconds < 3
        assert member.get("/accounts/settings/").status == 200

        typed = "Redis outage comment: magnesium & sleep."
        posted = member.request("POST", action, form={**fields, "body": typed})
        assert posted.status == 503
        assert "cache server" in posted.text
        assert "Redis outage comment: magnesium &amp; sleep." in posted.text
        assert posted.header("Retry-After")
        signing_in = reader.request(
            "POST",
            "/accounts/login/",
            form={"csrfmiddlewaretoken": token, "login": "member0", "password": "x"},
        )
        assert signing_in.status == 503
        assert 'value="member0"' in signing_in.text

        redis = start_redis(redis_port, tmp_path)
        wait_until(lambda: reader.get("/readyz").status == 200, timeout=15, what="recovery")
        again = member.request("POST", action, form={**fields, "body": typed})
        assert again.status == 302, again.status
        assert server.log().count("Booting worker") == 2  # no worker was replaced
        assert "Traceback" not in server.log()
    finally:
        server.stop()
        redis.stop()
