"""Thin views: fetch through a helper, validate a form, call one service, redirect."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from aposbook.http import MemberRequest
from articles.models import Article
from forum import permissions
from forum.discussion import page_of
from forum.follows import follow_article, unfollow_article
from forum.forms import CommentForm
from forum.models import Comment, CommentStatus
from forum.moderation.crisis import composer_support, support_after_posting
from forum.moderation.privacy import privacy_findings_for
from forum.notifications import mention_targets, stop_emails
from forum.pagecache import permalinks
from forum.rendering import render_comment, trusted
from forum.services import (
    PARENT_GONE,
    CommentRefused,
    PostingRefused,
    delete_comment,
    edit_comment,
    edit_refusal,
    matching_reference,
    post_comment,
    toggle_reaction,
)
from forum.tasks import read_unsubscribe_token

HELD_MESSAGE = _(
    "Thank you. Your comment is awaiting review: it will appear to others "
    "once a moderator has looked at it."
)
EDIT_WINDOW_PASSED = _(
    "The time to edit this comment has passed. You can still delete it, or post a new comment."
)


def _composer_page(
    request: HttpRequest,
    form: CommentForm,
    *,
    article: Article,
    status: int = 200,
    parent: Comment | None = None,
    comment: Comment | None = None,
    error: str = "",
    code: str = "",
    closed: bool = False,
) -> HttpResponse:
    if error:
        form.add_error(None, error)
    if code == "confirm_dosing":
        form.dosing_prompt = True
    if code == "confirm_privacy":
        form.privacy_findings = privacy_findings_for(form.data.get("body", ""))
    preview = preview_source = None
    if "preview" in request.POST and form.is_valid() and not closed:
        body = form.cleaned_data["body"]
        preview = trusted(render_comment(body, mention_targets(body)))
        source = form.cleaned_data["source"]
        # An unsaved comment, so the preview shows the source as the posted comment will.
        preview_source = Comment(
            source_type=source.type,
            source=source.value,
            source_reference=matching_reference(
                article=article, source_type=source.type, source=source.value
            ),
        )
    context = {"form": form, "article": article, "parent": parent, "comment": comment}
    context.update(composer_support(request, form))
    context["preview_source"] = preview_source
    context["edit_closed"] = closed
    if comment is not None:
        # The edit page says how long editing remains (the window is counted from posting).
        context["edit_until"] = comment.created_at + timedelta(
            minutes=settings.FORUM_EDIT_WINDOW_MINUTES
        )
    return render(
        request, "forum/comment_form.html", {**context, "preview": preview}, status=status
    )


def _refused_composer(request, form, page: dict, refusal: CommentRefused) -> HttpResponse:
    return _composer_page(
        request, form, **page, status=refusal.status, error=refusal.message, code=refusal.code
    )


def _saved(request, comment: Comment, done: str) -> HttpResponse:
    """Back to the comment, saying whether others can read it yet (or, after crisis
    language, to the support resources first)."""
    if comment.status == CommentStatus.PENDING:
        messages.info(request, HELD_MESSAGE)
    else:
        messages.success(request, done)
    return redirect(support_after_posting(comment) or comment)


def _reply_parent(article: Article, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, article=article).select_related("author").first()
    if parent is None or parent.status != CommentStatus.PUBLISHED:
        raise PostingRefused(str(PARENT_GONE), status=400, code="parent_gone")
    return parent


def _article_for(user, slug: str) -> Article:
    return get_object_or_404(Article.objects.visible_to(user).select_related("category"), slug=slug)


@login_required
@require_POST
def comment_create(request: MemberRequest, slug: str) -> HttpResponse:
    article = _article_for(request.user, slug)
    form = CommentForm(request.POST)
    page: dict[str, Any] = {"article": article, "parent": None}
    try:
        page["parent"] = _reply_parent(article, form.parent_id())
        if not form.is_valid() or "preview" in request.POST:
            return _composer_page(request, form, **page, status=200 if form.is_valid() else 400)
        comment = post_comment(
            author=request.user, article=article, parent=page["parent"], **form.post_fields()
        )
    except CommentRefused as refusal:
        return _refused_composer(request, form, page, refusal)
    return _saved(request, comment, gettext("Your comment is published."))


def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(Comment.objects.published().select_related("article"), pk=pk)
    article = _article_for(request.user, parent.article.slug)
    form = CommentForm(initial={"parent": parent.pk})
    refusal = permissions.posting_refusal(request.user, article)
    context = {"form": form, "article": article, "parent": parent, "refusal": refusal}
    return render(request, "forum/comment_form.html", context, status=403 if refusal else 200)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: MemberRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("article", "author"), pk=pk)
    page = {"article": comment.article, "comment": comment}
    back = f"{comment.article.get_absolute_url()}#discussion"
    refusal = edit_refusal(comment, request.user)
    # A closed window comes with what the member can still do.
    refused = "" if refusal is None else refusal.message
    refused = str(EDIT_WINDOW_PASSED) if refusal and refusal.code == "window_closed" else refused
    if refusal and (request.method == "GET" or refusal.code == "not_author"):
        # Nothing to edit: an unbound form cannot carry the message anyway.
        return _refused(request, refused, back=back)
    if request.method == "GET":
        form = CommentForm(editing=True, initial=CommentForm.initial_for(comment))
        return _composer_page(request, form, **page)
    form = CommentForm(request.POST, editing=True)
    if refusal:  # asked before a preview too: the text stays to copy, with no "Save changes"
        return _composer_page(
            request, form, **page, status=refusal.status, error=refused, closed=True
        )
    if not form.is_valid() or "preview" in request.POST:
        return _composer_page(request, form, **page, status=200 if form.is_valid() else 400)
    try:
        comment = edit_comment(comment=comment, editor=request.user, **form.edit_fields())
    except CommentRefused as late:  # refused under the row lock
        return _refused_composer(request, form, page, late)
    return _saved(request, comment, gettext("Your comment is updated."))


def _refused(
    request: HttpRequest, message: str, status: int = 403, *, back: str = ""
) -> HttpResponse:
    """A refusal page; `back` leads to the discussion it came from, when there is one."""
    context = {"message": message, "back": back}
    return render(request, "forum/refused.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: MemberRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = f"{comment.article.get_absolute_url()}#discussion"
    if request.method == "GET":
        if not permissions.can_delete(request.user, comment):
            return _refused(request, gettext("You can only delete your own comments."), back=back)
        return render(request, "forum/comment_confirm_delete.html", {"comment": comment})
    try:
        delete_comment(comment=comment, author=request.user)
    except CommentRefused as refusal:
        return _refused(request, refusal.message, refusal.status, back=back)
    messages.success(request, gettext("Your comment is deleted."))
    return redirect(f"{comment.article.get_absolute_url()}#discussion")


def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    # Signed out, everyone gets the same answer: kept per discussion version.
    signed_out = not request.user.is_authenticated
    lookup = permalinks.look_up(pk) if signed_out else None
    if lookup is not None and lookup.location is not None:
        return redirect(lookup.location)
    articles = Article.objects.visible_to(request.user)
    comment = get_object_or_404(
        Comment.objects.select_related("article", "root"), pk=pk, article__in=articles
    )
    if comment.status == CommentStatus.PENDING and not comment.readable_by(request.user):
        raise Http404(gettext("No such comment."))
    page = page_of(comment, request.user)
    query = f"?page={page}" if page > 1 else ""
    location = f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}"
    if lookup is not None:
        permalinks.keep(pk, article_id=comment.article_id, lookup=lookup, location=location)
    return redirect(location)


# Mail clients send the one-click POST (RFC 8058) without a CSRF token; the signed
# token in the URL is the proof, and all it can do is switch an email off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "forum/unsubscribe.html", {"invalid": True}, status=400)
    member, kind = found
    if request.method == "POST":
        stop_emails(member=member, kind=kind)
    context = {"member": member, "kind": kind, "done": request.method == "POST"}
    return render(request, "forum/unsubscribe.html", context)


UNCOUNTED_REACTION = _(
    "Marked. It will not be counted: marks count from accounts at least a day old "
    "with a verified email address."
)


@login_required
@require_POST
def comment_react(request: MemberRequest, pk: int) -> HttpResponse:
    """Toggle "Helpful" / "Same for me". The discussion script asks for JSON and updates
    the buttons in place; without it the form posts and the page comes back."""
    comment = get_object_or_404(Comment.objects.published(), pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        change = toggle_reaction(
            comment=comment, member=request.user, kind=request.POST.get("kind", "")
        )
    except CommentRefused as refusal:
        if wants_json:
            return JsonResponse({"error": refusal.message}, status=refusal.status)
        messages.info(request, refusal.message)
        return _back_to(request, comment)
    if wants_json:
        return JsonResponse(
            {"kind": change.kind, "on": change.on, "counts": change.counts}
            | {"helpful": change.helpful, "same": change.same}
        )
    if change.on and not change.counts:
        messages.info(request, UNCOUNTED_REACTION)
    return _back_to(request, comment)


def _back_to(request: HttpRequest, comment: Comment) -> HttpResponse:
    """To the page the member was reading (its order and filter), at the comment."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(comment)
    return redirect(f"{target.split('#')[0]}#comment-{comment.pk}")


@login_required
@require_POST
def article_follow(request: MemberRequest, slug: str) -> HttpResponse:
    """Follow or unfollow a published article (a plain form: no script needed), then back
    to the page the form was on (the article, or the settings list)."""
    # Unfollowing works on any article still listed in settings (a withdrawn one too).
    unfollow = request.POST.get("action") == "unfollow"
    articles = Article.objects.all() if unfollow else Article.objects.published()
    article = get_object_or_404(articles, slug=slug)
    if unfollow:
        unfollow_article(member=request.user, article=article)
        messages.success(request, _("You no longer follow “%(title)s”.") % {"title": article.title})
    else:
        follow_article(member=request.user, article=article)
        messages.success(
            request,
            _("You follow “%(title)s”: you will be told of new comments and reviews.")
            % {"title": article.title},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(f"{article.get_absolute_url()}#follow")
    return redirect(target)
