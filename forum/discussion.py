"""The discussion under an article, as one reader sees it: a fixed handful of queries
whatever the number of comments.

Most readers see the same discussion: the published comments, with the same controls
(reply, when they may post). For them a page of it is a *snapshot* in the shared cache,
keyed by the article's discussion version (forum/pagecache/): which threads, how many,
and each thread's rendered HTML. The threads holding the reader's own comments (their
edit and delete controls) are rendered for them and kept in the thread cache for them
(`own_threads_html`). Moderators see more than others, so theirs is rendered live: a
count, a page of threads, their replies; members with comments awaiting review get
their own page of threads, the others' threads from the thread cache. Signed-in
members mostly get the whole page from forum/member_page.py, built on this module.
"""

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import AnyUser
from aposbook.prepared import Prepared
from articles.models import Article
from forum import permissions
from forum.models import (
    Appeal,
    ArticleFollow,
    Comment,
    CommentKind,
    CommentStatus,
    Reaction,
    Report,
    StatementOfReasons,
    still_editable,
)
from forum.moderation import statements
from forum.pagecache import fragments
from forum.pagecache.local import keep_local, local_copies
from forum.pagecache.versions import discussion_version, threads_epoch
from forum.trust import by_verified_expert, most_helpful_first, with_trust

# "helpful" is ordered by forum.trust.most_helpful_first.
SORTS = {"oldest": ("created_at", "pk"), "newest": ("-created_at", "-pk"), "helpful": ()}
SORT_LABELS = {
    "oldest": _("Oldest first"),
    "newest": _("Newest first"),
    "helpful": _("Most helpful"),
}
# The "Show" filter's extra choice beside the comment kinds.
EXPERT_FILTER = "expert"


@dataclass
class Node:
    """One comment in a thread, with what this reader sees and may do with it."""

    comment: Comment | None  # None for a thread that comes as HTML from a snapshot
    children: list["Node"] = field(default_factory=list)
    placeholder: str = ""  # set when only a placeholder stands where the comment was
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_report: bool = False
    # Signed out: the Report link opens the visitor's notice form instead.
    can_notice: bool = False
    reported: bool = False  # the reader's report on it is open: "You reported this"
    awaiting_review: bool = False
    is_own: bool = False
    can_react: bool = False  # "Helpful" / "Same for me" buttons (not on their own)
    reacted: frozenset[str] = frozenset()  # the reader's own reactions on it

    @property
    def built(self) -> Comment:
        """The comment of a node built from rows (every node but a snapshot's HTML)."""
        assert self.comment is not None
        return self.comment

    removal_notice: bool = False  # the author's own removed comment: reason and appeal
    may_appeal: bool = False
    # The statement of reasons of the author's own restricted comment (DSA Art. 17).
    statement: StatementOfReasons | None = None
    # The thread already rendered by forum/_comment.html (an autoescaped template, so
    # Django keeps it marked safe), for shared threads only.
    html: str | None = None


@dataclass
class Discussion:
    threads: list[Node]
    page: Page
    comment_count: int
    sort: str
    kind: str
    kinds: list[tuple[str, str]]
    # The page carries the one hidden form the reaction buttons post with.
    may_react: bool = False
    # The page links already rendered (a stencil's slot: forum/member_page.py), else ""
    # and the template renders them from `page`.
    pagination: str = ""


def placeholder_text(comment: Comment) -> str:
    if comment.status == CommentStatus.REMOVED:
        reason = comment.get_removal_reason_display()
        if reason:
            return gettext("Removed by a moderator: %(reason)s") % {"reason": reason}
        return gettext("Removed by a moderator")
    if comment.status == CommentStatus.DELETED:
        return gettext("Deleted by its author")
    return gettext("Hidden while a moderator reviews it")


