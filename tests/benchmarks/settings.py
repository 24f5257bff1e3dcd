"""The benchmark's settings: production's settings, plus the floor view's URL.

Only `make bench` uses this module (DJANGO_SETTINGS_MODULE=tests.benchmarks.settings),
so production code never carries the benchmark-only view: the harness swaps the URL
configuration for one that adds `/__bench__/` in front of the site's own.
"""

import os

from aposbook.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"

if REDIS_URL:  # noqa: F405
    # The same Redis cache as production, under its own prefix so the harness can
    # clear its keys (and only its keys) before a run: one per benchmark database, so
    # two benchmarks sharing a Redis never clear or read each other's pages.
    CACHES["default"]["KEY_PREFIX"] = os.environ.get(  # noqa: F405
        "BENCH_CACHE_KEY_PREFIX", "aposbook-bench"
    )
