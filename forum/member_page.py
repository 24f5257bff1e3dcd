"""The article page for a signed-in member, filled in from a shared *stencil*.

A member's article page differs from every other member's in a handful of places: the
CSRF token and their name in the header, the composer's one-time form token, and the
threads holding their own comments (with Edit and Delete). Everything else, the
article, its references and the other threads, is the same for every member in the same
standing. Rendering all of it for each request cost ~15 ms, where the anonymous page
costs under one; so the page is rendered once per discussion version and standing
("verified": may post and report; "unverified": the verification notice instead of
the composer), with a marker in each of those places, and kept in the shared cache cut
at the markers. Serving a member is reading it and filling the slots: their token,
their name, a new form token, their own threads from the thread cache
(forum/discussion.py `own_threads_html`), the others as everyone sees them.

The markers carry a random token made at each rendering and never shown, so no text
in a comment can pose as one. Nothing here marks anything safe: the stencil's pieces
come from autoescaped templates, the filled values are escaped, and the page leaves as
bytes.

Everyone else gets the page rendered for them (articles/views.py): moderators (they
see the queue's comments in place), members under a sanction (their notice), staff
previewing a draft, a page carrying a message, other query parameters, and a member
whose own comments awaiting review would move the threads on this page.
"""

import re
import secrets
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language, gettext

from aposbook.accounts import has_verified_email
from aposbook.models import AnyUser, User
from articles.models import Article
from forum import permissions
from forum.discussion import (
    Discussion,
    Node,
    OwnComments,
    kind_param,
    kinds,
    own_comments,
    own_threads_html,
    shared_page,
    snapshot_page,
    sort_param,
)
from forum.forms import CommentForm
from forum.notifications import unread_count
from forum.pagecache import fragments
from forum.pagecache.anonymous import page_query
from forum.pagecache.local import keep_local, local_copies
from forum.pagecache.versions import discussion_version

# A private-use character: never produced by the site's templates, and the random token
# after it (made per rendering) is what makes a marker a marker.
_MARK = "\ue000"
# With the page size: releases with another FORUM_THREADS_PER_PAGE paginate differently.
# With the language: the stencil holds interface text in the member's language.
_STENCIL_KEY = "forum:member-page:{version}:{per_page}:{language}:{slug}:{standing}:{host}:{query}"

# slug -> article id, learned when a stencil is made: the version key is by id.
_article_ids: dict[str, int] = {}
# This worker's copies of the stencils it serves from (a few articles and standings).
_LOCAL_STENCILS = 16
_local_stencils: OrderedDict[str, dict[str, Any]] = local_copies()


@dataclass(frozen=True)
class Reader:
    """What the template's header needs of the member, with a marker for the name."""

    username: str
    is_authenticated: bool = True


def _standing(user: AnyUser) -> str | None:
    """Which stencil this member gets, or None when their page is rendered for them."""
    if not (user.is_authenticated and user.is_active) or permissions.can_moderate(user):
        return None
    if not has_verified_email(user):
        return "unverified"
    if permissions.active_sanction(user) is not None:
        return None
    return "verified"


def _has_messages(request: HttpRequest) -> bool:
    return "messages" in request.COOKIES or bool(request.session.get(SessionStorage.session_key))


def _key(request: HttpRequest, slug: str, *, version: str, standing: str) -> str | None:
    query = page_query(request)
    if query is None:
        return None
    host = request.get_host()
    return _STENCIL_KEY.format(
        version=version,
        per_page=settings.FORUM_THREADS_PER_PAGE,
        language=get_language(),
        slug=slug,
        standing=standing,
        host=host,
        query=query,
    )


def serve(request: HttpRequest, slug: str) -> HttpResponse | None:
    """The member's page from the stencil, or None when it has to be rendered."""
    article_id = _article_ids.get(slug)
    if article_id is None or request.method not in ("GET", "HEAD"):
        return None
    standing = _standing(request.user)
    if standing is None or _has_messages(request):
        return None
    version = discussion_version(article_id)
    key = _key(request, slug, version=version, standing=standing)
    stencil = _kept_stencil(key) if key else None
    if stencil is None:
        return None
    return _fill(request, stencil, article_id=article_id, version=version)


