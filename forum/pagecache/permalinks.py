"""Where a signed-out reader's permalink leads, kept with the discussion version.

A permalink answers with a redirect to the discussion page holding the comment's
thread; finding that page counts the threads before it (forum/discussion.py `page_of`),
two queries and some 5 ms of a worker. For signed-out readers the answer is the same
for everyone until the discussion changes, so it is kept with the version of the
article's discussion that was current *before* the database was read, and served only
while that version is current: every change that could move a thread, hide the comment
or rename the article replaces the version (forum/pagecache/invalidation.py), so a kept
answer is never older than the page it points into.

The entry also remembers the comment's article (a comment never moves to another
article): the version can then be read before the database. The first request for a
comment only learns the article; the next keeps the answer.
"""

from dataclasses import dataclass

from django.conf import settings

from forum.pagecache import shared
from forum.pagecache.versions import discussion_version

# With the page size: another FORUM_THREADS_PER_PAGE puts a thread on another page.
_KEY = "forum:permalink:{per_page}:{pk}"
# Unused entries go; a busy comment's is made again in two requests.
_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Lookup:
    location: str | None  # the kept answer, when it is current
    version: str | None  # the discussion version read before the database, if known


def _key(pk: int) -> str:
    return _KEY.format(per_page=settings.FORUM_THREADS_PER_PAGE, pk=pk)


def look_up(pk: int) -> Lookup:
    entry = shared.get(_key(pk))
    if entry is None:
        return Lookup(location=None, version=None)
    article_id, version, location = entry
    current = discussion_version(article_id)
    if location is not None and version == current:
        return Lookup(location=location, version=current)
    return Lookup(location=None, version=current)


def keep(pk: int, *, article_id: int, lookup: Lookup, location: str) -> None:
    """Keep the answer found after `lookup` (only its article, when no version was read
    before the database: a change in between would otherwise go unseen)."""
    kept = location if lookup.version is not None else None
    shared.put(_key(pk), (article_id, lookup.version, kept), timeout=_TIMEOUT)
