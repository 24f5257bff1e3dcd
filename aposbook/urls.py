from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from aposbook import account_views, views
from articles.feeds import ScienceFeed
from articles.sitemaps import SITEMAPS

# Staff sign in through allauth, so rate limits and two-factor authentication apply
# to the admin too (allauth's documented approach).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("science/", include("articles.urls")),
    path("feeds/science/", ScienceFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # The footer's language switch is on every page, cached anonymous pages too, which
    # must hold no CSRF token (forum/pagecache/anonymous.py); a forged switch can only
    # change the language a browser reads the site in, which its reader changes back.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("accounts/settings/", account_views.account_settings, name="account-settings"),
    path("accounts/settings/export/", account_views.account_export, name="account-export"),
    path("accounts/settings/delete/", account_views.account_delete, name="account-delete"),
    # Before allauth's own, at the same addresses: these return to `next` afterwards.
    path(
        "accounts/2fa/totp/activate/",
        account_views.ActivateTOTP.as_view(),
        name="mfa_activate_totp",
    ),
    path(
        "accounts/2fa/recovery-codes/",
        account_views.RecoveryCodes.as_view(),
        name="mfa_view_recovery_codes",
    ),
    path("accounts/email/", account_views.Email.as_view(), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("members/<str:username>/", account_views.member_detail, name="member-detail"),
    path("admin/", admin.site.urls),
    path("", include("policies.urls")),
    path("", include("forum.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]

# allauth answers "too many attempts" with this view (it looks up handler429 here).
handler429 = account_views.too_many_requests
handler500 = "aposbook.views.server_error"
