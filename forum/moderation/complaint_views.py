"""Complaints (DSA Art. 20) and trusted flaggers (Art. 22): thin views over appeals.py
and trusted.py. Members contest a restriction or a report's dismissal here; a removal
is appealed on its comment (views.comment_appeal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aposbook.http import MemberRequest
from forum.models import Appeal, Report, TrustedFlagger
from forum.moderation import appeals, contest_links, errors, trusted
from forum.moderation.forms import ComplaintDecisionForm, ComplaintForm, TrustedFlaggerForm
from forum.moderation.views import _form_status, _submitted, moderator_required

SENT = _(
    "Your complaint is with the moderators. A different moderator will decide it; "
    "we will email you."
)


@login_required
def complaint_new(request: MemberRequest, action_id: int) -> HttpResponse:
    """The member contests a sanction, a limit on their reports or a redaction."""
    try:
        statement = appeals.contestable_statement(action_id=action_id, member=request.user)
    except errors.AppealRefused:
        raise Http404("No decision about you to contest here.") from None
    form = ComplaintForm(request.POST or None)
    call = lambda: appeals.submit_complaint(  # noqa: E731
        action_id=action_id, member=request.user, **form.cleaned_data
    )
    if _submitted(request, form, call, SENT):
        return redirect("forum:complaint-new", action_id=action_id)
    context = {
        "form": form,
        "statement": statement,
        "complaint": getattr(statement, "complaint", None),
    }
    return render(request, "moderation/complaint_form.html", context, status=_form_status(request))


def _contest(request: HttpRequest, report: Report, *, member=None, email: str = "") -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    call = lambda: appeals.contest_report(  # noqa: E731
        report_id=report.pk, member=member, email=email, **form.cleaned_data
    )
    if _submitted(request, form, call, SENT):
        return redirect(request.get_full_path())
    context = {"form": form, "report": report, "complaint": getattr(report, "complaint", None)}
    return render(request, "moderation/contest_form.html", context, status=_form_status(request))


@login_required
def report_contest(request: MemberRequest, pk: int) -> HttpResponse:
    """A member contests the decision not to act on their report."""
    report = get_object_or_404(
        Report.objects.select_related("comment__article"), pk=pk, reporter=request.user
    )
    return _contest(request, report, member=request.user)


def report_contest_visitor(request: HttpRequest, token: str) -> HttpResponse:
    """A visitor contests the decision on their notice, from the signed link in the
    decision email (appeals.contest_url)."""
    signed = contest_links.read_contest_token(token)
    if signed is None:
        raise Http404("This link is not valid or has expired.")
    report = get_object_or_404(Report.objects.select_related("comment__article"), pk=signed[0])
    return _contest(request, report, email=signed[1])


@moderator_required
def complaints(request: MemberRequest) -> HttpResponse:
    items = [(c, appeals.complaint_url(c)) for c in appeals.open_complaints()]
    return render(request, "moderation/complaints.html", {"items": items})


@moderator_required
def complaint_decide(request: MemberRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Appeal.objects.exclude(kind=Appeal.Kind.REMOVAL).select_related(
            "author", "statement__action__moderator", "report__comment__article", "decided_by"
        ),
        pk=pk,
    )
    form = ComplaintDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = appeals.decide_complaint(
                complaint_id=pk,
                moderator=request.user,
                grant=form.cleaned_data["decision"] == "grant",
                answer=form.cleaned_data["answer"],
            )
            messages.success(request, _("Complaint decided; the person who complained is told."))
            if getattr(decided, "redaction_undone", None) is False:
                messages.warning(
                    request,
                    _(
                        "The redacted words could not be put back: the original is no "
                        "longer kept, or the comment changed after the redaction."
                    ),
                )
            return redirect("forum:moderation-complaints")
        except errors.ActionRefused as refusal:
            form.add_error(None, str(refusal))
    context = {
        "complaint": complaint,
        "form": form,
        "may_decide": appeals.may_decide_appeal(
            moderator=request.user, remover_id=appeals.decider_of(complaint)
        ),
    }
    status = _form_status(request)
    return render(request, "moderation/complaint_decide.html", context, status=status)


@moderator_required
def trusted_flaggers(request: MemberRequest) -> HttpResponse:
    form = TrustedFlaggerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trusted.add_trusted_flagger(
                member=data["username"],
                moderator=request.user,
                organisation=data["organisation"],
                since=data["since"],
            )
            messages.success(request, _("Trusted flagger added: their reports now come first."))
            return redirect("forum:moderation-trusted")
        except errors.ActionRefused as refusal:
            form.add_error(None, str(refusal))
    flaggers = TrustedFlagger.objects.select_related("member", "added_by")
    context = {"form": form, "flaggers": flaggers}
    status = _form_status(request)
    return render(request, "moderation/trusted_flaggers.html", context, status=status)


@require_POST
@moderator_required
def trusted_flagger_remove(request: MemberRequest, pk: int) -> HttpResponse:
    try:
        trusted.remove_trusted_flagger(flagger_id=pk, moderator=request.user)
        messages.success(request, _("Trusted flagger removed."))
    except errors.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("forum:moderation-trusted")
