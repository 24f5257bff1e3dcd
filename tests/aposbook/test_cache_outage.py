"""Redis down takes reading down (issue 13 item 8): with the cache unreachable and the
database up, anonymous article pages are rendered without the cache, signed-in members
stay signed in (their session from its database row), posting and signing in answer the
calm 503 with the text kept, and the 503 page names what is down."""

import uuid

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from redis.exceptions import ConnectionError as RedisConnectionError

from aposbook import cache_outage
from aposbook.sessions import SessionStore
from forum.models import Comment
from tests.factories import CommentFactory
from tests.reliability.harness import free_port

TYPED = "Magnesium glycinate at night & it helped <b>a lot</b>."


@pytest.fixture
def redis_down(settings):
    """The production cache, pointed at a port where nothing listens."""

    def down() -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }

    return down


@pytest.fixture
def page(article):
    CommentFactory(article=article, body_source="Slept better within a week.")
    return article.get_absolute_url()


def test_anonymous_article_page_is_rendered_without_the_cache(client, page, redis_down):
    client.get(page)  # cached while Redis was up
    redis_down()
    for _ in range(2):
        response = client.get(page)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert b"Slept better within a week." in response.content


def test_a_signed_in_member_stays_signed_in_and_reads(client, page, member, redis_down):
    client.force_login(member)
    redis_down()
    response = client.get(page)
    assert response.status_code == 200
    assert member.username in response.content.decode()
    assert b"Slept better within a week." in response.content
    assert client.get("/accounts/settings/").status_code == 200


def test_posting_waits_with_the_text_kept_and_stores_nothing(client, article, member, redis_down):
    client.force_login(member)
    redis_down()
    form = {"body": TYPED, "form_token": str(uuid.uuid4()), "kind": "", "source": ""}
    response = client.post(f"{article.get_absolute_url()}comments/", form)
    assert response.status_code == 503
    body = response.content.decode()
    assert "Magnesium glycinate at night &amp; it helped &lt;b&gt;a lot&lt;/b&gt;." in body
    assert "cache server" in body
    assert "database" not in body
    assert not Comment.objects.filter(body_source=TYPED).exists()


def test_signing_in_waits_with_the_login_kept(client, member, redis_down):
    redis_down()
    response = client.post("/accounts/login/", {"login": "alice", "password": "wrong"})
    assert response.status_code == 503
    assert 'value="alice"' in response.content.decode()
    assert response["Retry-After"]


def test_the_503_page_names_the_database_when_it_is_the_database(client, db):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("aposbook.views.Article.objects.published", side_effect=OperationalError):
        body = client.get("/").content.decode()
    assert "We cannot reach our database" in body
    assert "cache server" not in body


def test_session_store_reads_the_row_only_for_reading_requests(db, member, redis_down):
    store = SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store.create()
    redis_down()
    caches["default"]  # the dead Redis from here on

    token = cache_outage.start_request("GET")
    try:
        assert SessionStore(store.session_key).load()[SESSION_KEY] == str(member.pk)
    finally:
        cache_outage.end_request(token)
    cache_outage.forget_outage()
    token = cache_outage.start_request("POST")
    try:
        with pytest.raises(RedisConnectionError):
            SessionStore(store.session_key).load()
    finally:
        cache_outage.end_request(token)
    assert Session.objects.filter(session_key=store.session_key).exists()


def test_after_a_failure_reads_skip_the_cache_for_a_moment(db, redis_down):
    """A frozen Redis makes each call wait its socket timeout: one wait, then the
    process reads without it for SKIP_SECONDS."""
    calls = []

    def failing():
        calls.append(1)
        raise RedisConnectionError("down")

    token = cache_outage.start_request("GET")
    try:
        assert cache_outage.or_without_cache(failing, "default") == "default"
        assert cache_outage.or_without_cache(failing, "default") == "default"
    finally:
        cache_outage.end_request(token)
    assert len(calls) == 1