def _kept_stencil(key: str) -> dict | None:
    """The stencil under `key`: this worker's copy, ready to send (its text as bytes),
    else the shared cache's. The key holds the discussion version, so a copy is never
    out of date for its key; it is dropped when the shared entry would have expired
    (FORUM_PAGE_CACHE_SECONDS after it was made), as every cached page is. Reading and
    unpickling the ~115 KB stencil from the shared cache cost ~1 ms of each member's page.
    """
    now = time.time()
    kept = _local_stencils.get(key)
    if kept is not None and kept["expires"] >= now:
        return kept
    stencil = fragments.get_snapshot(key)
    if stencil is None:
        return None
    made_at = stencil.get("made_at", now)
    ready = stencil | {
        "expires": made_at + settings.FORUM_PAGE_CACHE_SECONDS,
        "parts": [part.encode() if i % 2 == 0 else part for i, part in enumerate(stencil["parts"])],
        "threads": {pk: html.encode() for pk, html in stencil["threads"].items()},
    }
    keep_local(key, ready, _local_stencils, _LOCAL_STENCILS)
    return ready


def build(
    request: HttpRequest,
    article: Article,
    *,
    version: str,
    page_context: Callable[[Discussion, dict], dict[str, Any]],
) -> HttpResponse | None:
    """Render this article's stencil for the member's standing, keep it, and serve the
    member from it; None when this page is not one a stencil serves."""
    standing = _standing(request.user)
    if (
        standing is None
        or request.method not in ("GET", "HEAD")
        or not article.is_published
        or _has_messages(request)
    ):
        return None
    key = _key(request, article.slug, version=version, standing=standing)
    if key is None:
        return None
    known = article.slug in _article_ids
    _article_ids[article.slug] = article.pk
    if (made := fragments.get_snapshot(key)) is not None:
        # Made already. A worker new to this article (serve() could not look it up) fills
        # it now; otherwise serve() did, and it could not serve this member (their threads).
        return None if known else _fill(request, made, article_id=article.pk, version=version)
    may_post = standing == "verified" and article.discussion_open
    # The member's half of the report rule, asked once for everyone in this standing.
    may_report = standing == "verified" and permissions.may_report(request.user)
    sort, kind = sort_param(request.GET.get("sort")), kind_param(request.GET.get("type"))
    snapshot = shared_page(
        article,
        version=version,
        may_post=may_post,
        may_report=may_report,
        page=request.GET.get("page"),
        sort=sort,
        kind=kind,
    )
    token = secrets.token_hex(16)

    def marker(name: str) -> str:
        return f"{_MARK}{token}:{name}{_MARK}"

    discussion = Discussion(
        threads=[Node(comment=None, html=marker(f"thread:{pk}")) for pk in snapshot["roots"]],
        page=snapshot_page(snapshot),
        comment_count=snapshot["comment_count"],
        sort=sort,
        kind=kind,
        kinds=kinds(),
        may_react=may_report,
        pagination=marker("pagination"),
    )
    # Closed, or unverified: the same words for everyone in this standing.
    refusal = permissions.posting_refusal(request.user, article)
    form = CommentForm(initial={"form_token": marker("form_token")}) if may_post else None
    extra = {"refusal": refusal, "form": form, "follow_slot": marker("follow")}
    context = page_context(discussion, extra)
    context |= {"csrf_token": marker("csrf"), "user": Reader(marker("username"))}
    context |= {"notifications_slot": marker("notifications"), "menu_badge_slot": marker("badge")}
    context |= {"is_moderator": False}
    html = render_to_string("articles/article_detail.html", context, request=request)
    if getattr(request, "_csp_nonce", None) is not None:
        return None  # the page used this response's own nonce: never shared
    # The page links, for their slot (rendered again for a member whose threads add pages).
    pagination = render_to_string(
        "_partials/pagination.html",
        {"page": discussion.page, "label": gettext("Discussion pages"), "anchor": "#discussion"},
        request=request,
    )
    stencil = {
        "parts": _cut(html, token),
        "threads": dict(zip(snapshot["roots"], snapshot["html"], strict=True)),
        "snapshot": {k: v for k, v in snapshot.items() if k != "html"},
        "pagination": pagination,
        # What the follow button needs of the article, without loading it per member.
        "article": {"slug": article.slug, "get_absolute_url": article.get_absolute_url()},
        "sort": sort,
        "kind": kind,
        "rights": {"may_post": may_post, "may_report": may_report, "may_edit": may_post},
        "made_at": time.time(),
    }
    fragments.set_snapshot(key, stencil)
    return _fill(request, stencil, article_id=article.pk, version=version)


