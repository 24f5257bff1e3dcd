from django import forms
from django.utils.translation import gettext_lazy as _

from policies.services import MESSAGE_MAX_LENGTH


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), help_text=_("We answer here."))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    notice_reference = forms.CharField(required=False, widget=forms.HiddenInput)
