"""Admin: the audit log is read-only for everyone; moderators manage watched words."""

from typing import Any

from django import forms
from django.contrib import admin

from forum.models import CrisisPhrase, ModerationAction, SupportResource, WatchedWord
from forum.moderation.crisis import phrase_error
from forum.moderation.patterns import regex_error
from forum.permissions import can_moderate


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "moderator", "member", "comment", "reason"]
    list_filter = ["kind"]
    search_fields = ["moderator__username", "member__username", "reason"]
    date_hierarchy = "created_at"

    # Append-only: not even a superuser can add, change or delete an entry here.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return can_moderate(request.user) or super().has_view_permission(request, obj)


class WatchedWordForm(forms.ModelForm):
    class Meta:
        model = WatchedWord
        fields = ["pattern", "is_regex", "action", "note"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("is_regex") and data.get("pattern") and (error := regex_error(data["pattern"])):
            self.add_error("pattern", error)
        return data


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    form = WatchedWordForm
    list_display = ["pattern", "is_regex", "action", "note", "created_by"]
    list_filter = ["action"]
    search_fields = ["pattern", "note"]

    def _moderator(self, request) -> bool:
        return can_moderate(request.user)

    def has_module_permission(self, request) -> bool:
        return self._moderator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._moderator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._moderator(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._moderator(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._moderator(request) or super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class CrisisPhraseForm(forms.ModelForm):
    class Meta:
        model = CrisisPhrase
        fields = ["pattern", "is_regex", "kind", "language", "note", "active"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("pattern") and (
            error := phrase_error(data["pattern"], data.get("is_regex", False))
        ):
            self.add_error("pattern", error)
        return data


@admin.register(CrisisPhrase)
class CrisisPhraseAdmin(WatchedWordAdmin):
    """Moderators keep the crisis list as they keep watched words; a pattern that does
    not compile, matches everything or runs away is refused with the reason."""

    form = CrisisPhraseForm  # type: ignore[assignment]
    list_display = ["pattern", "kind", "language", "is_regex", "active", "note"]
    list_filter = ["kind", "language", "active"]
    search_fields = ["pattern", "note"]


@admin.register(SupportResource)
class SupportResourceAdmin(admin.ModelAdmin):
    """Content editors keep the support resources (model permissions), per country."""

    list_display = ["name", "country", "phone", "url", "position"]
    list_filter = ["country"]
    search_fields = ["name", "description"]
    ordering = ["country", "position"]

    def save_model(self, request, obj, form, change) -> None:
        obj.country = obj.country.strip().upper()
        super().save_model(request, obj, form, change)
