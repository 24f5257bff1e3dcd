"""The moderators' lists that screen every post (watched words, crisis phrases), kept
in each worker's memory, compiled, while the shared cache's *list version* stands.

Screening read both tables on every post and edit (two queries, and the crisis
patterns compiled again each time) though they change a few times a year, in the
admin. Now a post reads one small token from the shared cache; the lists come from
this worker's memory while the token is the one they were loaded under. Any save or
delete of a watched word or a crisis phrase (the admin, a migration, a command: the
model signals) replaces the token at once and again when its transaction commits (so
a worker that loaded the old rows meanwhile loads them again), and every worker loads
the lists afresh on its next post. A change that sends no signal (a QuerySet.update()
in a shell) shows within FORUM_PAGE_CACHE_SECONDS, the longest a copy is kept. The
token read for one post's first list serves its second (0.1 s at most).
Without the shared cache (Redis down) the lists come from the database each time.
"""

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from forum.models import CrisisPhrase, WatchedWord
from forum.pagecache import shared
from forum.pagecache.local import local_copies
from forum.pagecache.versions import new_version

_VERSION_KEY = "forum:screening-lists"
_kept: dict[str, tuple[str, float, Any]] = local_copies()  # name -> (version, until, value)

T = TypeVar("T")


# One post asks for both lists: the token read for the first serves the second (for
# at most this long; a change made by this process forgets it at once).
_VERSION_REUSE_SECONDS = 0.1
_read: dict[str, tuple[float, str]] = local_copies()


def _version() -> str | None:
    now = time.monotonic()
    if (last := _read.get("version")) and now - last[0] < _VERSION_REUSE_SECONDS:
        return last[1]
    version = shared.get(_VERSION_KEY)
    if version is None:
        token = new_version()
        version = token if shared.add(_VERSION_KEY, token, timeout=None) else None
        version = version or shared.get(_VERSION_KEY)
    if version is not None:
        _read["version"] = (now, version)
    return version


def kept_list(name: str, load: Callable[[], T]) -> T:
    """`load()`'s value, from this worker's memory while the list version stands."""
    version = _version()
    now = time.time()
    if version is not None and (hit := _kept.get(name)) and hit[0] == version and hit[1] > now:
        return hit[2]
    value = load()
    if version is not None:
        _kept[name] = (version, now + settings.FORUM_PAGE_CACHE_SECONDS, value)
    return value


def lists_changed() -> None:
    _read.clear()
    _kept.clear()
    cache.set(_VERSION_KEY, new_version(), timeout=None)
    transaction.on_commit(lambda: cache.set(_VERSION_KEY, new_version(), timeout=None))


@receiver([post_save, post_delete], sender=WatchedWord, dispatch_uid="screening-lists.word")
@receiver([post_save, post_delete], sender=CrisisPhrase, dispatch_uid="screening-lists.phrase")
def _list_row_changed(**kwargs: Any) -> None:
    lists_changed()
