"""The read-replica rules (aposbook/replica.py): who reads where, read-your-writes, and
falling back to the primary. The replica itself runs in tests/reliability/test_replica.py."""

import json
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from aposbook import replica
from articles.models import Article
from forum.models import Comment
from forum.pagecache import versions
from tests.aposbook.test_settings import load_settings, run_with

router = replica.ReplicaRouter()


@pytest.fixture
def healthy(monkeypatch, settings):
    """A replica alias that answers with no lag (no real server: measure_lag is ours)."""
    settings.DATABASE_REPLICA_CHECK_SECONDS = 1
    settings.DATABASE_REPLICA_RETRY_SECONDS = 5
    settings.DATABASE_REPLICA_MAX_LAG = 5
    settings.DATABASE_REPLICA_PIN_SECONDS = 10
    lag = {"seconds": 0.0, "calls": 0}

    def measure() -> float:
        lag["calls"] += 1
        if isinstance(lag["seconds"], Exception):
            raise lag["seconds"]
        return lag["seconds"]

    monkeypatch.setattr(replica, "measure_lag", measure)
    replica.forget_health()
    yield lag
    replica.forget_health()


def read_in_get(model=Article) -> str:
    with replica.replica_reads(True):
        return router.db_for_read(model)


def test_reads_outside_a_request_stay_on_the_primary(healthy):
    """Commands, the task worker, tests: nothing says they may read a replica."""
    assert router.db_for_read(Article) == "default"
    assert healthy["calls"] == 0


def test_a_get_reads_the_healthy_replica(healthy):
    assert read_in_get() == "replica"
    assert read_in_get(Comment) == "replica"


def test_writes_always_go_to_the_primary(healthy):
    with replica.replica_reads(True):
        assert router.db_for_write(Comment) == "default"
    assert router.allow_migrate("replica", "forum") is False
    assert router.allow_migrate("default", "forum") is True


def test_sessions_cache_and_task_queue_are_read_on_the_primary(healthy):
    from django.core.cache.backends.db import Options

    class CacheEntry:
        _meta = Options("django_cache")

    assert read_in_get(Session) == "default"
    assert read_in_get(CacheEntry) == "default"


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_on_the_primary_stays_there(healthy):
    with transaction.atomic():
        assert read_in_get() == "default"
    assert read_in_get() == "replica"


def test_a_lagging_replica_is_not_read(healthy):
    healthy["seconds"] = 5.5
    assert read_in_get() == "default"


def test_a_replica_that_cannot_be_reached_is_not_read_and_not_asked_every_time(healthy):
    healthy["seconds"] = OperationalError("connection refused")
    assert read_in_get() == "default"
    assert read_in_get() == "default"
    assert healthy["calls"] == 1  # the failure is remembered for the retry interval


