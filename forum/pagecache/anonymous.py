"""The whole article page as anonymous readers get it, from the shared cache while the
article's discussion version stands.

It is cached only for requests that carry nothing personal: GET, not signed in, no
session or messages cookie, and only the page's own query parameters. Such a page has no
CSRF token (no form on it posts) and no nonce'd script (the discussion script only loads
with the composer, for members); `cacheable_response` refuses anything that used either,
so a later change cannot leak one reader's token. The page holds absolute URLs (its
canonical link, JSON-LD), so the key holds the scheme and host it was made for.

The page is kept with its gzip bytes, compressed once when it is stored (level 9: it is
made once and sent thousands of times), and sent by the reader's Accept-Encoding with
`Vary: Accept-Encoding`. Compressing once is safe from BREACH because the page holds no
secret (no token, no nonce, nothing of the reader's): pages that do are compressed per
response by Django's GZipMiddleware, with its random padding. Brotli was measured on the
benchmark's page (116 KB): 17.7 KB at quality 9 (16 ms) against gzip's 20.0 KB (2 ms),
15.9 KB only at quality 11 (160 ms per rendering): not worth a compiled dependency.

Re-rendering is coalesced: while a discussion changes many times a second (a viral
article, ~20 comments a second), its page is rendered at most once per
FORUM_RENDER_COALESCE_MS (250) by one request at a time, holding a short lock in the
shared cache; every other reader meanwhile gets the page made before (at an older
version), so nobody waits on a rendering and a new comment shows within a second.
The member who posted never reads this page: they are signed in, and their redirect
carries a message, so their page is rendered for them.
"""

import gzip
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile
from django.utils.translation import get_language

from forum.pagecache import shared
from forum.pagecache.local import keep_local, local_copies
from forum.pagecache.versions import discussion_version, stored_discussion_version

if TYPE_CHECKING:
    from articles.models import Article

# The entry's format is in the key ("z": with its gzip bytes), so workers of two releases
# never read each other's entries during a deploy.
# The page size is in the key too: releases with another FORUM_THREADS_PER_PAGE paginate
# differently.
# The language is in the key: the interface is in the reader's language (LocaleMiddleware
# has activated it), so a Spanish reader never gets the English page or the reverse.
_PAGE_KEY = "forum:anonymous-page:z:{per_page}:{language}:{origin}:{slug}:{query}"
# As Django's GZipMiddleware reads Accept-Encoding.
_ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")
# The article page's own query parameters; any other parameter bypasses the cache.
_PAGE_PARAMETERS = ("page", "sort", "type")
_MAX_PARAMETER_LENGTH = 20

# slug -> article id, learned from this worker's cached pages: the version key is by id.
_article_ids: dict[str, int] = {}
# This worker's copies of recently served pages, checked against the shared version.
_LOCAL_PAGES = 32
_local_pages: OrderedDict[str, dict[str, Any]] = local_copies()
# key -> until when this worker sends its previous page while another request renders.
_waiting: OrderedDict[str, float] = local_copies()
# Longest a rendering may hold its lock: one that dies leaves the page to others after
# this; a rendering takes well under a second.
_LOCK_SECONDS = 5


def serve_anonymous(
    request: HttpRequest,
    slug: str,
    *,
    find: "Callable[[], Article]",
    render: "Callable[[Article, str], HttpResponse]",
) -> HttpResponse:
    """The page from the cache when this request may have it and it is current (or was
    made less than FORUM_RENDER_COALESCE_MS ago, or another request is making it now);
    else `render(find(), version)`, kept for the next anonymous reader when it may be.

    `version` is the article's discussion version, read before rendering (a change
    committed meanwhile replaces it, so a page made from older rows is never kept under
    the newer version); `render` hands it on to the member stencil."""
    key = anonymous_page_key(request, slug)
    if key is None:
        article = find()
        return render(article, discussion_version(article.pk))
    found = _kept_page(key, slug)
    if found.entry is not None:
        response = page_response(request, found.entry)
        response["X-Page-Cache"] = "hit" if found.current else "coalesced"
        return response
    started = time.time()
    try:
        article = find()
        version = discussion_version(article.pk)
        response = render(article, version)
        entry = _store_page(
            key,
            slug,
            article_id=article.pk,
            version=version,
            made_at=started,
            request=request,
            response=response,
        )
    finally:
        if found.lock is not None:
            _release(key, found.lock)
    if entry is not None:
        return page_response(request, entry)  # compressed once, as later hits are
    return response


def anonymous_page_key(request: HttpRequest, slug: str) -> str | None:
    """The cache key of this request's page, or None when it must be rendered for it."""
    if request.method != "GET" or request.user.is_authenticated:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    query = page_query(request)
    if query is None:
        return None
    origin = f"{request.scheme}://{request.get_host()}"
    return _PAGE_KEY.format(
        per_page=settings.FORUM_THREADS_PER_PAGE,
        language=get_language(),
        origin=origin,
        slug=slug,
        query=query,
    )


