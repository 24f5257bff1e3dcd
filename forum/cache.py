"""What the article page keeps in the shared cache, and how a change throws it away.

Every article has a *discussion version*: a random token in the shared cache (Redis
when REDIS_URL is set, the database cache otherwise, so every app server sees the same
token). Anything cached for the page (the whole page anonymous readers get, the
rendered threads members get) is keyed by it. A service that changes what the
discussion shows calls `discussion_changed(article_id=...)`; once its transaction
commits, the token is replaced and every server renders afresh on its next request.

The anonymous page is cached only for requests that carry nothing personal: GET, not
signed in, no session or messages cookie, and only the page's own query parameters.
Such a page has no CSRF token (no form on it posts) and no nonce'd script (the
discussion script only loads with the composer, for members); `cacheable_response`
refuses anything that used either, so a later change cannot leak one reader's token.

The moderation queue has one *queue version* of its own, bumped the same way by
`queue_changed()` from every service that changes what the queue shows. Each
moderator's queue page (per query string) is cached against it, with a random
placeholder where the forms' CSRF token goes: the view puts the request's own token in.
"""

import hashlib
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

_VERSION_KEY = "forum:discussion:{article_id}"
_PAGE_KEY = "forum:anonymous-page:{slug}:{query}"
_SNAPSHOT_KEY = "forum:discussion-page:{version}:{viewer}:{sort}:{kind}:{page}"
_THREAD_KEY = "forum:thread:{version}:{root_id}:{viewer}"
# The article page's own query parameters; any other parameter bypasses the cache.
_PAGE_PARAMETERS = ("page", "sort", "type")
_MAX_PARAMETER_LENGTH = 20

# slug -> article id, learned from this worker's cached pages: the version key is by id.
_article_ids: dict[str, int] = {}
# This worker's copies of recently served pages, checked against the shared version.
_LOCAL_PAGES = 32
_local_pages: OrderedDict[str, dict] = OrderedDict()


def _version_key(article_id: int) -> str:
    return _VERSION_KEY.format(article_id=article_id)


def bump_discussion_version(article_id: int) -> None:
    cache.set(_version_key(article_id), uuid.uuid4().hex, timeout=None)


def discussion_changed(*, article_id: int) -> None:
    """Call inside the transaction that changes a discussion; takes effect on commit."""
    transaction.on_commit(lambda: bump_discussion_version(article_id))


def discussion_version(article_id: int) -> str:
    return _current_version(_version_key(article_id))


def _current_version(key: str) -> str:
    """The token under `key`, made now if the cache has none (or lost it)."""
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version
    return version


# --- The anonymous article page ----------------------------------------------------


def anonymous_page_key(request: HttpRequest, slug: str) -> str | None:
    """The cache key of this request's page, or None when it must be rendered for it."""
    if request.method != "GET" or request.user.is_authenticated:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    query = page_query(request)
    return None if query is None else _PAGE_KEY.format(slug=slug, query=query)


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


def cached_page(key: str, slug: str) -> HttpResponse | None:
    """The cached page if it was made at the article's current discussion version.

    The version always comes from the shared cache (one small read); the page itself
    from this worker's memory when it holds that version, else from the shared cache.
    """
    article_id = _article_ids.get(slug)
    if article_id is None:
        return None
    version = cache.get(_version_key(article_id))
    entry = _local_pages.get(key)
    if entry is None or entry["version"] != version or entry["expires"] < time.time():
        entry = cache.get(key)
        if entry is None or entry["version"] != version or entry["article_id"] != article_id:
            return None
        _keep_local(key, entry)
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["X-Page-Cache"] = "hit"
    return response


def _keep_local(
    key: str, entry: dict, copies: OrderedDict = _local_pages, most: int = _LOCAL_PAGES
) -> None:
    copies[key] = entry
    copies.move_to_end(key)
    while len(copies) > most:
        copies.popitem(last=False)


def store_page(key: str, slug: str, *, article_id: int, version: str, request, response) -> None:
    """Keep a freshly rendered anonymous page, unless it carries anything personal."""
    if not cacheable_response(request, response):
        return
    _article_ids[slug] = article_id
    entry = {
        "article_id": article_id,
        "version": version,
        "content": response.content,
        "content_type": response["Content-Type"],
        "expires": time.time() + settings.FORUM_PAGE_CACHE_SECONDS,
    }
    cache.set(key, entry, timeout=settings.FORUM_PAGE_CACHE_SECONDS)
    _keep_local(key, entry)


def cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # a CSRF token is in the page: it belongs to this reader only
    # A nonce was made for this response (its header names it): the page may use it.
    return getattr(request, "_csp_nonce", None) is None


