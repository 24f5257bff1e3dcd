"""The shared cache as pages use it: a reading request that cannot reach it (Redis down)
carries on without it, as if nothing were cached (aposbook/cache_outage.py); any other
request meets the error, which answers the calm 503. Replacing versions, the one write
a change makes (forum/pagecache/versions.py), uses the cache directly: it must fail
loudly."""

from typing import Any

from django.core.cache import cache

from aposbook.cache_outage import or_without_cache


def get(key: str) -> Any:
    return or_without_cache(lambda: cache.get(key), None)


def get_many(keys: list[str]) -> dict[str, Any]:
    return or_without_cache(lambda: cache.get_many(keys), {})


def put(key: str, value: Any, *, timeout: float | None) -> None:
    or_without_cache(lambda: cache.set(key, value, timeout=timeout), None)


def put_many(values: dict[str, Any], *, timeout: float | None) -> None:
    or_without_cache(lambda: cache.set_many(values, timeout=timeout), [])


def add(key: str, value: Any, *, timeout: float | None) -> bool:
    """True when the key was free and now holds `value` (False, too, without a cache)."""
    return or_without_cache(lambda: cache.add(key, value, timeout=timeout), False)


def delete(key: str) -> None:
    or_without_cache(lambda: cache.delete(key), False)


def delete_many(keys: list[str]) -> None:
    if keys:
        or_without_cache(lambda: cache.delete_many(keys), None)
