from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse

from aposbook.models import User


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, saying what each field is for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "email"
        ].help_text = "Never shown to other members. We send a link to verify it."
        self.fields["username"].help_text = User._meta.get_field("username").help_text

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        if self.account_already_exists:
            # A new account costs one password hash; a taken email (no account made, the
            # owner is emailed) cost none and answered 20 times faster, telling anyone
            # timing it that the address is a member's. Do the same hashing work.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class MemberSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "email_on_reply"]
        labels = {"username": "Public username"}
        help_texts = {
            "email_on_reply": "One short email when another member answers you. Never marketing.",
        }

    def clean_username(self) -> str:
        # Stored lowercase, as allauth stores it at sign-up (ACCOUNT_PRESERVE_USERNAME_CASING).
        return self.cleaned_data["username"].lower()


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    REMOVE = "remove"

    comments = forms.ChoiceField(
        label="What should happen to your comments?",
        widget=forms.RadioSelect,
        choices=[
            (REMOVE, "Remove their text. Replies from others stay, under a “deleted” note."),
            (KEEP, "Keep them, shown as written by “deleted member”, without your name."),
        ],
        error_messages={"required": "Choose what should happen to your comments."},
    )

    @property
    def keep_comments(self) -> bool:
        return self.cleaned_data["comments"] == self.KEEP