# --- Pages of the discussion, shared by readers without comments of their own -------


def snapshot_key(*, version: str, viewer: str, page, sort: str, kind: str) -> str:
    page = str(page) if str(page or "").isdigit() and len(str(page)) < 8 else "1"
    return _SNAPSHOT_KEY.format(version=version, viewer=viewer, page=page, sort=sort, kind=kind)


def get_snapshot(key: str) -> dict | None:
    return cache.get(key)


def set_snapshot(key: str, snapshot: dict) -> None:
    cache.set(key, snapshot, timeout=settings.FORUM_PAGE_CACHE_SECONDS)


def thread_key(*, version: str, root_id: int, viewer: str) -> str:
    return _THREAD_KEY.format(version=version, root_id=root_id, viewer=viewer)


def own_thread_key(
    *, version: str, root_id: int, viewer: str, reader_id: int, editable: tuple[int, ...]
) -> str:
    """A thread as the reader who wrote in it sees it (forum/discussion.py)."""
    base = thread_key(version=version, root_id=root_id, viewer=viewer)
    # A digest: a member may have many comments in one thread, and keys stay short
    # (the database cache's key column holds 255 characters).
    edit = hashlib.blake2s(",".join(map(str, editable)).encode(), digest_size=8).hexdigest()
    return f"{base}:reader-{reader_id}:edit-{edit}"


def get_fragments(keys: list[str]) -> dict[str, str]:
    return cache.get_many(keys) if keys else {}


def set_fragments(fragments: dict[str, str]) -> None:
    if fragments:
        cache.set_many(fragments, timeout=settings.FORUM_PAGE_CACHE_SECONDS)


# --- The moderation queue -------------------------------------------------------------

_QUEUE_VERSION_KEY = "forum:queue"
# The entry's format is in the key ("b": the page kept as bytes): change it with the
# format, so workers of two releases never read each other's entries during a deploy.
_QUEUE_PAGE_KEY = "forum:queue-page:b:{moderator_id}:{query}"
# This worker's copies of recently served queue pages (~200 kB each), like _local_pages.
_LOCAL_QUEUE_PAGES = 16
_local_queue_pages: OrderedDict[str, dict] = OrderedDict()


def bump_queue_version() -> None:
    cache.set(_QUEUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def queue_changed() -> None:
    """Call inside a transaction that changes what the moderation queue shows (a comment
    entering or leaving it, a report, an appeal, a sanction, a note, a name or text on
    an item); takes effect on commit."""
    transaction.on_commit(bump_queue_version)


def queue_version() -> str:
    return _current_version(_QUEUE_VERSION_KEY)


def queue_page_key(*, moderator_id: int, query_string: str) -> str:
    """One moderator's queue for one query string: the items carry what this moderator
    may do (decide an appeal, sanction the author), the header their name, and the
    return address and page links repeat the query string as it was typed. Hashed: it is
    the moderator's input."""
    query = hashlib.sha256(query_string.encode()).hexdigest()[:32]
    return _QUEUE_PAGE_KEY.format(moderator_id=moderator_id, query=query)


def cached_queue_page(key: str) -> tuple[str, dict | None]:
    """The queue version now, and the queue kept under `key` if it was made at that
    version. The version always comes from the shared cache (one small read); the
    queue from this worker's memory when it holds that version, else from the shared
    cache."""
    version = queue_version()
    entry = _local_queue_pages.get(key)
    if entry is None or entry["version"] != version or entry.get("expires", 0) < time.time():
        entry = cache.get(key)
        if not _is_queue_page(entry, version):
            return version, None
        _keep_local(key, entry, _local_queue_pages, _LOCAL_QUEUE_PAGES)
    return version, entry


def _is_queue_page(entry, version: str) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("version") == version
        and isinstance(entry.get("page"), bytes)
        and isinstance(entry.get("placeholder"), str)
    )


def store_queue_page(
    key: str, *, request: HttpRequest, version: str, placeholder: str, page: bytes
) -> dict:
    """Keep a queue page (encoded) rendered at `version` (read before the rows were),
    with `placeholder` where the CSRF token goes. The timeout only bounds relative times
    ("3 minutes ago") and sanctions running out; changes replace the version at once.
    Not kept if rendering made a CSP nonce: that is one response's own."""
    entry = {
        "version": version,
        "placeholder": placeholder,
        "page": page,
        "expires": time.time() + settings.FORUM_QUEUE_CACHE_SECONDS,
    }
    if getattr(request, "_csp_nonce", None) is None:
        cache.set(key, entry, timeout=settings.FORUM_QUEUE_CACHE_SECONDS)
        _keep_local(key, entry, _local_queue_pages, _LOCAL_QUEUE_PAGES)
    return entry
