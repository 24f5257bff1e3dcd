"""Moderation pages: thin views over the forum/moderation/ services and queue."""

from collections.abc import Callable, Container, Iterable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from aposbook.http import MemberRequest
from aposbook.i18n import Text
from aposbook.models import User
from articles.models import Article
from forum import permissions, search
from forum.models import Comment, CommentStatus, ExpertCredential, ModerationAction, ReportReason
from forum.moderation import appeals, decisions, errors, reports, sanctions, statements
from forum.moderation import queue as waiting
from forum.moderation.crisis_cases import on_call_context
from forum.moderation.forms import (
    AppealDecisionForm,
    AppealForm,
    BanForm,
    BulkForm,
    DismissForm,
    NoteForm,
    RemoveForm,
    ReportForm,
    SuspendForm,
    VersionedForm,
)
from forum.moderation.redaction import REDACTION_REASONS
from forum.moderation.redaction_forms import RedactForm
from forum.moderation.screening import HOLD_DISRESPECT
from forum.pagecache.queue import serve_queue

TWO_FACTOR_MESSAGE = _(
    "Moderators see members' reports, private notes and health details, so moderation "
    "needs two-factor authentication. Set up an authenticator app to continue."
)
# The account has a second factor, but this session was opened with a password alone.
SESSION_TWO_FACTOR_MESSAGE = _(
    "Moderation needs a session that passed two-factor authentication. "
    "Confirm with your authenticator app or security key to continue."
)


def moderator_required(view):
    """Moderators only, with two-factor authentication when the setting asks for it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        access = permissions.moderation_access(request)
        if access == "login":
            return redirect_to_login(request.get_full_path())
        if access == "forbidden":
            raise PermissionDenied
        if access == "needs_2fa":
            messages.warning(request, TWO_FACTOR_MESSAGE)
            # Back to the queue once set up (aposbook.account_views.ActivateTOTP).
            return redirect_to_login(request.get_full_path(), reverse("mfa_activate_totp"))
        if access == "needs_2fa_session":
            messages.warning(request, SESSION_TWO_FACTOR_MESSAGE)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("forum:moderation-queue")
    return redirect(target)


def _run(request: HttpRequest, call: Callable[[], object], done: Text) -> HttpResponse:
    """Call one service; tell the moderator what happened or why nothing did."""
    try:
        call()
        messages.success(request, done)
    except errors.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return _back(request)


def _int(value: str) -> int | None:
    return int(value) if str(value).isdigit() else None


def _choice(value: str, allowed: Container[str]) -> str:
    return value if value in allowed else ""


@require_GET
@moderator_required
def queue(request: MemberRequest) -> HttpResponse:
    """The queue, from the shared cache while the queue version stands
    (forum/pagecache/queue.py), rendered with a placeholder for the CSRF token."""
    return serve_queue(
        request,
        render=lambda placeholder: render_to_string(
            "moderation/_queue_listing.html", _queue_context(request, placeholder), request
        ),
    )


@require_GET
@moderator_required
def queue_item(request: MemberRequest, pk: int) -> HttpResponse:
    """One comment with its actions: a queue item (the queue lists summaries linking
    here), or any other comment a moderator opens from the search."""
    item = waiting.queue_item(moderator=request.user, pk=pk)
    if item is None:
        raise Http404(gettext("There is no such comment."))
    return render(request, "moderation/item.html", item_context(request, item))


def _redact_reason(item: waiting.QueueItem) -> str:
    """The redaction reason the item suggests: its most severe open report's, or a
    personal attack when the respect signal held it."""
    for report in item.open_reports:
        if report.reason in REDACTION_REASONS:
            return report.reason
    if item.comment.hold_reason == HOLD_DISRESPECT:
        return ReportReason.HARASSMENT
    return ReportReason.PRIVATE_INFO


def item_context(
    request: MemberRequest, item: waiting.QueueItem, redact_form: Any = None
) -> dict[str, Any]:
    """The item page: its actions, the redaction form and the text's history."""
    comment = item.comment
    return {
        "item": item,
        "next_path": reverse("forum:moderation-queue"),
        "redact_form": redact_form
        or RedactForm(body_source=comment.body_source, initial={"reason": _redact_reason(item)}),
        "revisions": list(comment.revisions.order_by("-created_at", "-pk")),
        "retention_days": settings.FORUM_REDACTED_RETENTION_DAYS,
        **_action_choices(),
    }


def _action_choices() -> dict[str, Any]:
    return {
        "removal_choices": _choices(RemoveForm, "reason"),
        "suspend_choices": _choices(SuspendForm, "days"),
        "ban_removal_choices": _choices(BanForm, "removal_reason"),
        "clause_choices": _choices(SuspendForm, "clause"),
    }


