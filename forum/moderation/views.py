"""Moderation pages: thin views over the forum/moderation/ services and queue."""

import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from forum import permissions
from forum.cache import cached_queue_page, queue_page_key, store_queue_page
from forum.models import Comment, CommentStatus, ModerationAction, ReportReason
from forum.moderation import appeals, decisions, errors, reports, sanctions
from forum.moderation import queue as waiting
from forum.moderation.forms import (
    AppealDecisionForm,
    AppealForm,
    BanForm,
    BulkForm,
    NoteForm,
    RemoveForm,
    ReportForm,
    SuspendForm,
    VersionedForm,
)
from forum.rendering import with_csrf_token

User = get_user_model()

TWO_FACTOR_MESSAGE = (
    "Moderators see members' reports, private notes and health details, so moderation "
    "needs two-factor authentication. Set up an authenticator app to continue."
)


def moderator_required(view):
    """Moderators only, with two-factor authentication when the setting asks for it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        access = permissions.moderation_access(request.user)
        if access == "login":
            return redirect_to_login(request.get_full_path())
        if access == "forbidden":
            raise PermissionDenied
        if access == "needs_2fa":
            messages.warning(request, TWO_FACTOR_MESSAGE)
            # Back to the queue once set up (aposbook.account_views.ActivateTOTP).
            return redirect_to_login(request.get_full_path(), reverse("mfa_activate_totp"))
        return view(request, *args, **kwargs)

    return wrapper


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("forum:moderation-queue")
    return redirect(target)


def _run(request: HttpRequest, call, done: str) -> HttpResponse:
    """Call one service; tell the moderator what happened or why nothing did."""
    try:
        call()
        messages.success(request, done)
    except errors.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return _back(request)


def _int(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


@require_GET
@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    """The queue, from the shared cache while the queue version stands (forum/cache.py):
    rendered once per queue version, moderator and query string, since its first page is
    what moderators reload all day.

    The cache never holds a CSRF token: pages are rendered with a random placeholder
    where every form's token goes, and each request puts its own token in.
    """
    key = queue_page_key(
        moderator_id=request.user.pk, query_string=request.META.get("QUERY_STRING", "")
    )
    # The version is read before the rows: a change committed meanwhile bumps it again,
    # so a page made from older rows is never kept under the newer version.
    version, entry = cached_queue_page(key)
    token = get_token(request)
    has_messages = bool(get_messages(request))
    if entry is None or has_messages:
        placeholder = secrets.token_hex(16)
        content = render_to_string(
            "moderation/_queue_listing.html", _queue_context(request, placeholder), request
        )
        if entry is None:
            entry = _keep_page(
                request, key=key, version=version, placeholder=placeholder, content=content
            )
        if has_messages:
            # An action's outcome to show (after a change, the cache missed anyway): the
            # page is rendered for this request, so the message shows once, never cached.
            listing = with_csrf_token(content, placeholder=placeholder, token=token)
            return render(request, "moderation/queue.html", {"listing": listing})
    # The kept page is bytes, as sent: this request's token goes where the placeholder
    # stands (Django's tokens are letters and digits; escaped all the same).
    return HttpResponse(
        entry["page"].replace(entry["placeholder"].encode(), escape(token).encode())
    )


def _keep_page(
    request: HttpRequest, *, key: str, version: str, placeholder: str, content: str
) -> dict:
    # The whole page as a request without messages gets it: the moderator's own header
    # (hence the moderator in the key), its sign-out form with the placeholder too. Kept
    # encoded: encoding ~200 kB on every request, and pickling it as text for the shared
    # cache, cost more than the rest of a cached request's own work.
    page = render_to_string(
        "moderation/queue.html",
        {"listing": content, "csrf_token": placeholder, "messages": ()},
        request,
    ).encode(settings.DEFAULT_CHARSET)
    return store_queue_page(
        key, request=request, version=version, placeholder=placeholder, page=page
    )


def _queue_context(request: HttpRequest, csrf_placeholder: str) -> dict:
    filters = {
        "reason": _choice(request.GET.get("reason", ""), ReportReason.values),
        "article_id": _int(request.GET.get("article", "")),
        "state": _choice(request.GET.get("state", ""), waiting.QUEUE_STATES),
    }
    page = waiting.queue_page(
        moderator=request.user, page_number=request.GET.get("page"), **filters
    )
    return {
        "page": page,
        "filters": filters,
        "reasons": ReportReason.choices,
        "states": waiting.QUEUE_STATES.items(),
        "articles": Article.objects.only("pk", "title").order_by("title"),
        "bulk_form": BulkForm(),
        # Every item's forms share one CSRF token, the return address and the choices:
        # worked out once per page, not once per form (about 150 forms). The token is
        # the placeholder, for {% csrf_token %} too.
        "csrf_value": csrf_placeholder,
        "csrf_token": csrf_placeholder,
        "next_path": request.get_full_path(),
        "removal_choices": list(RemoveForm.base_fields["reason"].choices),
        "suspend_choices": list(SuspendForm.base_fields["days"].choices),
        "ban_removal_choices": list(BanForm.base_fields["removal_reason"].choices),
    }


ACTIONS = {
    "approve": (VersionedForm, "Approve", decisions.approve_comment),
    "hide": (VersionedForm, "Hide", decisions.hide_comment),
    "dismiss": (VersionedForm, "Dismiss reports", decisions.dismiss_reports),
    "restore": (VersionedForm, "Restore", decisions.restore_comment),
    "remove": (RemoveForm, "Remove", decisions.remove_comment),
    "decide_appeal": (AppealDecisionForm, "Decide the appeal", appeals.decide_appeal),
}
DONE = {
    "approve": "Approved: the comment is published.",
    "hide": "Hidden until a decision.",
    "dismiss": "Reports dismissed; reporters are told no action was needed.",
    "restore": "Restored: the comment is published again.",
    "remove": "Removed. The author is told why and may appeal once.",
    "decide_appeal": "Appeal decided; the author is told.",
}


def _action_kwargs(action: str, data: dict) -> dict:
    kwargs = {"expected_version": data["version"]}
    if action == "remove":
        kwargs.update(reason=data["reason"], message=data["message"])
    elif action == "decide_appeal":
        kwargs.update(overturn=data["decision"] == "overturn", message=data["message"])
    return kwargs


def _refused_form(request, *, title: str, form, comment=None, member=None) -> HttpResponse:
    """Invalid input: the same form alone, with the errors and what was typed."""
    context = {
        "title": title,
        "form": form,
        "comment": comment,
        "member": member,
        "selected": request.POST.getlist("selected"),
    }
    return render(request, "moderation/action_form.html", context, status=400)


@require_POST
@moderator_required
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    form_class, title, service = ACTIONS[action]
    form = form_class(request.POST)
    if "version" in form.errors:  # never typed by a person: a forged or broken form
        messages.error(request, "This form was incomplete or out of date. Nothing was changed.")
        return _back(request)
    if not form.is_valid():
        comment = Comment.objects.filter(pk=pk).select_related("article").first()
        return _refused_form(request, title=title, form=form, comment=comment)
    kwargs = _action_kwargs(action, form.cleaned_data)
    return _run(
        request, lambda: service(comment_id=pk, moderator=request.user, **kwargs), DONE[action]
    )


@require_POST
@moderator_required
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    items = {}
    for value in request.POST.getlist("selected"):
        pk, _, version = value.partition(":")
        if pk.isdigit() and version:
            items[int(pk)] = version
    if not form.is_valid() or not items:
        if not items:
            form.add_error(None, "Select at least one item.")
        return _refused_form(request, title="Act on the selected items", form=form)
    result = decisions.bulk_moderate(
        moderator=request.user,
        action=form.cleaned_data["action"],
        items=items,
        reason=form.cleaned_data["reason"],
    )
    if result.done:
        messages.success(request, f"{result.done} item{'s' if result.done != 1 else ''} done.")
    for refusal in result.refused:
        messages.error(request, refusal)
    return _back(request)


MEMBER_ACTIONS = {
    "suspend": (SuspendForm, "Suspend", sanctions.suspend_member, "Member suspended."),
    "ban": (BanForm, "Ban", sanctions.ban_member, "Member banned."),
    "note": (NoteForm, "Add a note", sanctions.add_member_note, "Note added."),
}


@require_POST
@moderator_required
def member_action(request: HttpRequest, member_id: int, action: str) -> HttpResponse:
    if action not in MEMBER_ACTIONS:
        raise Http404
    form_class, title, service, done = MEMBER_ACTIONS[action]
    member = get_object_or_404(User, pk=member_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused_form(request, title=f"{title} {member.username}", form=form, member=member)
    comment = Comment.objects.filter(pk=_int(request.POST.get("comment", ""))).first()
    kwargs = dict(form.cleaned_data)
    if action != "note":
        kwargs["comment"] = comment
    return _run(request, lambda: service(member=member, moderator=request.user, **kwargs), done)


@require_POST
@moderator_required
def lift(request: HttpRequest, sanction_id: int) -> HttpResponse:
    return _run(
        request,
        lambda: sanctions.lift_sanction(sanction_id=sanction_id, moderator=request.user),
        "Sanction lifted; the member is told.",
    )


@require_GET
@moderator_required
def log(request: HttpRequest) -> HttpResponse:
    kinds = ModerationAction.Kind
    filters = {
        "moderator": request.GET.get("moderator", "").strip()[:150],
        "member": request.GET.get("member", "").strip()[:150],
        "article_id": _int(request.GET.get("article", "")),
        "kind": _choice(request.GET.get("kind", ""), kinds.values),
    }
    page = Paginator(waiting.moderation_log(**filters), settings.FORUM_LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for action in page.object_list:
        action.reason_label = waiting.reason_label(action.reason)
    return render(
        request,
        "moderation/log.html",
        {
            "page": page,
            "filters": filters,
            "kinds": kinds.choices,
            "articles": Article.objects.only("pk", "title").order_by("title"),
        },
    )


# --- Member-facing: reporting and appealing -------------------------------------------


def _submitted(request: HttpRequest, form, call, done: str) -> bool:
    """A valid POST calls the service; a refusal becomes a form error (input kept)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call()
    except errors.ModerationError as refusal:
        form.add_error(None, str(refusal))
        return False
    messages.success(request, done)
    return True


