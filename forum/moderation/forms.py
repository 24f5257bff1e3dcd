"""Forms for reporting, appealing and moderating: they validate input, services decide."""

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.i18n import Text
from forum import validation
from forum.models import ReportReason
from forum.moderation.guidelines import Clause, clause_for_reason

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


ANSWER_REQUIRED = _(
    "Please give the reasons for your decision: the person who complained reads them."
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

    def reasons(self) -> list[tuple[str, str, str, bool, Clause]]:
        """(value, label, help, checked, clause) for the template's radio list with
        descriptions and the guideline clause each reason relies on."""
        return reason_choices(self["reason"].value())


def reason_choices(current: Any) -> list[tuple[str, str, str, bool, Clause]]:
    return [
        (value, str(label), str(REASON_HELP[value]), value == current, clause_for_reason(value))
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
    # DSA Art. 20(5): the answer to a complaint gives its reasons.
    message = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Your reasons (the author reads them)"),
        error_messages={"required": ANSWER_REQUIRED},
    )


class _ReportIds(forms.MultipleChoiceField):
    """Report ids ticked on the item page (the service keeps only the comment's own)."""

    def valid_value(self, value: str) -> bool:
        return str(value).isdigit()


class DismissForm(VersionedForm):
    unfounded = _ReportIds(required=False, label=_("Manifestly unfounded"))

    def clean_unfounded(self) -> list[int]:
        return [int(value) for value in self.cleaned_data["unfounded"]]


class ComplaintForm(forms.Form):
    message = forms.CharField(
        max_length=validation.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Why should the decision be looked at again?"),
        error_messages={"required": validation.COMPLAINT_REQUIRED},
    )


class ComplaintDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", _("Grant the complaint")), ("keep", _("Keep the decision"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
        error_messages={"required": _("Please choose a decision.")},
    )
    answer = forms.CharField(
        max_length=validation.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Your reasons (the person who complained reads them)"),
        error_messages={"required": ANSWER_REQUIRED},
    )


class TrustedFlaggerForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("Member's username"))
    organisation = forms.CharField(max_length=200, label=_("Organisation"))
    since = forms.DateField(
        label=_("Trusted flagger since"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_username(self) -> Any:
        from aposbook.models import User

        member = User.objects.filter(username__iexact=self.cleaned_data["username"]).first()
        if member is None:
            raise forms.ValidationError(_("There is no member with that username."))
        return member


def _clause() -> forms.TypedChoiceField:
    """The guideline clause a sanction relies on (its statement of reasons cites it)."""
    from forum.moderation.guidelines import CLAUSES

    return forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("The rule of the comment's removal (or clause 7)")),
            # Lazy, so the form built at import reads in each request's language.
            *[
                (clause.number, format_lazy("{}. {}", clause.number, clause.title))
                for clause in CLAUSES
            ],
        ],
        label=_("Rule relied on"),
    )


class SuspendForm(forms.Form):
    days = forms.TypedChoiceField(choices=SUSPENSION_DAYS, coerce=int, label=_("For"))
    reason = _member_reason()
    clause = _clause()


class BanForm(forms.Form):
    reason = _member_reason()
    clause = _clause()
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


class NoticeForm(forms.Form):
    """A signed-out visitor's notice (DSA Art. 16): the same reasons as members' reports,
    an explanation, who they are, and a statement of good faith."""

    reason = forms.ChoiceField(
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": validation.REASON_REQUIRED},
    )
    explanation = forms.CharField(
        max_length=validation.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "aria-describedby": "id_explanation_help"}),
        label=_("Explain what is wrong with it"),
        help_text=_(
            "Say why you think it breaks the guidelines or the law, as precisely as you can."
        ),
        error_messages={"required": _("Please explain what is wrong with the comment.")},
    )
    # forum/_field.html puts help and errors in one "<id>_help" block: point there.
    name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"aria-describedby": "id_name_help"}),
        label=_("Your name"),
        error_messages={"required": _("Please give your name (up to 100 characters).")},
    )
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"aria-describedby": "id_email_help"}),
        label=_("Your email"),
        help_text=_("We send a link to confirm it, then the decision. Nobody else sees it."),
        error_messages={
            "required": _("Please give an email address we can write to."),
            "invalid": _("Please give an email address we can write to."),
        },
    )
    good_faith = forms.BooleanField(
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_good_faith_help"}),
        label=_("I believe in good faith that what I say in this notice is accurate and complete."),
        error_messages={
            "required": _(
                "Please confirm that what you say in this notice is accurate and complete."
            )
        },
    )

    def reasons(self) -> list[tuple[str, str, str, bool, Clause]]:
        return reason_choices(self["reason"].value())
