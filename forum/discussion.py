"""The discussion under an article, as one reader sees it: a fixed handful of queries
whatever the number of comments (a count, a page of threads, their replies)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q

from articles.models import Article
from forum import permissions
from forum.models import Appeal, Comment, CommentKind, CommentStatus

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
    can_report: bool = False
    awaiting_review: bool = False
    is_own: bool = False
    removal_notice: bool = False  # the author's own removed comment: reason and appeal
    may_appeal: bool = False


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


def _node(
    comment: Comment,
    by_parent: dict[int, list[Comment]],
    user,
    may_post: bool,
    may_report: bool,
    may_edit: bool,
) -> Node:
    children = [
        _node(child, by_parent, user, may_post, may_report, may_edit)
        for child in by_parent.get(comment.pk, [])
    ]
    node = Node(comment=comment, children=[child for child in children if child])
    own = user.is_authenticated and comment.author_id == user.pk
    node.is_own = own
    if comment.readable_by(user):
        published = comment.status == CommentStatus.PUBLISHED
        node.can_reply = may_post and published
        # may_edit (no running sanction) was asked once for the page.
        node.can_edit = may_edit and comment.editable_by(user)
        node.can_delete = permissions.can_delete(user, comment)
        # may_report was asked once for the page; here only whose comment it is.
        node.can_report = may_report and published and not own
        node.awaiting_review = not published
    elif own and comment.status == CommentStatus.REMOVED:
        node.placeholder = placeholder_text(comment)
        node.removal_notice = True
        node.may_appeal = not Appeal.objects.filter(comment_id=comment.pk).exists()
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
    may_report: bool = False,
    may_edit: bool = True,
) -> Discussion:
    roots = Comment.objects.threads_for(article, user, kind=kind).order_by(*SORTS[sort])
    page_obj = Paginator(roots, settings.FORUM_THREADS_PER_PAGE).get_page(page)
    page_roots = list(page_obj.object_list)
    by_parent: dict[int, list[Comment]] = {}
    for reply in Comment.objects.in_threads([root.pk for root in page_roots]):
        by_parent.setdefault(reply.parent_id, []).append(reply)
    threads = [_node(root, by_parent, user, may_post, may_report, may_edit) for root in page_roots]
    return Discussion(
        threads=[thread for thread in threads if thread],
        page=page_obj,
        comment_count=article.comments.published().count(),
        sort=sort,
        kind=kind,
        kinds=CommentKind.choices,
    )


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
    # Whoever may post may report; only a closed discussion needs asking separately.
    may_report = refusal is None or (
        refusal.code == "closed" and permissions.may_report(request.user)
    )
    discussion = discussion_for(
        article,
        request.user,
        may_post=refusal is None,
        may_report=may_report,
        may_edit=not (refusal and refusal.sanction),
        page=request.GET.get("page"),
        sort=sort_param(request.GET.get("sort")),
        kind=kind_param(request.GET.get("type")),
    )
    return {
        "discussion": discussion,
        "refusal": refusal,
        "form": CommentForm() if refusal is None else None,
    }