def _form_status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@login_required
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("article", "author"), pk=pk, status=CommentStatus.PUBLISHED
    )
    back = comment.get_absolute_url()
    refusal = permissions.report_refusal(request.user, comment)
    if refusal:
        messages.info(request, refusal)
        return redirect(back)
    form = ReportForm(request.POST or None)
    done = _submitted(
        request,
        form,
        lambda: reports.report_comment(comment=comment, reporter=request.user, **form.cleaned_data),
        "Thank you. A moderator will review this comment.",
    )
    if done:
        return redirect(back)
    context = {"form": form, "comment": comment, "back": back}
    return render(request, "forum/report_form.html", context, status=_form_status(request))


@login_required
def comment_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("article"),
        pk=pk,
        author=request.user,
        status__in=[CommentStatus.REMOVED, CommentStatus.PUBLISHED],
    )
    form = AppealForm(request.POST or None)
    done = _submitted(
        request,
        form,
        lambda: appeals.submit_appeal(comment=comment, author=request.user, **form.cleaned_data),
        "Your appeal is with the moderators. We will email you.",
    )
    if done:
        return redirect("forum:comment-appeal", pk=pk)
    context = {"form": form, "comment": comment, "appeal": decisions.appeal_of(comment)}
    return render(request, "forum/appeal_form.html", context, status=_form_status(request))
