"""Account pages of our own: settings, data export, account deletion, member pages.

Everything else about accounts (sign-up, sign-in, email, passwords, 2FA, sessions) is
allauth's, restyled through templates/allauth/.
"""

import json

from allauth.account.decorators import reauthentication_required
from allauth.account.views import EmailView
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aposbook.account_forms import DeleteAccountForm, MemberSettingsForm
from aposbook.accounts import (
    delete_account,
    export_member_data,
    minutes_phrase,
    rate_limit_wait,
    update_member_settings,
)
from aposbook.http import MemberRequest
from aposbook.models import User
from aposbook.pseudonym import PSEUDONYM_SUGGESTION, looks_like_full_name
from articles.models import Article
from forum.follows import followed_articles
from forum.models import Comment, CommentStatus
from forum.rendering import trusted

MEMBER_COMMENTS_PER_PAGE = 20

# Which allauth rate limits guard which page, to say when trying again will work.
RATE_LIMITED_PAGES = {
    "account_login": ("login", "login_failed"),
    "account_signup": ("signup",),
    "account_reset_password": ("reset_password",),
    "account_reset_password_from_key": ("reset_password_from_key",),
    "account_request_login_code": ("request_login_code",),
    "account_email": ("manage_email", "confirm_email"),
    "account_change_password": ("change_password",),
    "account_set_password": ("change_password",),
    "account_reauthenticate": ("reauthenticate",),
}


def _settings_page(request: HttpRequest, *, form=None, delete_form=None, status: int = 200):
    context = {
        "form": form or MemberSettingsForm(instance=request.user),
        "delete_form": delete_form or DeleteAccountForm(),
        "notifications_url": reverse("forum:notifications"),
        "followed": followed_articles(request.user),
        "pseudonym_suggestion": PSEUDONYM_SUGGESTION
        if looks_like_full_name(request.user.username)
        else "",
    }
    return render(request, "members/settings.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: MemberRequest) -> HttpResponse:
    if request.method == "GET":
        return _settings_page(request)
    # A copy, so a refused username does not show up in the header until it is saved.
    form = MemberSettingsForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if not form.is_valid():
        return _settings_page(request, form=form, status=400)
    update_member_settings(
        member=request.user,
        username=form.cleaned_data["username"],
        email_modes=form.email_modes(),
    )
    messages.success(request, gettext("Your settings are saved."))
    return redirect("account-settings")


@never_cache
@login_required
@require_GET
def account_export(request: MemberRequest) -> HttpResponse:
    data = export_member_data(member=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    filename = f"aposbook-{request.user.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _valid_delete_request(request: HttpRequest) -> bool:
    # Ask for the password only once the choice is made, so a missing choice is
    # reported first instead of after the password prompt.
    return DeleteAccountForm(request.POST).is_valid()


@login_required
@require_POST
@reauthentication_required(enabled=_valid_delete_request)
def account_delete(request: MemberRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, delete_form=form, status=400)
    delete_account(member=request.user, keep_comments=form.keep_comments)
    logout(request)
    messages.success(request, gettext("Your account is deleted. Thank you for taking part."))
    return redirect("home")


@require_GET
def member_detail(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    if username != member.username:
        # One address per member (/members/NAME_M/ -> /members/name_m/), for links and search.
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(
            f"{reverse('member-detail', args=[member.username])}{query}", permanent=True
        )
    comments = (
        Comment.objects.filter(author=member, status=CommentStatus.PUBLISHED)
        .filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, MEMBER_COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    items = [
        {
            "comment": comment,
            "html": trusted(comment.body_html),
            "url": comment.get_absolute_url(),
        }
        for comment in page
    ]
    context = {"member": member, "page": page, "items": items}
    return render(request, "members/member_detail.html", context)


# Where a member was going when two-factor setup interrupted them (a moderator opening
# /moderation/). Kept in the session: allauth's forms post to their own URL without the
# query string, and the recovery codes page comes between activation and the return.
AFTER_TWO_FACTOR = "after_two_factor"


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if target and allowed else ""


class ActivateTOTP(ActivateTOTPView):
    """allauth's TOTP setup, remembering `next` for after the recovery codes."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if target := _safe_next(request, request.GET.get("next", "")):
            request.session[AFTER_TWO_FACTOR] = target
        return super().get(request, *args, **kwargs)

    def get_success_url(self) -> str:
        target = self.request.session.get(AFTER_TWO_FACTOR, "")
        if target and not self.did_generate_recovery_codes:
            del self.request.session[AFTER_TWO_FACTOR]
            return target
        return super().get_success_url()


class RecoveryCodes(ViewRecoveryCodesView):
    """allauth's recovery codes, with the way back to where the member was going."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["continue_url"] = _safe_next(
            self.request, self.request.session.get(AFTER_TWO_FACTOR, "")
        )
        return context


class Email(EmailView):
    """allauth's email page; a resend that its limit skipped silently says when it can
    be sent again (allauth skips it because the link already sent still works)."""

    def _action_send(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        response = super()._action_send(request, *args, **kwargs)
        address = self._get_email_address(request)
        if address and not address.verified and not self._did_send_verification_email:
            wait = rate_limit_wait(request, ("confirm_email",), key=address.email.lower())
            messages.info(
                request,
                gettext(
                    "We sent a link to %(email)s a short while ago; it still works. "
                    "Check your spam folder too. You can send another in %(wait)s."
                )
                % {"email": address.email, "wait": minutes_phrase(wait)},
            )
        return response


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth's 429 page (it looks up ROOT_URLCONF.handler429): say when to try again."""
    url_name = getattr(request.resolver_match, "url_name", None)
    seconds = rate_limit_wait(request, RATE_LIMITED_PAGES.get(url_name or "", ()))
    response = render(
        request,
        "429.html",
        {"retry_after": minutes_phrase(seconds)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
