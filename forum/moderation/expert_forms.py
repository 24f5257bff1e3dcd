"""The expert application and the moderators' reasons: they help, the service decides."""

from django import forms

from forum.moderation.experts import FIELD_LIMITS


class ExpertApplicationForm(forms.Form):
    profession = forms.CharField(
        max_length=FIELD_LIMITS["profession"],
        label="Profession, as the badge should show it",
        help_text="For example: Registered dietitian, Pharmacist, Rheumatologist.",
    )
    registration_body = forms.CharField(
        max_length=FIELD_LIMITS["registration_body"],
        label="Registration body",
        help_text="The regulator or professional register you are on.",
    )
    registration_number = forms.CharField(
        max_length=FIELD_LIMITS["registration_number"], label="Registration number"
    )
    registry_url = forms.URLField(
        max_length=500,
        label="Link to your entry in the public registry",
        help_text="A page anyone can open that shows your name, profession and number.",
        assume_scheme="https",
    )


class ExpertReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why (the member reads this)",
        error_messages={"required": "Please give the reason the member will read."},
    )
