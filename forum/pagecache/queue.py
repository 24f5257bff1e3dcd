"""The moderation queue's page, from the shared cache while the queue version stands.

Each moderator's queue page (per host and query string) is rendered once per queue
version, since its first page is what moderators reload all day. The cache never holds a
CSRF token: pages are rendered with a random placeholder where every form's token goes,
and each request puts its own token in. The queue version is replaced by
forum/pagecache/invalidation.py when something the queue shows changes; a published
post is not one of them (it only adds to its author's count on their items, which may lag
by FORUM_QUEUE_CACHE_SECONDS: on a busy site every post would otherwise render every
moderator's queue afresh).
"""

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render as render_page
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from aposbook.http import MemberRequest
from forum.pagecache import shared
from forum.pagecache.local import keep_local, local_copies
from forum.pagecache.versions import queue_version
from forum.rendering import with_csrf_token

# The entry's format is in the key ("b": the page kept as bytes): change it with the
# format, so workers of two releases never read each other's entries during a deploy.
# With the language: the page is in the moderator's language.
_QUEUE_PAGE_KEY = "forum:queue-page:b:{moderator_id}:{language}:{query}"
# This worker's copies of recently served queue pages (~200 kB each).
_LOCAL_QUEUE_PAGES = 16
_local_queue_pages: OrderedDict[str, dict[str, Any]] = local_copies()


def serve_queue(request: MemberRequest, *, render: Callable[[str], SafeString]) -> HttpResponse:
    """The queue page for this moderator and query string. `render(placeholder)` renders
    the listing (moderation/_queue_listing.html) with `placeholder` as its CSRF token."""
    key = queue_page_key(
        moderator_id=request.user.pk,
        host=request.get_host(),
        query_string=request.META.get("QUERY_STRING", ""),
    )
    # The version is read before the rows: a change committed meanwhile bumps it again,
    # so a page made from older rows is never kept under the newer version.
    version, entry = _cached_queue_page(key)
    token = get_token(request)
    has_messages = bool(get_messages(request))
    if entry is None or has_messages:
        placeholder = secrets.token_hex(16)
        content = render(placeholder)
        if entry is None:
            entry = _keep_page(
                request, key=key, version=version, placeholder=placeholder, content=content
            )
        if has_messages:
            # An action's outcome to show (after a change, the cache missed anyway): the
            # page is rendered for this request, so the message shows once, never cached.
            listing = with_csrf_token(content, placeholder=placeholder, token=token)
            return render_page(request, "moderation/queue.html", {"listing": listing})
    # The kept page is bytes, as sent: this request's token goes where the placeholder
    # stands (Django's tokens are letters and digits; escaped all the same).
    return HttpResponse(
        entry["page"].replace(entry["placeholder"].encode(), escape(token).encode())
    )


def queue_page_key(*, moderator_id: int, host: str, query_string: str) -> str:
    """One moderator's queue for one host and query string: the items carry what this
    moderator may do (decide an appeal, sanction the author), the header their name, and
    the return address and page links repeat the query string as it was typed. Hashed:
    it is the moderator's input."""
    query = hashlib.sha256(f"{host}\n{query_string}".encode()).hexdigest()[:32]
    return _QUEUE_PAGE_KEY.format(moderator_id=moderator_id, language=get_language(), query=query)


def _cached_queue_page(key: str) -> tuple[str, dict[str, Any] | None]:
    """The queue version now, and the queue kept under `key` if it was made at that
    version. The version always comes from the shared cache (one small read); the
    queue from this worker's memory when it holds that version, else from the shared
    cache."""
    version = queue_version()
    entry = _local_queue_pages.get(key)
    if entry is None or entry["version"] != version or entry.get("expires", 0) < time.time():
        entry = shared.get(key)
        if not _is_queue_page(entry, version):
            return version, None
        keep_local(key, entry, _local_queue_pages, _LOCAL_QUEUE_PAGES)
    return version, entry


def _is_queue_page(entry: object, version: str) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("version") == version
        and isinstance(entry.get("page"), bytes)
        and isinstance(entry.get("placeholder"), str)
    )


def _keep_page(
    request: HttpRequest, *, key: str, version: str, placeholder: str, content: str
) -> dict[str, Any]:
    """Keep the whole page as a request without messages gets it: the moderator's own
    header (hence the moderator in the key), its sign-out form with the placeholder too.
    Kept encoded: encoding ~200 kB on every request, and pickling it as text for the
    shared cache, cost more than the rest of a cached request's own work. The timeout
    only bounds relative times ("3 minutes ago") and sanctions running out; changes
    replace the version at once. Not kept if rendering made a CSP nonce: that is one
    response's own."""
    page = render_to_string(
        "moderation/queue.html",
        {"listing": content, "csrf_token": placeholder, "messages": ()},
        request,
    ).encode(settings.DEFAULT_CHARSET)
    entry = {
        "version": version,
        "placeholder": placeholder,
        "page": page,
        "expires": time.time() + settings.FORUM_QUEUE_CACHE_SECONDS,
    }
    if getattr(request, "_csp_nonce", None) is None:
        shared.put(key, entry, timeout=settings.FORUM_QUEUE_CACHE_SECONDS)
        keep_local(key, entry, _local_queue_pages, _LOCAL_QUEUE_PAGES)
    return entry
