from django.urls import include, path

from aposbook.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("__bench__/", include("tests.benchmarks.floor")),
    *site_urlpatterns,
]
