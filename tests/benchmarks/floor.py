"""Benchmark-only views, reachable only under tests.benchmarks.settings.

`floor` answers with the anonymous article page's exact bytes, read once from the
file the harness captured from the real page (and its gzipped bytes, as the page sends
them, for a request that accepts gzip), through the same middleware as every other
view: what Django itself can serve on this machine, the yardstick for the rest.

`post_probe` proves the harness's POST machinery (session cookie, CSRF cookie and
field, a unique form token per request) before the forum's real forms exist.
"""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

_pages: dict[str, bytes] = {}
_seen_tokens: set[str] = set()


def floor(request: HttpRequest) -> HttpResponse:
    if not _pages:
        path = Path(os.environ["APOSBOOK_BENCH_FLOOR_FILE"])
        _pages["identity"] = path.read_bytes()
        gzipped = path.with_name(path.name + ".gz")
        _pages["gzip"] = gzipped.read_bytes() if gzipped.exists() else b""
    if _pages["gzip"] and "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
        response = HttpResponse(_pages["gzip"], content_type="text/html; charset=utf-8")
        response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves it as it is
    else:
        response = HttpResponse(_pages["identity"], content_type="text/html; charset=utf-8")
    response["Vary"] = "Accept-Encoding"
    return response


@require_POST
def post_probe(request: HttpRequest) -> HttpResponse:
    """303 for a signed-in POST with a valid CSRF token and a new form token, else 4xx."""
    if not request.user.is_authenticated:
        return HttpResponse("not signed in", status=401, content_type="text/plain")
    token = request.POST.get("form_token", "")
    if not token or token in _seen_tokens:
        return HttpResponse("form token missing or reused", status=409, content_type="text/plain")
    _seen_tokens.add(token)
    response = HttpResponse(status=303)
    response["Location"] = "/__bench__/floor/"
    return response


urlpatterns = [
    path("floor/", floor, name="bench-floor"),
    path("post-probe/", post_probe, name="bench-post-probe"),
]
