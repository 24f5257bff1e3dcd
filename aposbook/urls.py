from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from aposbook import views
from articles.feeds import ScienceFeed
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("science/", include("articles.urls")),
    path("feeds/science/", ScienceFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]

handler500 = "aposbook.views.server_error"