def _node(
    comment: Comment,
    by_parent: dict[int, list[Comment]],
    user: Any,
    may_post: bool,
    may_report: bool,
    may_edit: bool,
    reported: frozenset[int] = frozenset(),
    reacted: dict[int, frozenset[str]] | None = None,
) -> Node | None:
    reacted = reacted or {}
    children = [
        _node(child, by_parent, user, may_post, may_report, may_edit, reported, reacted)
        for child in by_parent.get(comment.pk, [])
    ]
    node = Node(comment=comment, children=[child for child in children if child])
    own = user.is_authenticated and comment.author_id == user.pk
    node.is_own = own
    if comment.readable_by(user):
        published = comment.status == CommentStatus.PUBLISHED
        node.can_reply = may_post and published
        # may_edit (they may post here, as services.edit_refusal asks) was asked once
        # for the page.
        node.can_edit = may_edit and comment.editable_by(user)
        node.can_delete = permissions.can_delete(user, comment)
        # may_report (the member's half of the rule) was asked once for the page; here
        # the comment's half, from the same module as the report view and service.
        if may_report:
            node.reported = comment.pk in reported
            node.can_report = not permissions.comment_report_refusal(
                user, comment, already_reported=node.reported
            )
        elif not user.is_authenticated:
            # A signed-out visitor's Report link opens the notice form (DSA Art. 16).
            node.can_notice = published
        node.awaiting_review = not published
        if own and not published:
            node.statement = statements.latest_for_comment(comment)
        # Reacting needs what reporting needs of the member (asked once for the page).
        node.can_react = may_report and published and not own
        node.reacted = reacted.get(comment.pk, frozenset())
    elif own and comment.status == CommentStatus.REMOVED:
        node.placeholder = placeholder_text(comment)
        node.removal_notice = True
        node.may_appeal = not Appeal.objects.filter(comment_id=comment.pk).exists()
        node.statement = statements.latest_for_comment(comment)
    elif node.children:
        node.placeholder = placeholder_text(comment)
    else:
        return None  # gone without replies: nothing to show
    return node


def sort_param(value: str | None) -> str:
    return value if value in SORTS else "oldest"


def kind_param(value: str | None) -> str:
    return value if value in CommentKind.values or value == EXPERT_FILTER else ""


def kinds() -> list[tuple[str, str]]:
    """The "Show" filter's choices after "All comments"."""
    return [
        *((value, str(label)) for value, label in CommentKind.choices),
        (EXPERT_FILTER, gettext("Answers by verified experts")),
    ]


def filtered_threads(article: Article, user: AnyUser, *, kind: str) -> QuerySet[Comment]:
    """The threads this reader sees, of one kind, or with an answer by a verified expert."""
    if kind != EXPERT_FILTER:
        return Comment.objects.threads_for(article, user, kind=kind)
    visible = Comment.objects.visible_to(user)
    by_expert = Exists(visible.filter(by_verified_expert(), root=OuterRef("pk")))
    roots = Comment.objects.threads_for(article, user)
    return roots.filter(Q(by_verified_expert(), status=CommentStatus.PUBLISHED) | Q(by_expert))


def discussion_for(
    article: Article,
    user: AnyUser,
    *,
    may_post: bool,
    page: str | int | None,
    sort: str = "oldest",
    kind: str = "",
    may_report: bool = False,
    may_edit: bool = True,
) -> Discussion:
    # Read before the queries: a change committed meanwhile leaves what they found stale.
    version = discussion_version(article.pk)
    rights = {"may_post": may_post, "may_report": may_report, "may_edit": may_edit}
    own = own_comments(article.pk, user)
    if own is None:  # a moderator: the queue's comments too, all rendered for them
        threads, page_obj = _live_threads(article, user, page=page, sort=sort, kind=kind, **rights)
        comment_count = article.comments.published().count()
    elif own.only_theirs:  # comments only they see change which threads show
        page_obj = _roots_page(article, user, page=page, sort=sort, kind=kind)
        threads = _reuse_threads(
            article, list(page_obj.object_list), own, user, version=version, **rights
        )
        comment_count = article.comments.published().count()
    else:
        snapshot = shared_page(
            article,
            version=version,
            may_post=may_post,
            may_report=may_report,
            page=page,
            sort=sort,
            kind=kind,
        )
        page_obj = snapshot_page(snapshot)
        threads = [Node(comment=None, html=html) for html in snapshot["html"]]
        mine = own_threads_html(
            article, user, snapshot["roots"], own=own, version=version, **rights
        )
        threads = [
            Node(comment=None, html=mine[pk]) if pk in mine else thread
            for pk, thread in zip(snapshot["roots"], threads, strict=True)
        ]
        comment_count = snapshot["comment_count"]
    return Discussion(
        threads=threads,
        page=page_obj,
        comment_count=comment_count,
        sort=sort,
        kind=kind,
        kinds=kinds(),
        may_react=may_report,
    )


