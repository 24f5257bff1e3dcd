"""The policy pages and the contact form: thin views over policies.models and services."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aposbook.clientip import client_ip
from forum.models import ReportReason
from forum.moderation import guidelines
from policies.forms import ContactForm
from policies.models import PolicyKind, PolicyVersion
from policies.services import ContactRefused, TooManyMessages, send_contact_message


def _page_context(kind: str, shown: PolicyVersion | None) -> dict:
    in_effect = PolicyVersion.objects.of(kind).in_effect_on(timezone.localdate())
    current = in_effect.first()
    context = {
        "kind": kind,
        "kind_label": PolicyKind(kind).label,
        "version": shown or current,
        "current": current,
        "earlier": [v for v in in_effect if current is None or v.pk != current.pk],
    }
    if kind == PolicyKind.GUIDELINES:
        reasons = dict(ReportReason.choices)
        context["clauses"] = [
            (
                clause,
                [
                    reasons[r]
                    for r, number in guidelines.REASON_CLAUSE.items()
                    if number == clause.number
                ],
            )
            for clause in guidelines.CLAUSES
        ]
    return context


@require_GET
def policy_page(request: HttpRequest, kind: str) -> HttpResponse:
    return render(request, "policies/page.html", _page_context(kind, None))


@require_GET
def policy_version(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An earlier (or the current) version; a future one is not shown before its day."""
    if kind not in PolicyKind.values:
        raise Http404
    version = get_object_or_404(
        PolicyVersion.objects.of(kind).in_effect_on(timezone.localdate()), pk=pk
    )
    return render(request, "policies/page.html", _page_context(kind, version))


def contact(request: HttpRequest) -> HttpResponse:
    notice = request.GET.get("notice", "")
    initial = {}
    if notice.isdigit():
        initial = {
            "notice_reference": notice,
            "subject": _("I disagree with the decision on my notice %(number)s")
            % {"number": notice},
        }
    form = ContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            send_contact_message(**form.cleaned_data, address=client_ip(request))
        except TooManyMessages as refusal:
            form.add_error(None, str(refusal))
            status = 429
        except ContactRefused as refusal:
            form.add_error(None, str(refusal))
            status = 400
        else:
            messages.success(request, _("Thank you. Your message is with us; we answer by email."))
            return redirect("policies:contact")
    elif request.method == "POST":
        status = 400
    context = {**_page_context(PolicyKind.CONTACT, None), "form": form}
    return render(request, "policies/page.html", context, status=status)
