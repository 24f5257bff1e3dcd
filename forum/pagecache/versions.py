"""Version tokens in the shared cache: what every cached page is checked against.

Every article has a *discussion version* and the moderation queue has one *queue
version*: a random token in the shared cache (Redis when REDIS_URL is set, the database
cache otherwise, so every app server sees the same token). Anything cached for a page
is keyed by, or stored with, its token; replacing the token (only
forum/pagecache/invalidation.py does, once a change commits) makes every server render
afresh on its next request.

A token starts with the time it was made (milliseconds, hex): with a read replica, a
request that takes a token younger than the replica's lag reads the primary, so what it
renders and keeps under that token holds the change that made it (aposbook/replica.py).
"""

import time
import uuid

from django.core.cache import cache

from aposbook.replica import read_primary_for_version
from forum.pagecache import shared

_DISCUSSION_KEY = "forum:discussion:{article_id}"
_QUEUE_KEY = "forum:queue"


def discussion_key(article_id: int) -> str:
    return _DISCUSSION_KEY.format(article_id=article_id)


def discussion_version(article_id: int) -> str:
    return _current_version(discussion_key(article_id))


def stored_discussion_version(article_id: int) -> str | None:
    """The token as the shared cache holds it, None when it holds none (then nothing
    cached against it can be current)."""
    return shared.get(discussion_key(article_id))


def bump_discussion_version(article_id: int) -> None:
    cache.set(discussion_key(article_id), new_version(), timeout=None)


# The *thread epoch*: replaced with the discussion version by every change but a new
# comment (forum/pagecache/invalidation.py). A thread whose rows a new comment did not
# touch renders the same HTML under the same epoch, so a page rendered again after a
# post reuses it (forum/discussion.py `_shared_thread_html`).
_THREADS_KEY = "forum:threads:{article_id}"


def threads_epoch(article_id: int) -> str:
    return _current_version(_THREADS_KEY.format(article_id=article_id))


def bump_threads_epoch(article_id: int) -> None:
    cache.set(_THREADS_KEY.format(article_id=article_id), new_version(), timeout=None)


def queue_version() -> str:
    return _current_version(_QUEUE_KEY)


def bump_queue_version() -> None:
    cache.set(_QUEUE_KEY, new_version(), timeout=None)


def new_version() -> str:
    return f"{int(time.time() * 1000):x}-{uuid.uuid4().hex}"


def version_made_at(version: str) -> float | None:
    """When the token was made (time.time()); None for a token without its time."""
    stamp, _, rest = version.partition("-")
    try:
        return int(stamp, 16) / 1000 if rest else None
    except ValueError:
        return None


def _current_version(key: str) -> str:
    """The token under `key`, made now if the cache has none (or lost it). Without a
    cache (a reading request while Redis is down) a token of this request's own, which
    nothing cached matches: the page is rendered from the database."""
    version = shared.get(key)
    if version is None:
        version = new_version()
        if not shared.add(key, version, timeout=None):
            version = shared.get(key) or version
    read_primary_for_version(version_made_at(version))
    return version
