"""The member's notifications: the list, opening one (which marks it read), marking read.

Each notification is the member's own: another member's id is a 404, never a hint that
it exists. Marking read is a POST form (no JavaScript needed); opening goes through a
redirect here so following the link is what marks it read.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aposbook.http import MemberRequest
from forum.models import Notification
from forum.notification_kinds import excerpt, summary, target_path
from forum.notifications import mark_read, unread_count


@never_cache
@login_required
@require_GET
def notification_list(request: MemberRequest) -> HttpResponse:
    notifications = Notification.objects.for_member(request.user).select_related(
        "actor", "article", "comment__article"
    )
    page = Paginator(notifications, settings.FORUM_NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    items = [{"notification": n, "summary": summary(n), "excerpt": excerpt(n)} for n in page]
    context = {
        "page": page,
        "items": items,
        "has_unread": unread_count(request.user) > 0,
        "keep_days": settings.FORUM_NOTIFICATIONS_KEEP_DAYS,
    }
    return render(request, "forum/notifications.html", context)


@login_required
@require_GET
def notification_open(request: MemberRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(
        Notification.objects.for_member(request.user).select_related("comment", "article"), pk=pk
    )
    mark_read(request.user, [notification.pk])
    return redirect(target_path(notification))


@login_required
@require_POST
def notification_read(request: MemberRequest, pk: int) -> HttpResponse:
    get_object_or_404(Notification.objects.for_member(request.user), pk=pk)
    mark_read(request.user, [pk])
    return _back_to_list(request)


@login_required
@require_POST
def notifications_read_all(request: MemberRequest) -> HttpResponse:
    changed = mark_read(request.user)
    if changed:
        messages.success(request, _("All your notifications are marked read."))
    return _back_to_list(request)


def _back_to_list(request: MemberRequest) -> HttpResponse:
    """To the list page the form was on (its ?page=), never off the site."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    return redirect(back or "forum:notifications")
