"""The redaction form on a queue item's page."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import ReportReason
from forum.moderation.errors import ActionRefused
from forum.moderation.privacy import KIND_LABELS, find_private_information
from forum.moderation.redaction import checked_spans


class RedactForm(forms.Form):
    """Suggestions from the private-information check, and the moderator's own span."""

    suggestions = forms.MultipleChoiceField(
        label=_("Found by the private-information check"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Text to redact"),
        required=False,
        strip=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Copy the exact words from the comment. Every place they appear is replaced."),
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (ReportReason.PRIVATE_INFO, _("Private information")),
            (ReportReason.HARASSMENT, _("Personal attack")),
            (ReportReason.MEDICAL_HARM, _("Dangerous advice")),
        ],
        initial="private_info",
    )

    def __init__(self, *args, body_source: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.body_source = body_source
        findings = find_private_information(body_source)
        choices = {f.text: f"{f.text} ({KIND_LABELS.get(f.kind, f.kind)})" for f in findings}
        self.suggestion_field.choices = list(choices.items())
        if not choices:
            self.fields["suggestions"].widget = forms.MultipleHiddenInput()

    @property
    def suggestion_field(self) -> forms.MultipleChoiceField:
        return cast(forms.MultipleChoiceField, self.fields["suggestions"])

    @property
    def has_suggestions(self) -> bool:
        return bool(self.suggestion_field.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spans = [*data.get("suggestions", []), data.get("text", "")]
        try:
            data["spans"] = checked_spans(self.body_source, spans)
        except ActionRefused as refusal:
            self.add_error("text", str(refusal))
        return data
