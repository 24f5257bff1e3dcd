"""Verified experts' pages: what verification means, the application, and the
moderators' list of applications and verifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aposbook.http import MemberRequest
from forum.models import ExpertCredential
from forum.moderation import experts
from forum.moderation.errors import ActionRefused, ApplicationRefused
from forum.moderation.expert_forms import ExpertApplicationForm, ExpertReasonForm
from forum.moderation.views import moderator_required


@require_GET
def experts_info(request: HttpRequest) -> HttpResponse:
    """What the badge means and what it does not; the member's own application."""
    latest = None
    if request.user.is_authenticated:
        latest = ExpertCredential.objects.filter(member_id=request.user.pk).first()
    return render(request, "experts/info.html", {"latest": latest})


@login_required
@require_http_methods(["GET", "POST"])
def expert_apply(request: MemberRequest) -> HttpResponse:
    form = ExpertApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            experts.apply_for_verification(member=request.user, **form.cleaned_data)
        except ApplicationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, gettext("Thank you. A moderator will check the registry and tell you.")
            )
            return redirect("forum:experts")
    status = 400 if request.method == "POST" else 200
    return render(request, "experts/apply.html", {"form": form}, status=status)


@require_GET
@moderator_required
def moderation_experts(request: MemberRequest) -> HttpResponse:
    credentials = ExpertCredential.objects.select_related("member", "decided_by")
    context = {
        "pending": credentials.pending().order_by("created_at"),
        "current": credentials.current().order_by("expires_at"),
        "form": ExpertReasonForm(),
    }
    return render(request, "moderation/experts.html", context)


DECISIONS = {
    "verify": ("Verified: the badge shows on their comments.", False),
    "decline": ("Declined; the member is told why.", True),
    "revoke": ("Revoked: the badge is gone from every page.", True),
}


@require_POST
@moderator_required
def moderation_expert_action(request: MemberRequest, pk: int, action: str) -> HttpResponse:
    if action not in DECISIONS:
        raise Http404(gettext("No such action."))
    done, needs_reason = DECISIONS[action]
    form = ExpertReasonForm(request.POST)
    if needs_reason and not form.is_valid():
        messages.error(
            request, gettext("Please give the reason the member will read. Nothing was changed.")
        )
        return redirect("forum:moderation-experts")
    try:
        if action == "verify":
            experts.verify_expert(credential_id=pk, moderator=request.user)
        elif action == "decline":
            experts.decline_expert(
                credential_id=pk, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        else:
            experts.revoke_expert(
                credential_id=pk, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        messages.success(request, done)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("forum:moderation-experts")