def _queue_context(request: MemberRequest, csrf_placeholder: str) -> dict[str, Any]:
    reason = _choice(request.GET.get("reason", ""), ReportReason.values)
    article_id = _int(request.GET.get("article", ""))
    state = _choice(request.GET.get("state", ""), waiting.QUEUE_STATES)
    filters = {"reason": reason, "article_id": article_id, "state": state}
    page = waiting.queue_page(
        moderator=request.user,
        page_number=request.GET.get("page"),
        reason=reason,
        article_id=article_id,
        state=state,
    )
    return {
        "page": page,
        "filters": filters,
        "reasons": ReportReason.choices,
        "states": waiting.QUEUE_STATES.items(),
        "articles": Article.objects.only("pk", "title").order_by("title"),
        "bulk_form": BulkForm(),
        # The bulk form's token is the placeholder, which {% csrf_token %} in
        # moderation/_form_state.html writes; each item's actions are on its own page.
        "csrf_token": csrf_placeholder,
        "next_path": request.get_full_path(),
        **on_call_context(request.user),
        "experts_waiting": ExpertCredential.objects.pending().count(),
    }


def _choices(form_class: type[forms.Form], name: str) -> list[tuple[Any, Any]]:
    field = form_class.base_fields[name]
    assert isinstance(field, forms.ChoiceField)  # the queue's selects list a form's choices
    # A form's own list of pairs (stubs allow callables and groups too).
    return list(cast("Iterable[tuple[Any, Any]]", field.choices))


# Each comment decision: its form, the title of the form page, and its service.
ACTIONS: dict[str, tuple[type[forms.Form], Text, Callable[..., object]]] = {
    "approve": (VersionedForm, _("Approve"), decisions.approve_comment),
    "hide": (VersionedForm, _("Hide"), decisions.hide_comment),
    "dismiss": (DismissForm, _("Dismiss reports"), decisions.dismiss_reports),
    "restore": (VersionedForm, _("Restore"), decisions.restore_comment),
    "remove": (RemoveForm, _("Remove"), decisions.remove_comment),
    "decide_appeal": (AppealDecisionForm, _("Decide the appeal"), appeals.decide_appeal),
}
DONE: dict[str, Text] = {
    "approve": "Approved: the comment is published.",
    "hide": _("Hidden until a decision."),
    "dismiss": _("Reports dismissed; reporters are told no action was needed."),
    "restore": "Restored: the comment is published again.",
    "remove": "Removed. The author is told why and may appeal once.",
    "decide_appeal": _("Appeal decided; the author is told."),
}


def _action_kwargs(action: str, data: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"expected_version": data["version"]}
    if action == "remove":
        kwargs.update(reason=data["reason"], message=data["message"])
    elif action == "dismiss":
        kwargs.update(unfounded=data["unfounded"])
    elif action == "decide_appeal":
        kwargs.update(overturn=data["decision"] == "overturn", message=data["message"])
    return kwargs