def _cut(html: str, token: str) -> list[str]:
    """The page as text and slot names, alternating (text first and last). Only this
    rendering's markers count: anything else that looks like one stays text."""
    return re.split(f"{_MARK}{token}:([a-z_]+(?::[0-9]+)?){_MARK}", html)


def _fill(
    request: HttpRequest, stencil: dict, *, article_id: int, version: str
) -> HttpResponse | None:
    user = request.user
    own = own_comments(article_id, user)
    if own is None:
        return None  # a moderator sees more than the stencil holds: rendered for them
    snapshot = stencil["snapshot"]
    article = Article(pk=article_id)
    pagination = stencil["pagination"]
    if extra := _extra_threads(own, snapshot):
        if not _page_unmoved(extra, snapshot, sort=stencil["sort"], kind=stencil["kind"]):
            return None  # their own threads move this page's: rendered for them
        # Their threads come after this page's: only the number of pages may change.
        page = snapshot_page(snapshot, extra_threads=len(extra))
        pagination = render_to_string(
            "_partials/pagination.html",
            {"page": page, "label": gettext("Discussion pages"), "anchor": "#discussion"},
            request=request,
        )
    rights = stencil["rights"]
    mine = own_threads_html(article, user, snapshot["roots"], own=own, version=version, **rights)
    values = {
        "csrf": get_token(request),
        "form_token": str(uuid.uuid4()),
        "username": escape(user.username),
        "pagination": pagination,
        # Their Follow / Unfollow button (from the query of their own comments): no
        # cached page differs by it.
        "follow": render_to_string(
            "forum/_follow_form.html",
            {"article": stencil["article"], "following": own.following},
            request=request,
        ),
    }
    values["notifications"], values["badge"] = notifications_link(user)
    # The text between the slots may come as bytes (this worker's copy: encoded once,
    # not for every member), or as str (just rendered); the slots' values likewise.
    parts, threads = stencil["parts"], stencil["threads"]
    out = [_bytes(parts[0])]
    for index in range(1, len(parts), 2):
        name = parts[index]
        if name.startswith("thread:"):
            pk = int(name.removeprefix("thread:"))
            out.append(_bytes(mine.get(pk) or threads[pk]))
        else:
            out.append(values[name].encode())
        out.append(_bytes(parts[index + 1]))
    response = HttpResponse(b"".join(out))
    response["X-Page-Stencil"] = "hit"
    return response


def notifications_link(user: AnyUser) -> tuple[str, str]:
    """The header's link with the member's unread count, and the count on the phone's
    menu button (one cache read: forum/notifications.py)."""
    # Only members are served from a stencil (_standing).
    context = {"unread_count": unread_count(cast(User, user))}
    link = render_to_string("_partials/notifications_link.html", context)
    return link, render_to_string("_partials/unread_badge.html", context)


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode()


def _extra_threads(own: OwnComments, snapshot: dict) -> list[tuple]:
    """The member's threads that nobody else sees (their first comment awaits review or
    was removed, with no replies to keep it showing), as (created_at, id)."""
    return [
        root
        for root in own.extra_roots
        if root[1] not in snapshot["roots"] and root[1] not in snapshot["placeholders"]
    ]


def _page_unmoved(extra: list[tuple], snapshot: dict, *, sort: str, kind: str) -> bool:
    """Do those threads all fall after this page (so it shows the same threads as
    everyone's)? Only worked out for the default order, oldest first, unfiltered."""
    if sort != "oldest" or kind or not snapshot["full"] or snapshot["last"] is None:
        return False
    if snapshot["number"] * settings.FORUM_THREADS_PER_PAGE >= snapshot["count"]:
        return False  # everyone's last page: theirs may go on, or be asked for beyond it
    return all(root > snapshot["last"] for root in extra)
