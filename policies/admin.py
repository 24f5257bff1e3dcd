from django.contrib import admin
from django.utils import timezone

from policies.models import ContactMessage, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "effective_on", "title", "changes"]
    list_filter = ["kind"]
    fields = ["kind", "title", "effective_on", "changes", "body"]

    def get_readonly_fields(self, request, obj=None):
        # A version in effect keeps its document and date (the record of what applied
        # when); a change of substance is a new version with its own date.
        if obj is not None and obj.effective_on <= timezone.localdate():
            return ["kind", "effective_on"]
        return []


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "notice_reference", "created_at"]
    search_fields = ["subject", "name", "email", "message", "notice_reference"]
    readonly_fields = ["name", "email", "subject", "message", "notice_reference", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
