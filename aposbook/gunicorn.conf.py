"""gunicorn settings for `make serve` and for every app server of a deployment."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request that takes longer than this is stuck; the worker is replaced, not left hung.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# PostgreSQL cancels a web request's statement after this long (ms), so a runaway query
# stops using the server too (the client deadline, aposbook/deadline.py, frees only the
# worker). Set here, read by settings when the app is loaded below: web processes only;
# migrate, rebuild_search and the task worker keep no limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "5000")
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows. The jitter is wide (up to
# half as many again) so that two workers serving the same load are seldom recycled in
# the same moment: with 200, on a busy day both went at once, every time.
max_requests = 2000
max_requests_jitter = 1000
# The app is imported once, in the master, and each worker is a fork of it: a recycled
# worker answers within milliseconds instead of importing Django for ~0.6 s (on a busy
# viral day, with 2 workers each recycled every second or two, both were at times booting
# at once and readers waited ~0.5 s: `make bench`'s p99). No connection is open in the
# master (pre_fork closes any), so no worker shares one. A release restarts the service:
# HUP reloads this file and the workers, not the code.
preload_app = True
# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Django writes one access line per request (aposbook.request, with the request id and
# without query strings), so gunicorn's own access log stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "aposbook.wsgi:application"


def pre_fork(server: object, worker: object) -> None:
    """A connection opened in the master (nothing should, but a hook might) would be
    shared by every fork: closed here, each worker opens its own."""
    from django.db import connections

    connections.close_all()
    # The loaded app's objects are left out of the collector's sweeps, so a fork does not
    # copy the pages they live on the first time it collects.
    gc.freeze()