def test_the_health_check_runs_at_most_once_a_second(healthy, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(replica.time, "monotonic", lambda: clock["now"])
    assert read_in_get() == "replica"
    healthy["seconds"] = 30.0  # starts lagging: seen at the next check, not before
    assert read_in_get() == "replica"
    assert healthy["calls"] == 1
    clock["now"] += 1.01
    assert read_in_get() == "default"
    assert healthy["calls"] == 2
    healthy["seconds"] = 0.2  # caught up
    clock["now"] += 1.01
    assert read_in_get() == "replica"


def test_a_failed_replica_is_tried_again_after_the_retry_interval(healthy, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(replica.time, "monotonic", lambda: clock["now"])
    healthy["seconds"] = OperationalError("down")
    assert read_in_get() == "default"
    healthy["seconds"] = 0.0
    clock["now"] += 4.9
    assert read_in_get() == "default"
    clock["now"] += 0.2
    assert read_in_get() == "replica"


# --- Read-your-writes: the middleware --------------------------------------------
def through_middleware(request, seen: list) -> HttpResponse:
    def view(request):
        seen.append(router.db_for_read(Article))
        return HttpResponse("ok")

    middleware = replica.ReplicaReadsMiddleware(view)
    middleware.enabled = True
    return middleware(request)


def test_a_post_reads_the_primary_and_pins_the_browser_to_it(healthy):
    seen: list[str] = []
    response = through_middleware(RequestFactory().post("/comments/"), seen)
    assert seen == ["default"]
    cookie = response.cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    assert float(cookie.value) == pytest.approx(time.time() + 10, abs=2)


def test_a_browser_that_just_wrote_reads_the_primary_then_the_replica_again(healthy):
    seen: list[str] = []
    factory = RequestFactory()
    just_wrote = factory.get("/science/")
    just_wrote.COOKIES[replica.PIN_COOKIE] = str(int(time.time()) + 8)
    wrote_long_ago = factory.get("/science/")
    wrote_long_ago.COOKIES[replica.PIN_COOKIE] = str(int(time.time()) - 1)
    garbage = factory.get("/science/")
    garbage.COOKIES[replica.PIN_COOKIE] = "not a time"
    for request in (just_wrote, wrote_long_ago, garbage, factory.get("/science/")):
        response = through_middleware(request, seen)
        assert replica.PIN_COOKIE not in response.cookies  # reading pins nobody
    assert seen == ["default", "replica", "replica", "replica"]
    # And after the request, reads are back on the primary.
    assert router.db_for_read(Article) == "default"


def test_without_a_replica_the_middleware_sets_no_cookie(settings):
    assert "replica" not in settings.DATABASES
    middleware = replica.ReplicaReadsMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(RequestFactory().post("/comments/"))
    assert replica.PIN_COOKIE not in response.cookies


# --- Pages kept in the shared cache are built from rows as new as their version ---
def test_taking_a_fresh_discussion_version_moves_the_request_to_the_primary(healthy):
    with replica.replica_reads(True):
        versions.bump_discussion_version(4242)
        assert router.db_for_read(Comment) == "replica"
        versions.discussion_version(4242)  # a render about to be kept under it
        assert router.db_for_read(Comment) == "default"


def test_an_old_discussion_version_leaves_the_request_on_the_replica(healthy, monkeypatch):
    with replica.replica_reads(True):
        versions.bump_discussion_version(4243)
        later = time.time() + 2.5  # older than lag (0) + one check interval + a second
        monkeypatch.setattr(replica.time, "time", lambda: later)
        versions.discussion_version(4243)
        assert router.db_for_read(Comment) == "replica"


def test_version_tokens_carry_when_they_were_made():
    before = time.time()
    made_at = versions.version_made_at(versions.new_version())
    assert before - 0.01 <= made_at <= time.time() + 0.01
    assert versions.version_made_at("0123456789abcdef0123456789abcdef") is None


# --- Settings ---------------------------------------------------------------------
SHOW_REPLICA = """
import django, json
django.setup()
from django.conf import settings as s
r = s.DATABASES.get("replica", {})
print(json.dumps({"routers": s.DATABASE_ROUTERS, "engine": r.get("ENGINE"),
    "name": r.get("NAME"), "port": r.get("PORT"), "test": r.get("TEST", {}).get("MIRROR"),
    "connect_timeout": r.get("OPTIONS", {}).get("connect_timeout")}))
"""


def test_database_replica_url_adds_the_replica_and_its_router(tmp_path):
    result = run_with(
        tmp_path,
        ["-c", SHOW_REPLICA],
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://app@db1:5432/aposbook",
        DATABASE_REPLICA_URL="postgres://app@db2:5433/aposbook",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "routers": ["aposbook.replica.ReplicaRouter"],
        "engine": "aposbook.postgresql",
        "name": "aposbook",
        "port": 5433,
        "test": "default",
        "connect_timeout": 1,
    }


def test_without_database_replica_url_there_is_no_router(tmp_path):
    result = run_with(tmp_path, ["-c", SHOW_REPLICA], DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["routers"] == []
    assert shown["engine"] is None


def test_a_pin_no_longer_than_the_lag_allowed_is_refused(tmp_path):
    result = load_settings(
        tmp_path,
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://app@db1:5432/aposbook",
        DATABASE_REPLICA_URL="postgres://app@db2:5433/aposbook",
        DATABASE_REPLICA_PIN_SECONDS="5",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_PIN_SECONDS must be longer" in result.stderr


# --- Members' answers are never kept by a shared cache in front (nginx) -----------
@pytest.mark.django_db
def test_answers_to_a_member_say_private_and_anonymous_pages_do_not(client, member):
    assert "private" not in client.get("/science/").get("Cache-Control", "")
    client.force_login(member)
    assert "private" in client.get("/science/")["Cache-Control"]
