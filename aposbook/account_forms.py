from typing import Any

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm
from django import forms
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import User
from aposbook.pseudonym import PSEUDONYM_SUGGESTION, looks_like_full_name
from forum.models import Notification
from forum.notification_kinds import EmailMode, email_modes


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, saying what each field is for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = gettext(
            "Never shown to other members. We send a link to verify it."
        )
        self.fields["username"].help_text = User._meta.get_field("username").help_text

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        if self.account_already_exists:
            # A new account costs one password hash; a taken email (no account made, the
            # owner is emailed) cost none and answered 20 times faster, telling anyone
            # timing it that the address is a member's. Do the same hashing work.
            make_password(self.cleaned_data.get("password1") or "")
        user, response = super().try_save(request)
        if user is not None and looks_like_full_name(user.username):
            # A suggestion, never a refusal: the account is made either way.
            messages.info(request, PSEUDONYM_SUGGESTION)
        return user, response


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form in the site's words, letting unverified members in.

    Verification stays mandatory at sign-up, so a sign-up with a taken email looks the
    same as a new one (allauth prevents enumeration only then). At a later sign-in a
    member whose email is not verified yet comes in to read; posting waits for the
    link (forum.permissions.posting_refusal says so, with a resend).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = gettext("Username or email")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        if "remember" in self.fields:
            self.fields["remember"].label = gettext("Remember me")

    def _login_with_password(
        self, request: HttpRequest, redirect_url: str | None, credentials: dict
    ) -> HttpResponse:
        self._login.email_verification = EmailVerificationMethod.OPTIONAL
        return super()._login_with_password(request, redirect_url, credentials)


class SecurityKeyForm(AuthenticateWebAuthnForm):
    """allauth's security key step at sign-in; the page offers it only to members who
    registered a key (mfa/authenticate.html)."""

    @property
    def has_security_key(self) -> bool:
        return Authenticator.objects.filter(
            user_id=self.user.pk, type=Authenticator.Type.WEBAUTHN
        ).exists()


# The email choice for each notification kind a member decides on, in this order.
EMAIL_KIND_LABELS = {
    Notification.Kind.REPLY: _("Replies to your comments"),
    Notification.Kind.MENTION: _("Someone mentions you (@your-name)"),
    Notification.Kind.MODERATOR_MESSAGE: _("Messages from the moderators"),
    Notification.Kind.FOLLOWED_COMMENTS: _("New comments on articles you follow"),
    Notification.Kind.ARTICLE_UPDATE: _("An article you follow is reviewed again"),
    Notification.Kind.REACTION: _("Members find your comment helpful"),
}


class MemberSettingsForm(forms.ModelForm):
    """The public name, and how each kind of notification reaches the member by email.
    A choice left out of the form keeps what was chosen before."""

    class Meta:
        model = User
        fields = ["username"]
        labels = {"username": _("Public username")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = email_modes(self.instance)
        for kind, label in EMAIL_KIND_LABELS.items():
            self.fields[f"email_{kind}"] = forms.ChoiceField(
                label=label,
                choices=EmailMode.choices,
                initial=current[kind],
                required=False,
                error_messages={"invalid_choice": _("Choose one of the options offered.")},
            )

    def email_fields(self) -> list[forms.BoundField]:
        return [self[f"email_{kind}"] for kind in EMAIL_KIND_LABELS]

    def email_modes(self) -> dict[str, str]:
        return {
            kind: self.cleaned_data[f"email_{kind}"]
            for kind in EMAIL_KIND_LABELS
            if self.cleaned_data.get(f"email_{kind}")
        }

    def clean_username(self) -> str:
        # Stored lowercase, as allauth stores it at sign-up (ACCOUNT_PRESERVE_USERNAME_CASING).
        return self.cleaned_data["username"].lower()

    def validate_unique(self) -> None:
        super().validate_unique()
        # The field's unique check and the case-insensitive constraint both find a taken
        # name: say it once, beside the field.
        field_errors = set(self.errors.get("username", []))
        general = self.errors.get(NON_FIELD_ERRORS)
        if field_errors and general:
            kept = [error for error in general.as_data() if error.messages[0] not in field_errors]
            if kept:
                self.errors[NON_FIELD_ERRORS] = self.error_class(kept)
            else:
                del self.errors[NON_FIELD_ERRORS]


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    REMOVE = "remove"

    comments = forms.ChoiceField(
        label=_("What should happen to your comments?"),
        widget=forms.RadioSelect,
        choices=[
            (REMOVE, _("Remove their text. Replies from others stay, under a “deleted” note.")),
            (KEEP, _("Keep them, shown as written by “deleted member”, without your name.")),
        ],
        error_messages={"required": _("Choose what should happen to your comments.")},
    )

    @property
    def keep_comments(self) -> bool:
        return self.cleaned_data["comments"] == self.KEEP
