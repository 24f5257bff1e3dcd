"""Forms of the crisis follow-up (issue 19): what a moderator may submit."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.moderation.crisis_cases import MESSAGE_MAX_LENGTH


class CrisisForm(forms.Form):
    """Claim, send resources again, close: nothing to type but an optional note."""

    note = forms.CharField(
        label=_("Note for the log (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageMemberForm(forms.Form):
    text = forms.CharField(
        label=_("Your message to the member"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Sent privately through the site and kept in the moderation log. "
            "Warm and plain words help most: say you noticed, that you care, and where help is."
        ),
        error_messages={"required": _("Please write the message you want to send.")},
    )


class EmergencyContactForm(forms.Form):
    service = forms.CharField(
        label=_("Which service you contacted"),
        max_length=200,
        help_text=_("For example: police in Leeds (999), ambulance service, local crisis team."),
        error_messages={"required": _("Please say which service you contacted.")},
    )
    contacted_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Your local time."),
        error_messages={"required": _("Please give the time you contacted them.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What made you judge that someone was in immediate danger. "
            "Nothing is sent by the site: this records what you did."
        ),
        error_messages={"required": _("Please say why you contacted them.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("contacted_at", now)
