from django.urls import path

from policies import views
from policies.models import PolicyKind

app_name = "policies"

urlpatterns = [
    path("guidelines/", views.policy_page, {"kind": PolicyKind.GUIDELINES}, name="guidelines"),
    path("terms/", views.policy_page, {"kind": PolicyKind.TERMS}, name="terms"),
    path("privacy/", views.policy_page, {"kind": PolicyKind.PRIVACY}, name="privacy"),
    path("contact/", views.contact, name="contact"),
    path("<slug:kind>/versions/<int:pk>/", views.policy_version, name="version"),
]
