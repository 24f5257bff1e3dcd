"""Test settings: the product's settings, with what makes tests fast and hermetic."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)

# The test client and live_server speak plain http; tests/aposbook/test_settings.py
# checks the HTTPS defaults in a subprocess with a production environment.
os.environ.setdefault("DJANGO_HTTPS", "0")

from aposbook.settings import *  # noqa: F403

# Fast hashing: tests create many members; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Email and other tasks run at once, inside the test, instead of in a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Each test starts with an empty cache (tests/conftest.py clears it), so rate-limit
# counters and cached pages never leak from one test into another.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests read a change on the very next request; coalescing has its own tests
# (tests/forum/test_render_coalescing.py), which turn it on.
FORUM_RENDER_COALESCE_MS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# SQLite tests use a file, not the shared in-memory database: concurrency tests run real
# threads, and shared-cache memory databases fail with "table is locked" instead of
# waiting like the WAL file the product uses (pytest-django adds a suffix per worker).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-aposbook.sqlite3")}  # noqa: F405
