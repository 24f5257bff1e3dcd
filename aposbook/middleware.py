"""Site-wide middleware: request ids and the request log line, edge limits, the
Permissions-Policy header, and a calm 503 (that keeps the member's text) while the
database or cache is unreachable."""

import logging
import re
import time
import uuid
from collections.abc import Callable
from io import BytesIO
from urllib.parse import unquote_plus

from django import forms
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext

from aposbook import cache_outage
from aposbook.logging import request_id_var

GetResponse = Callable[[HttpRequest], HttpResponse]

# Database or cache unreachable: a backend being down, not a bug in our code.
DATABASE_ERRORS = (OperationalError, InterfaceError)
OUTAGE_ERRORS = (*DATABASE_ERRORS, *cache_outage.CACHE_ERRORS)

request_log = logging.getLogger("aposbook.request")
outage_log = logging.getLogger("aposbook.outage")

# A client may pass its own id (a load balancer's); anything else gets a fresh one.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
# Paths that carry a secret key in them (email confirmation, password reset, a visitor's
# notice confirmation) are logged without it.
_SECRET_PATHS = re.compile(
    r"^(/accounts/(?:confirm-email|password/reset/key)/|/notices/confirm/)[^/]+"
)
# Form fields never echoed back or logged: tokens, passwords, one-time codes.
_SECRET_FIELD = re.compile(r"csrf|password|token|secret|code|key|otp|credential", re.IGNORECASE)
# Fields a form carries for the server, not typed by the member: echoed as hidden inputs.
# The comment form's form_token is no secret (it only ever matches the member's own
# comments) and must come back, so the resent form still creates one comment, once.
_CARRIED_FIELDS = frozenset({"form_token", "parent", "next", "post", "preview"})


def log_path(request: HttpRequest) -> str:
    return _SECRET_PATHS.sub(r"\1…", request.path)


class RequestIdMiddleware:
    """Gives every request an id (X-Request-ID in and out), puts it into every log line,
    and writes one access line per request (path only: query strings may carry tokens)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # for views and tests
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_log.info(
                "%s %s %s %.0fms",
                request.method,
                log_path(request),
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            return response
        finally:
            request_id_var.reset(token)


# C0 controls and DEL: no address of ours has them. PostgreSQL refuses NUL in text (a
# lookup with one raised a 500), and raw controls in logs can forge or hide lines.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(request: HttpRequest) -> bool:
    """In the path (as decoded) or in the query string (raw or percent-decoded)."""
    query = request.META.get("QUERY_STRING", "")
    return bool(
        _CONTROL_CHARACTERS.search(request.path)
        or _CONTROL_CHARACTERS.search(request.path_info)
        or _CONTROL_CHARACTERS.search(unquote_plus(query, errors="replace"))
    )


def edge_refusal(reason: str, status: int) -> HttpResponse:
    """A plain 4xx page, rendered without a request: it needs no database or session."""
    body = loader.get_template("400.html").render({"reason": reason})
    return HttpResponse(body, status=status)


class EdgeLimitsMiddleware:
    """Refuses query strings longer than any page needs with a clean 414, and addresses
    with control characters (NUL, newlines, …) with a clean 400, before any view or
    database sees them."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > settings.MAX_QUERY_STRING_LENGTH:
            return edge_refusal(gettext("The address is too long."), 414)
        if has_control_characters(request):
            return edge_refusal(
                gettext("The address contains characters no page of ours uses."), 400
            )
        return self.get_response(request)


