"""Sessions in the database with Redis in front (Django's `cached_db`), readable while
Redis is down: a reading request then loads the session from its database row, so
signed-in members stay signed in and keep reading (aposbook/cache_outage.py). A request
that writes still meets the cache error and answers the calm 503, as posting and
signing in do: the session's cached copy must never fall behind its row."""

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.models import Session
from django.core.cache.backends.base import BaseCache

from aposbook.cache_outage import CACHE_ERRORS, cache_skipped, tolerated


class SessionStore(CachedDBStore):
    _cache: BaseCache  # set by Django's __init__ (not in the stubs)

    def load(self) -> dict[str, Any]:
        if not cache_skipped():
            try:
                data = self._cache.get(self.cache_key)
            except CACHE_ERRORS as error:
                if not tolerated(error):
                    raise
            else:
                if data is not None:
                    return data
                return self._load_and_keep()
        stored = self._row()
        return self.decode(stored.session_data) if stored else {}

    def _load_and_keep(self) -> dict[str, Any]:
        """Django's own miss: the row, then its copy in the cache."""
        stored = self._row()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except CACHE_ERRORS as error:
            if not tolerated(error):
                raise
        return data

    def _row(self) -> Session | None:
        return self._get_session_from_db()  # type: ignore[attr-defined]  # Django's, unstubbed