@dataclass(frozen=True)
class OwnComments:
    threads: set[int]  # the threads holding the reader's comments on this article
    # Some of them await review, or were removed (the reason and the appeal): only the
    # reader sees those, so the threads shown differ from everyone else's.
    only_theirs: bool
    # Per thread, which of the reader's comments in it still offer Edit (the edit
    # window closes with time, not with a change): part of the thread's cache key.
    editable: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # (created_at, pk) of the reader's top-level comments nobody else sees: where
    # their threads fall among everyone's (forum/member_page.py).
    extra_roots: tuple = ()
    # Per thread, the others' comments in it the reader has an open report on: those
    # threads are rendered for them ("You reported this"), and it is part of the key.
    reported: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Per thread, the reader's reactions in it as (comment id, kind): those threads are
    # rendered for them (their buttons pressed), never kept for anyone else.
    reacted: dict[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # Whether they follow the article (their Follow / Unfollow button), in the same query.
    following: bool = False

    @property
    def reported_ids(self) -> frozenset[int]:
        return frozenset(chain.from_iterable(self.reported.values()))

    @property
    def reactions(self) -> dict[int, frozenset[str]]:
        kinds_by_comment: dict[int, set[str]] = {}
        for pk, kind in chain.from_iterable(self.reacted.values()):
            kinds_by_comment.setdefault(pk, set()).add(kind)
        return {pk: frozenset(kinds) for pk, kinds in kinds_by_comment.items()}


def _own_comments_query(*, article_id: int, user_id: int) -> QuerySet:
    # By author alone (their index; a member has few comments), the article in Python:
    # the article's index would scan its whole discussion.
    fields = ("pk", "root_id", "status", "article_id", "created_at", "mine")
    mine = Value("own", output_field=CharField())
    theirs = Value("reported", output_field=CharField())
    # Their open reports and their reactions on this article come in the same query (by
    # reporter, by member: few rows); a reaction's row says its kind.
    return (
        Comment.objects.filter(author_id=user_id)
        .annotate(mine=mine)
        .order_by()
        .values_list(*fields)
        .union(
            Comment.objects.filter(
                article_id=article_id,
                reports__reporter_id=user_id,
                reports__resolution=Report.Resolution.OPEN,
            )
            .annotate(mine=theirs)
            .order_by()
            .values_list(*fields),
            Comment.objects.filter(article_id=article_id, reactions__member_id=user_id)
            .annotate(mine=F("reactions__kind"))
            .order_by()
            .values_list(*fields),
            # Their follow of this article, if any: one row, the follow's own id.
            ArticleFollow.objects.filter(article_id=article_id, member_id=user_id)
            .annotate(
                root_id=Value(None, output_field=BigIntegerField()),
                status=Value("", output_field=CharField()),
                mine=Value(_FOLLOWING, output_field=CharField()),
            )
            .order_by()
            .values_list(*fields),
            all=True,
        )
    )


# The tag of the follow's row in the query above.
_FOLLOWING = "following"


# Built and compiled once per process: building it cost ~3 ms of every member's page
# (aposbook/prepared.py); it holds nothing that changes but the two ids.
_OWN_COMMENTS = Prepared(Comment, _own_comments_query, "article_id", "user_id")


def own_comments(article_id: int, user: Any) -> OwnComments | None:
    """The reader's part in this discussion; None for a moderator, who sees more."""
    if not user.is_authenticated:
        return OwnComments(threads=set(), only_theirs=False)
    if permissions.can_moderate(user):
        return None
    own = _OWN_COMMENTS.rows(article_id=article_id, user_id=user.pk)
    only_theirs_statuses = {CommentStatus.PENDING, CommentStatus.HIDDEN, CommentStatus.REMOVED}
    threads, only_theirs, extra_roots = set(), False, []
    editable: dict[int, list[int]] = {}
    reported: dict[int, list[int]] = {}
    reacted: dict[int, list[tuple[int, str]]] = {}
    following = False
    for pk, root_id, status, on_article, created_at, tag in own:
        if on_article != article_id:
            continue
        if tag == _FOLLOWING:
            following = True
            continue
        threads.add(root_id or pk)
        if tag in Reaction.Kind.values:
            reacted.setdefault(root_id or pk, []).append((pk, tag))
            continue
        if tag == "reported":
            reported.setdefault(root_id or pk, []).append(pk)
            continue
        if status in only_theirs_statuses:
            only_theirs = True
            if root_id is None:
                extra_roots.append((created_at, pk))
        if still_editable(status, created_at):
            editable.setdefault(root_id or pk, []).append(pk)
    return OwnComments(
        threads=threads,
        only_theirs=only_theirs,
        editable={root: tuple(sorted(pks)) for root, pks in editable.items()},
        extra_roots=tuple(sorted(extra_roots)),
        reported={root: tuple(sorted(pks)) for root, pks in reported.items()},
        reacted={root: tuple(sorted(pairs)) for root, pairs in reacted.items()},
        following=following,
    )


def _reactions_key(pairs: tuple[tuple[int, str], ...]) -> str:
    """The reader's reactions in a thread, as a short part of its cache key."""
    if not pairs:
        return ""
    text = ",".join(f"{pk}{kind[0]}" for pk, kind in pairs)
    return "-x" + hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


def _reuse_threads(
    article: Article,
    roots: list[Comment],
    own: OwnComments,
    user: AnyUser,
    *,
    may_post: bool,
    may_report: bool,
    may_edit: bool,
    version: str,
) -> list[Node]:
    """This page's threads: the reader's own as they see them, the others as everyone
    sees them (from the thread cache, or rendered and kept there)."""
    rights = {"may_post": may_post, "may_report": may_report, "may_edit": may_edit}
    viewer = _viewer(may_post=may_post, may_report=may_report)
    keys = {
        root.pk: fragments.thread_key(version=version, root_id=root.pk, viewer=viewer)
        for root in roots
        if root.pk not in own.threads
    }
    found = fragments.get_fragments(list(keys.values()))
    built = {
        node.built.pk: node
        for node in _build_threads(
            [root for root in roots if root.pk in keys and keys[root.pk] not in found],
            user,
            may_post=may_post,
            may_report=may_report,
            may_edit=may_edit,
        )
    }
    mine = own_threads_html(
        article, user, [root.pk for root in roots], own=own, version=version, **rights
    )
    threads: list[Node] = []
    rendered: dict[str, str] = {}
    for root in roots:
        key = keys.get(root.pk, "")
        if key in found:
            threads.append(Node(comment=None, html=found[key]))
        elif root.pk in mine:
            threads.append(Node(comment=None, html=mine[root.pk]))
        elif node := built.get(root.pk):
            node.html = rendered[key] = render_to_string("forum/_comment.html", {"node": node})
            threads.append(node)
    fragments.set_fragments(rendered)
    return threads


def own_threads_html(
    article: Article,
    user: Any,
    roots: list[int],
    *,
    own: OwnComments,
    version: str,
    may_post: bool,
    may_report: bool,
    may_edit: bool,
) -> dict[int, str]:
    """The reader's own threads among the page's `roots`, rendered with their controls
    (Edit, Delete, their comments awaiting review), by root id; a thread with nothing
    left to show is absent.

    Kept in the thread cache for this reader: the key holds the discussion version (any
    change to the discussion makes a new one), the controls the reader has, and which of
    their comments still offer Edit (the edit window closes without a change).
    """
    roots = [root for root in roots if root in own.threads]
    if not roots:
        return {}
    viewer = _viewer(may_post=may_post, may_report=may_report) + ("" if may_edit else "-noedit")
    keys = {
        root: fragments.own_thread_key(
            version=version,
            root_id=root,
            viewer=viewer
            + "".join(f"-r{pk}" for pk in own.reported.get(root, ()))
            + _reactions_key(own.reacted.get(root, ())),
            reader_id=user.pk,
            editable=own.editable.get(root, ()),
        )
        for root in roots
    }
    found = fragments.get_fragments(list(keys.values()))
    missing = [root for root in roots if keys[root] not in found]
    rendered = {}
    if missing:
        nodes = _build_threads(
            with_trust(Comment.objects.threads_for(article, user).filter(pk__in=missing)),
            user,
            may_post=may_post,
            may_report=may_report,
            may_edit=may_edit,
            reported=own.reported_ids,
            reacted=own.reactions,
        )
        rendered = {
            node.built.pk: render_to_string("forum/_comment.html", {"node": node}) for node in nodes
        }
        fragments.set_fragments({keys[root]: html for root, html in rendered.items()})
    return {
        root: html
        for root in roots
        if (html := found[keys[root]] if keys[root] in found else rendered.get(root))
    }


def _roots_page(
    article: Article, user: AnyUser, *, page: int | str | None, sort: str, kind: str
) -> Page:
    roots = with_trust(filtered_threads(article, user, kind=kind))
    roots = most_helpful_first(roots) if sort == "helpful" else roots.order_by(*SORTS[sort])
    return Paginator(roots, settings.FORUM_THREADS_PER_PAGE).get_page(page)


def _viewer(*, may_post: bool, may_report: bool) -> str:
    """Which shared rendering a reader gets: the controls differ, nothing else."""
    return ("member" if may_post else "reader") + ("-reports" if may_report else "")


def _build_threads(
    roots: Any,
    user: Any,
    *,
    may_post: bool,
    may_report: bool = False,
    may_edit: bool = True,
    reported: frozenset[int] = frozenset(),
    reacted: dict[int, frozenset[str]] | None = None,
) -> list[Node]:
    roots = list(roots)
    by_parent: dict[int, list[Comment]] = {}
    for reply in with_trust(Comment.objects.in_threads([root.pk for root in roots])):
        by_parent.setdefault(reply.parent_id, []).append(reply)
    rights = (may_post, may_report, may_edit, reported, reacted)
    return [thread for root in roots if (thread := _node(root, by_parent, user, *rights))]


def _live_threads(
    article: Article,
    user: Any,
    *,
    may_post: bool,
    may_report: bool,
    may_edit: bool,
    page: str | int | None,
    sort: str,
    kind: str,
) -> tuple[list[Node], Page]:
    page_obj = _roots_page(article, user, page=page, sort=sort, kind=kind)
    # A moderator reports too: their open reports, so the page says "You reported this".
    reported = frozenset(
        Report.objects.filter(
            reporter_id=user.pk, comment__article=article, resolution=Report.Resolution.OPEN
        ).values_list("comment_id", flat=True)
        if may_report
        else ()
    )
    reacted: dict[int, set[str]] = {}
    if may_report:  # a moderator reacts too: their buttons pressed
        for pk, kind in Reaction.objects.filter(
            member_id=user.pk, comment__article=article
        ).values_list("comment_id", "kind"):
            reacted.setdefault(pk, set()).add(kind)
    threads = _build_threads(
        page_obj.object_list,
        user,
        may_post=may_post,
        may_report=may_report,
        may_edit=may_edit,
        reported=reported,
        reacted={pk: frozenset(kinds) for pk, kinds in reacted.items()},
    )
    return threads, page_obj


def shared_page(
    article: Article,
    *,
    version: str,
    may_post: bool,
    may_report: bool,
    page: int | str | None,
    sort: str,
    kind: str,
) -> dict:
    """A page of the discussion as every reader without comments of their own sees it,
    from the shared cache (keyed by the discussion version) or made and kept there:
    `roots` (ids), `html` (each thread rendered), `count` (threads), `number` (the
    page), `comment_count` (published comments), `full` (a whole page), `last`
    ((created_at, id) of the page's last thread) and `placeholders` (threads everyone
    sees whose first comment is not published)."""
    viewer = _viewer(may_post=may_post, may_report=may_report)
    key = fragments.snapshot_key(version=version, viewer=viewer, page=page, sort=sort, kind=kind)
    snapshot = fragments.get_snapshot(key)
    if snapshot is None:
        snapshot = _snapshot(
            article, may_post=may_post, may_report=may_report, page=page, sort=sort, kind=kind
        )
        fragments.set_snapshot(key, snapshot)
        fragments.set_fragments(
            {
                fragments.thread_key(version=version, root_id=pk, viewer=viewer): html
                for pk, html in zip(snapshot["roots"], snapshot["html"], strict=True)
            }
        )
    return snapshot


# Threads as the shared pages render them, by what they show (`_thread_digest`) and the
# thread epoch, in this worker's memory. While comments pour in (a viral article) the
# page is rendered again several times a second, and each post touches one thread: the
# other nineteen on the page come from here instead of their template (~10 ms each).
_LOCAL_THREADS = 400
_thread_html: OrderedDict[str, tuple[float, str]] = local_copies()


def _shared_thread_html(node: Node, *, epoch: str) -> str:
    # With the language: the thread holds interface text (Report, dates) in it.
    key = f"{epoch}:{get_language()}:{_thread_digest(node)}"
    if (kept := _kept_thread(key)) is not None:
        return kept
    html = render_to_string("forum/_comment.html", {"node": node})
    _keep_thread(key, html)
    return html


def _thread_shapes(root_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per thread, how many replies it has (any status) and the newest one's id: one
    query. Under one thread epoch a new comment is the only change (every other one
    replaces the epoch: forum/pagecache/invalidation.py), so a thread of the same shape
    renders the same HTML, and its rows need not be loaded to know it."""
    if not root_ids:
        return {}
    rows = (
        Comment.objects.filter(root_id__in=root_ids)
        .order_by()
        .values("root_id")
        .annotate(count=Count("pk"), newest=Max("pk"))
        .values_list("root_id", "count", "newest")
    )
    return {root: (count, newest) for root, count, newest in rows}


def _shape_key(epoch: str, viewer: str, root_id: int, shapes: dict) -> str:
    count, newest = shapes.get(root_id, (0, 0))
    return f"shape:{epoch}:{get_language()}:{viewer}:{root_id}:{count}:{newest}"


def _kept_thread(key: str) -> str | None:
    """A thread's HTML this worker rendered, while it is younger than the page cache."""
    kept = _thread_html.get(key)
    return kept[1] if kept is not None and kept[0] > time.time() else None


def _keep_thread(key: str, html: str) -> None:
    expires = time.time() + settings.FORUM_PAGE_CACHE_SECONDS
    keep_local(key, (expires, html), _thread_html, _LOCAL_THREADS)


def _thread_digest(node: Node) -> str:
    """Everything the thread's template reads: each node's flags and its comment's row
    (with its annotations and the rows loaded with it: author, cited reference), down
    the tree. A new reply, an edit, a status or a count changes it."""
    parts: list[str] = []

    def walk(each: Node) -> None:
        flags = {k: v for k, v in vars(each).items() if k not in ("comment", "children")}
        parts.append(repr(sorted(flags.items())))
        if each.comment is not None:
            parts.append(repr(sorted(_row(each.comment))))
            related = each.comment._state.fields_cache.values()
            parts.extend(repr(sorted(_row(r)) if r is not None else None) for r in related)
        for child in each.children:
            walk(child)

    walk(node)
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _row(obj: Any) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in vars(obj).items() if not k.startswith("_")]


def snapshot_page(snapshot: dict, *, extra_threads: int = 0) -> Page:
    """The paginator's page for a snapshot (with the reader's own extra threads)."""
    paginator = Paginator(range(snapshot["count"] + extra_threads), settings.FORUM_THREADS_PER_PAGE)
    return paginator.get_page(snapshot["number"])


def _snapshot(
    article: Article,
    *,
    may_post: bool,
    may_report: bool,
    page: int | str | None,
    sort: str,
    kind: str,
) -> dict:
    """A page of the discussion as every reader without comments of their own sees it."""
    # The anonymous reader sees the published discussion; the flags give the controls
    # (a Report link on every comment is right: the reader's own threads render live).
    reader = AnonymousUser()
    page_obj = _roots_page(article, reader, page=page, sort=sort, kind=kind)
    roots = list(page_obj.object_list)
    epoch = threads_epoch(article.pk)
    viewer = _viewer(may_post=may_post, may_report=may_report)
    shapes = _thread_shapes([root.pk for root in roots])
    keys = {root.pk: _shape_key(epoch, viewer, root.pk, shapes) for root in roots}
    kept = {pk: html for pk, key in keys.items() if (html := _kept_thread(key)) is not None}
    # Only the threads whose shape changed (a new reply, a new thread) are loaded.
    built = {
        node.built.pk: node
        for node in _build_threads(
            [root for root in roots if root.pk not in kept],
            reader,
            may_post=may_post,
            may_report=may_report,
        )
    }
    shown: list[tuple[int, str]] = []
    for root in roots:
        if root.pk in kept:
            shown.append((root.pk, kept[root.pk]))
        elif (node := built.get(root.pk)) is not None:
            html = _shared_thread_html(node, epoch=epoch)
            _keep_thread(keys[root.pk], html)
            shown.append((root.pk, html))
    return {
        "roots": [pk for pk, _html in shown],
        "html": [html for _pk, html in shown],
        "count": page_obj.paginator.count,
        "number": page_obj.number,
        # Threads shown to everyone though their first comment is not published (a
        # placeholder over replies): a member's own such thread is no extra thread.
        "placeholders": set(
            filtered_threads(article, reader, kind=kind)
            .exclude(status=CommentStatus.PUBLISHED)
            .values_list("pk", flat=True)
        ),
        "full": len(roots) == settings.FORUM_THREADS_PER_PAGE,
        "last": (roots[-1].created_at, roots[-1].pk) if roots else None,
        "comment_count": article.comments.published().count(),
    }


def page_of(comment: Comment, user: AnyUser) -> int:
    """The discussion page (oldest first, unfiltered) that shows this comment's thread."""
    root = comment.root or comment
    earlier = (
        Comment.objects.threads_for(comment.article, user)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return earlier // settings.FORUM_THREADS_PER_PAGE + 1


def discussion_context(request: HttpRequest, article: Article) -> dict:
    """What templates/forum/_discussion.html needs: the threads, the composer or why not."""
    from forum.forms import CommentForm

    refusal = permissions.posting_refusal(request.user, article)
    # Whoever may post may report; only a closed discussion needs asking separately.
    may_report = refusal is None or (
        refusal.code == "closed" and permissions.may_report(request.user)
    )
    discussion = discussion_for(
        article,
        request.user,
        may_post=refusal is None,
        may_report=may_report,
        # Who may not post here may not edit here either (services.edit_refusal).
        may_edit=refusal is None,
        page=request.GET.get("page"),
        sort=sort_param(request.GET.get("sort")),
        kind=kind_param(request.GET.get("type")),
    )
    return {
        "discussion": discussion,
        "refusal": refusal,
        "form": CommentForm() if refusal is None else None,
    }
