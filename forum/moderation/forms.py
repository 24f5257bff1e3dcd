"""Forms for reporting, appealing and moderating: they validate input, services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.i18n import Text
from forum import validation
from forum.models import ReportReason

# One line each, shown under the reason in the report form.
REASON_HELP: dict[str, Text] = {
    ReportReason.CRISIS: _("Someone may be in danger or thinking about harming themselves."),
    ReportReason.PRIVATE_INFO: "Names, contacts or health details of someone else, "
    "shared without their consent.",
    ReportReason.MEDICAL_HARM: _(
        "False claims, or advice that could hurt someone, including "
        "telling others which doses to take."
    ),
    ReportReason.HARASSMENT: "Insults, mockery or attacks on a person rather than an idea.",
    ReportReason.INAUTHENTIC: "Spam, impersonation, or promotion or selling without saying so.",
    ReportReason.OFF_TOPIC: _("Not about this article or the discussion under it."),
    ReportReason.OTHER: _("Something else breaks “authentic and respectful”: please tell us what."),
}


def _author_message() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext("Message to the author (optional)"),
    )


def _member_reason() -> forms.CharField:
    return forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext("Why (the member reads this)"),
        error_messages={"required": gettext("Please give the reason the member will read.")},
    )


SUSPENSION_DAYS = [(1, "1 day"), (3, "3 days"), (7, "1 week"), (30, "30 days"), (90, "90 days")]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": validation.REASON_REQUIRED},
    )
    note = forms.CharField(
        required=False,
        max_length=validation.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Anything the moderators should know? (optional, required for “Other”)"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == ReportReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", validation.OTHER_NEEDS_NOTE)
        return data

    def reasons(self) -> list[tuple[str, str, str, bool]]:
        """(value, label, help, checked) for the template's radio list with descriptions."""
        current = self["reason"].value()
        return [
            (value, str(label), str(REASON_HELP[value]), value == current)
            for value, label in ReportReason.choices
        ]


class AppealForm(forms.Form):
    message = forms.CharField(
        max_length=validation.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Why should the comment be restored?"),
        error_messages={"required": validation.APPEAL_REQUIRED},
    )


class VersionedForm(forms.Form):
    """Carries the state the moderator saw, so stale decisions change nothing."""

    version = forms.CharField(max_length=64, widget=forms.HiddenInput)


class RemoveForm(VersionedForm):
    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason")), *ReportReason.choices],
        error_messages={"required": _("Please choose the reason for removing this comment.")},
    )
    message = _author_message()


class AppealDecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        choices=[("overturn", _("Restore the comment")), ("uphold", _("Keep it removed"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a decision.")},
    )
    message = _author_message()


class SuspendForm(forms.Form):
    days = forms.TypedChoiceField(choices=SUSPENSION_DAYS, coerce=int, label=_("For"))
    reason = _member_reason()


class BanForm(forms.Form):
    reason = _member_reason()
    remove_comments = forms.BooleanField(required=False, label=_("Also remove all their comments"))
    removal_reason = forms.ChoiceField(
        required=False,
        choices=[("", _("Choose a reason")), *ReportReason.choices],
        label=_("Reason shown on the removed comments"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("remove_comments") and not data.get("removal_reason"):
            self.add_error(
                "removal_reason", gettext("Choose the reason shown on the removed comments.")
            )
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Private note for moderators"),
        error_messages={"required": _("The note is empty.")},
    )


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("remove", _("Remove"))])
    reason = forms.ChoiceField(
        required=False, choices=[("", _("Reason for removal")), *ReportReason.choices]
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "remove" and not data.get("reason"):
            self.add_error(
                "reason", gettext("Choose the reason for removing the selected comments.")
            )
        return data
