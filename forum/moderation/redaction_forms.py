"""The redaction form on a queue item's page."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from forum.moderation.errors import ActionRefused
from forum.moderation.privacy import KIND_LABELS, find_private_information
from forum.moderation.redaction import REDACTION_REASONS, checked_spans


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
        choices=[(key, capfirst(words)) for key, words in REDACTION_REASONS.items()],
        initial="private_info",
    )

    def __init__(self, *args, body_source: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.body_source = body_source
        findings = find_private_information(body_source)
        choices = {f.text: f"{f.text} ({KIND_LABELS.get(f.kind, f.kind)})" for f in findings}
        self.fields["suggestions"].choices = list(choices.items())
        if not choices:
            self.fields["suggestions"].widget = forms.MultipleHiddenInput()

    @property
    def has_suggestions(self) -> bool:
        return bool(self.fields["suggestions"].choices)

    def clean(self) -> dict:
        data = super().clean()
        spans = [*data.get("suggestions", []), data.get("text", "")]
        try:
            data["spans"] = checked_spans(self.body_source, spans)
        except ActionRefused as refusal:
            self.add_error("text", str(refusal))
        return data