# The forms where a member types long text: refused for length by the form itself, which
# names the limit and keeps the text in the box, instead of a bare 400 that loses it.
_LONG_TEXT_VIEWS = frozenset({"forum:comment-create", "forum:comment-edit"})


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class LongTextFormMiddleware:
    """Lets a comment form's body past DATA_UPLOAD_MAX_MEMORY_SIZE, up to
    FORUM_COMMENT_UPLOAD_MAX_SIZE, so a pasted 1 MB text meets the form's "the limit is
    5,000 characters" with the text kept. Every other form keeps the site-wide cap, and
    beyond this larger cap a comment POST gets the plain 400 too. Runs before the CSRF
    check, the first to read the body."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if (
            request.method == "POST"
            and settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            < length
            <= settings.FORUM_COMMENT_UPLOAD_MAX_SIZE
            and request.content_type == "application/x-www-form-urlencoded"
            and self._long_text_view(request)
        ):
            # HttpRequest.body refuses a long body from its declared length before reading;
            # reading it here under our own cap, exactly as HttpRequest.body stores what it
            # read, lets request.POST parse it as usual.
            request._body = request.read()
            request._stream = BytesIO(request._body)
        return self.get_response(request)

    @staticmethod
    def _long_text_view(request: HttpRequest) -> bool:
        try:
            return resolve(request.path_info).view_name in _LONG_TEXT_VIEWS
        except Resolver404:
            return False


class PermissionsPolicyMiddleware:
    """Turns off browser features no page uses (camera, microphone, location, …) and
    keeps other sites from loading our responses (Cross-Origin-Resource-Policy), on
    every response, static files included (whitenoise answers inside this one)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


def echoed_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The text a member submitted, minus secrets, to hand back when we could not save it."""
    if request.method != "POST":
        return []
    try:
        data = request.POST
    except Exception:  # an unreadable body (too big, broken encoding): nothing to echo
        return []
    return [
        (name, value)
        for name, values in data.lists()
        if name in _CARRIED_FIELDS or not _SECRET_FIELD.search(name)
        for value in values
    ]


def _echo_widget(name: str, value: str, control_id: str) -> str:
    """One echoed field as Django's own widget writes it (the markup has one source)."""
    if name in _CARRIED_FIELDS:
        return forms.HiddenInput().render(name, value)
    multiline = "\n" in value or len(value) > 80
    widget = forms.Textarea(attrs={"rows": 8}) if multiline else forms.TextInput()
    return widget.render(name, value, attrs={"id": control_id})


def resubmit_context(request: HttpRequest) -> dict:
    from django.middleware.csrf import get_token  # cookie-based: needs no database

    fields = echoed_fields(request)
    return {
        "fields": [
            {
                "name": name,
                "id": f"resubmit-{number}",
                "hidden": name in _CARRIED_FIELDS,
                "widget": _echo_widget(name, value, f"resubmit-{number}"),
            }
            for number, (name, value) in enumerate(fields, start=1)
        ],
        "action": request.get_full_path(),
        "csrf_token": get_token(request) if fields else "",
    }


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The friendly 503: rendered without a request context, so it needs no database."""
    outage_log.error(
        "backend unavailable (%s: %s) on %s %s",
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
        request.method,
        log_path(request),
    )
    # Say what is down: without the cache, reading goes on and only changes wait.
    down = "cache" if isinstance(error, cache_outage.CACHE_ERRORS) else "database"
    body = loader.get_template("503.html").render({**resubmit_context(request), "down": down})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # Already logged above, as one line; tells Django not to log it a second time.
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag
    return response


class DatabaseOutageMiddleware:
    """Any database or cache connection failure in a view becomes a 503 with Retry-After
    and no traceback; a POSTed form comes back filled in so nothing typed is lost.
    (Failures in other middleware reach aposbook.views.server_error, which does the same.)
    Reading requests carry on without the cache when only Redis is down
    (aposbook/cache_outage.py): this marks which requests read."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = cache_outage.start_request(request.method or "")
        try:
            return self.get_response(request)
        finally:
            cache_outage.end_request(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGE_ERRORS):
            return outage_response(request, exception)
        return None


class PrivatePagesMiddleware:
    """A response to anyone carrying a session (a member) says `Cache-Control: private`
    unless the view chose its own, so no shared cache in front (nginx's microcache, a CDN)
    ever keeps a member's page for someone else. Judged by the cookie alone: no session
    or database read."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        personal = settings.SESSION_COOKIE_NAME in request.COOKIES or (
            settings.SESSION_COOKIE_NAME in response.cookies
        )
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (language from the language cookie, else Accept-Language),
    which says `Vary: Accept-Language`; this adds `Vary: Cookie`, because the footer's
    switch keeps a reader's choice in a cookie and the page differs by it. Shared caches
    (the nginx microcache keys by that cookie too) then never give one reader's language
    to another."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
