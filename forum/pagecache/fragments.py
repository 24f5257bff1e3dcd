"""Pieces of the discussion shared between signed-in readers: page snapshots and member
stencils (forum/discussion.py, forum/member_page.py) and rendered threads, all keyed by
the article's discussion version, so a replaced version leaves them unreachable."""

import hashlib
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from forum.pagecache import shared

# With the page size: releases with another FORUM_THREADS_PER_PAGE paginate differently.
# With the language: the pieces hold interface text in the reader's language.
_SNAPSHOT_KEY = (
    "forum:discussion-page:{version}:{per_page}:{language}:{viewer}:{sort}:{kind}:{page}"
)
_THREAD_KEY = "forum:thread:{version}:{language}:{root_id}:{viewer}"


def snapshot_key(*, version: str, viewer: str, page: object, sort: str, kind: str) -> str:
    number = str(page) if str(page or "").isdigit() and len(str(page)) < 8 else "1"
    return _SNAPSHOT_KEY.format(
        version=version,
        per_page=settings.FORUM_THREADS_PER_PAGE,
        language=get_language(),
        viewer=viewer,
        page=number,
        sort=sort,
        kind=kind,
    )


def get_snapshot(key: str) -> dict[str, Any] | None:
    return shared.get(key)


def set_snapshot(key: str, snapshot: dict[str, Any]) -> None:
    shared.put(key, snapshot, timeout=settings.FORUM_PAGE_CACHE_SECONDS)


def thread_key(*, version: str, root_id: int, viewer: str) -> str:
    return _THREAD_KEY.format(
        version=version, language=get_language(), root_id=root_id, viewer=viewer
    )


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
    return shared.get_many(keys) if keys else {}


def set_fragments(fragments: dict[str, str]) -> None:
    if fragments:
        shared.put_many(fragments, timeout=settings.FORUM_PAGE_CACHE_SECONDS)