def page_query(request: HttpRequest) -> str | None:
    """The article page's own query parameters, in a fixed order, for a cache key; None
    when the request carries any other (or an odd value): then it is rendered for it."""
    query = []
    for name, values in request.GET.lists():
        if name not in _PAGE_PARAMETERS or len(values) != 1:
            return None
        if len(values[0]) > _MAX_PARAMETER_LENGTH or not values[0].isalnum():
            return None
        query.append(f"{name}={values[0]}")
    return "&".join(sorted(query))


@dataclass
class _Found:
    entry: dict[str, Any] | None = None  # the page to send, if any
    current: bool = False  # made at the discussion's current version
    lock: str | None = None  # this request renders the page, holding the lock


def _kept_page(key: str, slug: str) -> _Found:
    """What to send for `key`: the kept page if it is current; a page made at an older
    version while it is younger than FORUM_RENDER_COALESCE_MS, or while another request
    renders the page (holding the lock); else nothing, and the lock when coalescing.

    The version always comes from the shared cache (one small read); the page from this
    worker's memory when it holds a good one, else from the shared cache (a worker that
    has served nothing yet learns the article from it: no rendering after a restart)."""
    now = time.time()
    local = _usable(_local_pages.get(key), now)
    article_id = _article_ids.get(slug) or (local["article_id"] if local else None)
    kept = None
    if article_id is None:
        kept = _usable(shared.get(key), now)
        if kept is None:
            return _Found()
        article_id = kept["article_id"]
        _article_ids[slug] = article_id
    version = stored_discussion_version(article_id)
    if version is None:
        return _Found()  # no version (the cache lost it, or is down): nothing is current
    local = local if local and local["article_id"] == article_id else None
    if local and local["version"] == version:
        return _Found(entry=local, current=True)
    coalesce = settings.FORUM_RENDER_COALESCE_MS / 1000
    if local and coalesce and (now - local["made_at"] < coalesce or now < _waiting.get(key, 0)):
        return _Found(entry=local)
    if kept is None:
        kept = _usable(shared.get(key), now)
        kept = kept if kept and kept["article_id"] == article_id else None
    if kept and kept["version"] == version:
        keep_local(key, kept, _local_pages, _LOCAL_PAGES)
        return _Found(entry=kept, current=True)
    stale = max((e for e in (local, kept) if e), key=lambda e: e["made_at"], default=None)
    if stale is None or not coalesce:
        return _Found()
    keep_local(key, stale, _local_pages, _LOCAL_PAGES)
    if now - stale["made_at"] < coalesce:
        return _Found(entry=stale)  # rendered a moment ago: the change shows next time
    token = uuid.uuid4().hex
    if shared.add(_lock_key(key), token, timeout=_LOCK_SECONDS):
        return _Found(lock=token)
    # Another request renders it: the previous page meanwhile, checked again shortly.
    keep_local(key, now + coalesce / 5, _waiting, _LOCAL_PAGES)
    return _Found(entry=stale)


def _usable(entry: object, now: float) -> dict[str, Any] | None:
    """An entry of this format that has not outlived FORUM_PAGE_CACHE_SECONDS."""
    if isinstance(entry, dict) and "made_at" in entry and entry["expires"] >= now:
        return entry
    return None


def _lock_key(key: str) -> str:
    return f"{key}:rendering"


def _release(key: str, token: str) -> None:
    if shared.get(_lock_key(key)) == token:
        shared.delete(_lock_key(key))


def page_response(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    """The kept page, gzipped when the reader accepts it (GZipMiddleware leaves a
    response that has its Content-Encoding alone)."""
    if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(entry["gzip"], content_type=entry["content_type"])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    # The language came from these two (LocaleMiddleware adds them too; said here so a
    # kept page always carries them).
    patch_vary_headers(response, ("Accept-Encoding", "Accept-Language", "Cookie"))
    return response


def compress(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=9, mtime=0)


def _store_page(
    key: str,
    slug: str,
    *,
    article_id: int,
    version: str,
    made_at: float,
    request: HttpRequest,
    response: HttpResponse,
) -> dict[str, Any] | None:
    """Keep a freshly rendered anonymous page, unless it carries anything personal."""
    if not cacheable_response(request, response):
        return None
    _article_ids[slug] = article_id
    entry = {
        "article_id": article_id,
        "version": version,
        "content": response.content,
        "gzip": compress(response.content),
        "content_type": response["Content-Type"],
        "made_at": made_at,
        "expires": made_at + settings.FORUM_PAGE_CACHE_SECONDS,
    }
    shared.put(key, entry, timeout=settings.FORUM_PAGE_CACHE_SECONDS)
    keep_local(key, entry, _local_pages, _LOCAL_PAGES)
    return entry


def cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # a CSRF token is in the page: it belongs to this reader only
    # A nonce was made for this response (its header names it): the page may use it.
    return getattr(request, "_csp_nonce", None) is None
