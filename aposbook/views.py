import logging
import sys
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from aposbook.middleware import OUTAGE_ERRORS, outage_response, resubmit_context
from articles.models import Article, Category

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = Article.objects.published().with_comment_counts().select_related("category")[:10]
    categories = Category.objects.annotate(article_count=Count("articles")).filter(
        article_count__gt=0
    )
    return render(request, "home.html", {"latest": latest, "categories": categories})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    # /accounts/ is not disallowed: its pages say noindex, and a crawler kept out never
    # reads that, so a linked sign-in page could still be listed from links alone.
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /moderation/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; touches neither database nor cache."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database and the cache both answer (503 otherwise)."""
    checks = {"database": _check_database, "cache": _check_cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # any failure means "not ready", never a 500
            logger.warning("readiness: %s unavailable (%s)", name, type(error).__name__)
            results[name] = "unavailable"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A 403 that hands back what the member typed, with a fresh token, only when the
    form surely came from one of our own pages (an expired token, a lost cookie).

    A POST from another site must never come back as a filled-in form with a valid
    token: one click on it would carry out the forgery (ban a member, add an attacker's
    email). Without proof of our own origin the answer is a plain refusal.
    """
    if same_origin_post(request):
        context = resubmit_context(request)
    else:
        context = {"fields": [], "refused": True}
    body = loader.get_template("403_csrf.html").render(context)
    return HttpResponse(body, status=403)


def same_origin_post(request: HttpRequest) -> bool:
    """Did the browser say this request comes from our own origin (or a trusted one)?

    Browsers send Origin on every form POST; an old browser may only send Referer. No
    header at all proves nothing, so it counts as foreign, on http as on https.
    """
    origin = request.META.get("HTTP_ORIGIN", "")
    if not origin or origin == "null":
        referer = request.META.get("HTTP_REFERER", "")
        if origin == "null" or not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage raised outside a view still gets the calm 503."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGE_ERRORS):
        return outage_response(request, error)
    return defaults.server_error(request)
