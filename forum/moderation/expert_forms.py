"""The expert application and the moderators' reasons: they help, the service decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.moderation.experts import FIELD_LIMITS


class ExpertApplicationForm(forms.Form):
    profession = forms.CharField(
        max_length=FIELD_LIMITS["profession"],
        label=_("Profession, as the badge should show it"),
        help_text=_("For example: Registered dietitian, Pharmacist, Rheumatologist."),
    )
    registration_body = forms.CharField(
        max_length=FIELD_LIMITS["registration_body"],
        label=_("Registration body"),
        help_text=_("The regulator or professional register you are on."),
    )
    registration_number = forms.CharField(
        max_length=FIELD_LIMITS["registration_number"], label=_("Registration number")
    )
    registry_url = forms.URLField(
        max_length=500,
        label=_("Link to your entry in the public registry"),
        help_text=_("A page anyone can open that shows your name, profession and number."),
        assume_scheme="https",
    )


class ExpertReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why (the member reads this)"),
        error_messages={"required": _("Please give the reason the member will read.")},
    )
