"""Visitors' notices (DSA Art. 16): the form, the "check your email" page, and the
confirmation link. Thin views over forum/moderation/notices.py."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aposbook.clientip import client_ip
from articles.models import Article
from forum.models import Comment
from forum.moderation import notices
from forum.moderation.errors import NoticeRefused, TooManyNotices
from forum.moderation.forms import NoticeForm


def comment_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The Report link for a signed-out visitor; members report through their own form."""
    if request.user.is_authenticated:
        return redirect("forum:comment-report", pk=pk)
    comment = get_object_or_404(
        Comment.objects.select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.visible_to(request.user),
    )
    if notices.notice_refusal(comment):
        raise Http404("No such comment.")
    form = NoticeForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            notices.submit_notice(comment=comment, address=client_ip(request), **form.cleaned_data)
        except TooManyNotices as refusal:
            form.add_error(None, str(refusal))
            status = 429
        except NoticeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("forum:notice-sent")
    context = {"form": form, "comment": comment, "back": comment.get_absolute_url()}
    return render(request, "forum/notice_form.html", context, status=status)


@require_GET
def notice_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "forum/notice_sent.html", {"hours": settings.FORUM_NOTICE_CONFIRM_HOURS})


@never_cache
def notice_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link is for and a button; only the POST confirms, so mail
    scanners that open every link confirm nothing."""
    if request.method == "POST":
        result = notices.confirm_notice(token=token)
        confirmed = True
    else:
        result = notices.look_up_notice(token)
        confirmed = False
    outcome = result.outcome.value if result.outcome else "waiting"
    status = 404 if outcome == "invalid" else 200
    context = {"outcome": outcome, "notice": result.notice, "confirmed_now": confirmed}
    return render(request, "forum/notice_confirm.html", context, status=status)
