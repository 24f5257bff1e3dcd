"""Pages of the crisis follow-up (issue 19): the support page members see, and the
moderators' crisis actions (claim, resources, message, emergency contact, close)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from aposbook.http import MemberRequest
from aposbook.i18n import Text
from forum.models import Comment, CrisisCase
from forum.moderation import crisis_cases
from forum.moderation.crisis import country_from_request, support_resources
from forum.moderation.crisis_forms import CrisisForm, EmergencyContactForm, MessageMemberForm
from forum.moderation.views import _back, _run, moderator_required


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    """Support resources for the reader's country (from their browser's language region),
    after their own comment with crisis language, or after they reported one."""
    context: dict = {"resources": support_resources(country_from_request(request))}
    posted = request.GET.get("posted", "")
    if posted.isdigit() and request.user.is_authenticated:
        context["posted"] = Comment.objects.filter(pk=posted, author=request.user).first()
    context["reported"] = request.GET.get("reported") == "1"
    return render(request, "forum/support.html", context)


# Each crisis action: its form, the title of its page, the message when done, and a call.
Call = Callable[[int, MemberRequest, dict], object]
CRISIS_ACTIONS: dict[str, tuple[type[forms.Form], Text, Text, Call]] = {
    "claim": (
        CrisisForm,
        _("Claim this item"),
        "Claimed: other moderators can see you are on it.",
        lambda pk, request, data: crisis_cases.claim_case(case_id=pk, moderator=request.user),
    ),
    "resend": (
        CrisisForm,
        _("Send resources again"),
        _("Support resources sent to the member again, by email and on the site."),
        lambda pk, request, data: crisis_cases.resend_resources(case_id=pk, moderator=request.user),
    ),
    "message": (
        MessageMemberForm,
        _("Message the member"),
        _("Your message is waiting for the member on the site."),
        lambda pk, request, data: crisis_cases.message_member(
            case_id=pk, moderator=request.user, text=data["text"]
        ),
    ),
    "emergency": (
        EmergencyContactForm,
        _("Record a contact with emergency services"),
        _("Recorded in the moderation log."),
        lambda pk, request, data: crisis_cases.record_emergency_contact(
            case_id=pk, moderator=request.user, **data
        ),
    ),
    "close": (
        CrisisForm,
        _("Close the crisis item"),
        "Closed. The follow-up is in the moderation log.",
        lambda pk, request, data: crisis_cases.close_case(
            case_id=pk, moderator=request.user, note=data["note"]
        ),
    ),
}


@require_POST
@moderator_required
def crisis_action(request: MemberRequest, pk: int, action: str) -> HttpResponse:
    if action not in CRISIS_ACTIONS:
        raise Http404
    form_class, title, done, call = CRISIS_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        case = get_object_or_404(CrisisCase.objects.select_related("comment__article"), pk=pk)
        context = {"title": title, "form": form, "comment": case.comment}
        return render(request, "moderation/action_form.html", context, status=400)
    return _run(request, lambda: call(pk, request, form.cleaned_data), done)


@require_POST
@moderator_required
def on_call(request: MemberRequest) -> HttpResponse:
    going = request.POST.get("on_call") == "1"
    crisis_cases.set_on_call(moderator=request.user, on_call=going)
    messages.success(
        request,
        gettext("You are on call: crisis items will email you at once.")
        if going
        else gettext("You are no longer on call."),
    )
    return _back(request)
