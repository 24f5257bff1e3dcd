"""The discussion under an article, as one reader sees it: a fixed handful of queries
whatever the number of comments (a count, a page of threads, their replies).

Threads that hold nothing personal for the reader (none of their own comments, no
moderator's view) come out of the shared cache as HTML, keyed by the article's
discussion version (forum/cache.py); only the reader's own threads are rendered anew.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.models import Article
from forum import cache, permissions
from forum.models import Comment, CommentKind, CommentStatus

SORTS = {"oldest": ("created_at", "pk"), "newest": ("-created_at", "-pk")}


@dataclass
class Node:
    """One comment in a thread, with what this reader sees and may do with it."""

    comment: Comment
    children: list["Node"] = field(default_factory=list)
    placeholder: str = ""  # set when only a placeholder stands where the comment was
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    awaiting_review: bool = False
    html: SafeString | None = None  # the thread, already rendered (shared threads only)


@dataclass
class Discussion:
    threads: list[Node]
    page: Page
    comment_count: int
    sort: str
    kind: str
    kinds: list[tuple[str, str]]


def placeholder_text(comment: Comment) -> str:
    if comment.status == CommentStatus.REMOVED:
        reason = comment.get_removal_reason_display()
        return f"Removed by a moderator: {reason}" if reason else "Removed by a moderator"
    if comment.status == CommentStatus.DELETED:
        return "Deleted by its author"
    return "Hidden while a moderator reviews it"


def _node(comment: Comment, by_parent: dict[int, list[Comment]], user, may_post: bool) -> Node:
    children = [_node(child, by_parent, user, may_post) for child in by_parent.get(comment.pk, [])]
    node = Node(comment=comment, children=[child for child in children if child])
    if comment.readable_by(user):
        published = comment.status == CommentStatus.PUBLISHED
        node.can_reply = may_post and published
        node.can_edit = permissions.can_edit(user, comment)
        node.can_delete = permissions.can_delete(user, comment)
        node.awaiting_review = not published
    elif node.children:
        node.placeholder = placeholder_text(comment)
    else:
        return None  # gone without replies: nothing to show
    return node


def sort_param(value: str | None) -> str:
    return value if value in SORTS else "oldest"


def kind_param(value: str | None) -> str:
    return value if value in CommentKind.values else ""


def discussion_for(
    article: Article,
    user,
    *,
    may_post: bool,
    page: str | int | None,
    sort: str = "oldest",
    kind: str = "",
) -> Discussion:
    # Read before the queries: a change committed meanwhile leaves these threads stale.
    version = cache.discussion_version(article.pk)
    roots = Comment.objects.threads_for(article, user, kind=kind).order_by(*SORTS[sort])
    page_obj = Paginator(roots, settings.FORUM_THREADS_PER_PAGE).get_page(page)
    page_roots = list(page_obj.object_list)
    by_parent: dict[int, list[Comment]] = {}
    for reply in Comment.objects.in_threads([root.pk for root in page_roots]):
        by_parent.setdefault(reply.parent_id, []).append(reply)
    threads = [thread for root in page_roots if (thread := _node(root, by_parent, user, may_post))]
    _render_shared_threads(threads, version=version, user=user, may_post=may_post)
    return Discussion(
        threads=threads,
        page=page_obj,
        comment_count=article.comments.published().count(),
        sort=sort,
        kind=kind,
        kinds=CommentKind.choices,
    )


def _is_personal(node: Node, user) -> bool:
    comment = node.comment
    mine = user.is_authenticated and comment.author_id == user.pk
    return mine or any(_is_personal(child, user) for child in node.children)


def _render_shared_threads(threads: list[Node], *, version: str, user, may_post: bool) -> None:
    """Fill node.html for the threads every reader of this kind sees alike."""
    if user.is_authenticated and user.has_perm("forum.moderate"):
        return  # moderators see what waits for review: always their own view
    viewer = "member" if may_post else "reader"
    keys = {
        node.comment.pk: cache.thread_key(version=version, root_id=node.comment.pk, viewer=viewer)
        for node in threads
        if not _is_personal(node, user)
    }
    found = cache.get_fragments(list(keys.values()))
    rendered = {}
    for node in threads:
        key = keys.get(node.comment.pk)
        if key is None:
            continue
        node.html = found.get(key)
        if node.html is None:
            node.html = rendered[key] = render_to_string("forum/_comment.html", {"node": node})
    cache.set_fragments(rendered)


def page_of(comment: Comment, user) -> int:
    """The discussion page (oldest first, unfiltered) that shows this comment's thread."""
    root = comment.root if comment.root_id else comment
    earlier = (
        Comment.objects.threads_for(comment.article, user)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return earlier // settings.FORUM_THREADS_PER_PAGE + 1


def discussion_context(request, article: Article) -> dict:
    """What templates/forum/_discussion.html needs: the threads, the composer or why not."""
    from forum.forms import CommentForm

    refusal = permissions.posting_refusal(request.user, article)
    discussion = discussion_for(
        article,
        request.user,
        may_post=refusal is None,
        page=request.GET.get("page"),
        sort=sort_param(request.GET.get("sort")),
        kind=kind_param(request.GET.get("type")),
    )
    return {
        "discussion": discussion,
        "refusal": refusal,
        "form": CommentForm() if refusal is None else None,
    }
