"""HTML is sent compressed (issue 13 item 10, issue 20 "Compressed pages"): the cached
anonymous page is kept with its gzip bytes, made once, and sent by Accept-Encoding;
pages rendered per request are gzipped by Django's GZipMiddleware (BREACH padding)."""

import gzip

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from forum.pagecache import anonymous
from tests.factories import CommentFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def page(article):
    CommentFactory(article=article, body_source="Magnesium helped my sleep. " * 40)
    return article.get_absolute_url()


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_anonymous_page_is_sent_gzipped_to_readers_who_accept_it(client, page):
    plain = client.get(page)
    packed = client.get(page, **GZIP)
    assert packed["X-Page-Cache"] == "hit"
    assert packed["Content-Encoding"] == "gzip"
    assert "accept-encoding" in _vary(packed)
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2


def test_readers_who_do_not_accept_gzip_get_the_plain_page_with_vary(client, page):
    client.get(page, **GZIP)
    plain = client.get(page)
    assert plain["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in plain
    assert "accept-encoding" in _vary(plain)
    assert b"Magnesium helped my sleep." in plain.content


def test_the_cached_page_is_compressed_once_not_per_request(client, page, monkeypatch):
    calls = []
    real = anonymous.compress
    monkeypatch.setattr(anonymous, "compress", lambda content: calls.append(1) or real(content))
    first = client.get(page, **GZIP)
    for _ in range(3):
        assert client.get(page, **GZIP).content == first.content
    assert first["Content-Encoding"] == "gzip"
    assert len(calls) == 1


def test_the_shared_cache_holds_the_page_with_its_gzip_bytes(client, page, article, rf):
    client.get(page)
    request = rf.get(page)
    request.user = AnonymousUser()
    entry = cache.get(anonymous.anonymous_page_key(request, article.slug))
    assert gzip.decompress(entry["gzip"]) == entry["content"]
    assert b"Magnesium helped my sleep." in entry["content"]


def test_member_pages_are_gzipped_per_response_with_breach_padding(client, page, member):
    """A member's page holds their CSRF token: compressed per response by Django's
    middleware, whose random gzip header padding (Heal the Breach) changes the length."""
    assert "django.middleware.gzip.GZipMiddleware" in settings.MIDDLEWARE
    client.force_login(member)
    sizes = set()
    for _ in range(6):
        response = client.get(page, **GZIP)
        assert response["Content-Encoding"] == "gzip"
        assert b"csrfmiddlewaretoken" in gzip.decompress(response.content)
        sizes.add(len(response.content))
    assert len(sizes) > 1