def _refused_form(
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form,
    comment: Comment | None = None,
    member: User | None = None,
) -> HttpResponse:
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
def comment_action(request: MemberRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    form_class, title, service = ACTIONS[action]
    form = form_class(request.POST)
    if "version" in form.errors:  # never typed by a person: a forged or broken form
        messages.error(
            request, gettext("This form was incomplete or out of date. Nothing was changed.")
        )
        return _back(request)
    if not form.is_valid():
        comment = Comment.objects.filter(pk=pk).select_related("article").first()
        return _refused_form(request, title=str(title), form=form, comment=comment)
    kwargs = _action_kwargs(action, form.cleaned_data)
    return _run(
        request, lambda: service(comment_id=pk, moderator=request.user, **kwargs), DONE[action]
    )


@require_POST
@moderator_required
def bulk(request: MemberRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    items = {}
    for value in request.POST.getlist("selected"):
        pk, _, version = value.partition(":")
        if pk.isdigit() and version:
            items[int(pk)] = version
    if not form.is_valid() or not items:
        if not items:
            form.add_error(None, gettext("Select at least one item."))
        return _refused_form(request, title=gettext("Act on the selected items"), form=form)
    result = decisions.bulk_moderate(
        moderator=request.user,
        action=form.cleaned_data["action"],
        items=items,
        reason=form.cleaned_data["reason"],
    )
    if result.done:
        messages.success(
            request,
            ngettext("%(count)d item done.", "%(count)d items done.", result.done)
            % {"count": result.done},
        )
    for refusal in result.refused:
        messages.error(request, refusal)
    return _back(request)


MEMBER_ACTIONS: dict[str, tuple[type[forms.Form], Text, Callable[..., object], Text]] = {
    "suspend": (SuspendForm, _("Suspend"), sanctions.suspend_member, _("Member suspended.")),
    "ban": (BanForm, pgettext_lazy("verb", "Ban"), sanctions.ban_member, _("Member banned.")),
    "note": (NoteForm, _("Add a note"), sanctions.add_member_note, _("Note added.")),
}


@require_POST
@moderator_required
def member_action(request: MemberRequest, member_id: int, action: str) -> HttpResponse:
    if action not in MEMBER_ACTIONS:
        raise Http404
    form_class, title, service, done = MEMBER_ACTIONS[action]
    member = get_object_or_404(User, pk=member_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused_form(request, title=f"{title} {member.username}", form=form, member=member)
    comment_id = _int(request.POST.get("comment", ""))
    comment = Comment.objects.filter(pk=comment_id).first() if comment_id else None
    kwargs = dict(form.cleaned_data)
    if action != "note":
        kwargs["comment"] = comment
    return _run(request, lambda: service(member=member, moderator=request.user, **kwargs), done)


@require_POST
@moderator_required
def lift(request: MemberRequest, sanction_id: int) -> HttpResponse:
    return _run(
        request,
        lambda: sanctions.lift_sanction(sanction_id=sanction_id, moderator=request.user),
        gettext("Sanction lifted; the member is told."),
    )


@require_GET
@moderator_required
def log(request: MemberRequest) -> HttpResponse:
    kinds = ModerationAction.Kind
    filters = {
        "moderator": request.GET.get("moderator", "").strip()[:150],
        "member": request.GET.get("member", "").strip()[:150],
        "article_id": _int(request.GET.get("article", "")),
        "kind": _choice(request.GET.get("kind", ""), kinds.values),
    }
    actions = waiting.moderation_log(
        moderator=str(filters["moderator"]),
        member=str(filters["member"]),
        article_id=_int(request.GET.get("article", "")),
        kind=str(filters["kind"]),
    )
    page = Paginator(actions, settings.FORUM_LOG_PER_PAGE).get_page(request.GET.get("page"))
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


@require_GET
@moderator_required
def comment_search(request: MemberRequest) -> HttpResponse:
    """Every comment, any status, by text, member, status and day (forum/search)."""
    query = search.parse_query(request.GET.get("q", ""))
    filters = search.moderator_filters(request.GET)
    per_page, number = settings.FORUM_SEARCH_PER_PAGE, request.GET.get("page")
    if query.terms:
        # Ranked within the newest MAX_RANKED matches, like the public search.
        scope = search.moderator_scope(filters).select_related("article", "author")
        page = search.results_page(scope, query, number, per_page=per_page)
    else:
        comments = search.moderator_comments(filters, query).select_related("article", "author")
        page = Paginator(comments, per_page).get_page(number)
    context = {
        "query": query,
        "filters": filters,
        "page": page,
        "results": search.comment_results(list(page.object_list), query),
        "statuses": CommentStatus.choices,
        "asked": bool(query.text) or filters != search.ModeratorFilters(),
        "max_results": search.MAX_RANKED,
    }
    return render(request, "moderation/search.html", context)


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


def comment_report(request: MemberRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        # A signed-out visitor sends a notice instead (forum/moderation/notice_views.py).
        return redirect("forum:comment-notice", pk=pk)
    comment = get_object_or_404(
        Comment.objects.select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.visible_to(request.user),
    )
    if comment.status == CommentStatus.PENDING and not comment.readable_by(request.user):
        raise Http404(gettext("No such comment."))
    back = comment.get_absolute_url()
    # A POST goes to the service, which asks the same question and keeps the input on
    # a refusal; a hidden comment still takes reports (permissions.comment_report_refusal).
    if request.method != "POST" and (refusal := permissions.report_refusal(request.user, comment)):
        messages.info(request, refusal)
        return redirect(back)
    form = ReportForm(request.POST or None)
    done = _submitted(
        request,
        form,
        lambda: reports.report_comment(comment=comment, reporter=request.user, **form.cleaned_data),
        gettext("Thank you. A moderator will review this comment."),
    )
    if done and form.cleaned_data["reason"] == ReportReason.CRISIS:
        return redirect(f"{reverse('forum:support')}?reported=1")
    if done:
        return redirect(back)
    # Hidden text is shown to those who may read it; others reported what they saw.
    context = {"form": form, "comment": comment, "back": back}
    context["show_text"] = comment.readable_by(request.user)
    return render(request, "forum/report_form.html", context, status=_form_status(request))


@login_required
def comment_appeal(request: MemberRequest, pk: int) -> HttpResponse:
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
        gettext("Your appeal is with the moderators. We will email you."),
    )
    if done:
        return redirect("forum:comment-appeal", pk=pk)
    context = {
        "form": form,
        "comment": comment,
        "appeal": decisions.appeal_of(comment),
        "statement": statements.latest_for_comment(comment),
    }
    return render(request, "forum/appeal_form.html", context, status=_form_status(request))
