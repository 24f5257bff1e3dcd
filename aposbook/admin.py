"""Admin: AposBook's name on it, and members staff can find (never their password hash)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from aposbook.models import User
from forum.models import Sanction

admin.site.site_header = "AposBook administration"
admin.site.site_title = "AposBook admin"
admin.site.index_title = "Articles, discussion and members"


# The member page's fields (`password` is in neither list: its hash is never shown,
# and never edited here).
MEMBER_FIELDS: tuple[str, ...] = (
    "username",
    "email",
    "verified",
    "moderator",
    "sanction",
    "moderation_log",
    "date_joined",
    "last_login",
    "is_active",
    "groups",
)


@admin.register(User)
class MemberAdmin(admin.ModelAdmin):
    """Find a member and read their standing. Members sign up on the site and manage
    their own details; moderation (sanctions, notes) happens in the queue, where it is
    logged. So staff change only whether the account is active and its groups."""

    list_display = [
        "username",
        "email",
        "verified",
        "moderator",
        "sanction",
        "date_joined",
        "moderation_log",
    ]
    search_fields = ["username", "email"]
    list_filter = ["is_active", "is_staff", "groups"]
    ordering = ["username"]
    fields = MEMBER_FIELDS
    readonly_fields = [name for name in MEMBER_FIELDS if name not in {"is_active", "groups"}]
    filter_horizontal = ["groups"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Standing in the same query as the rows; running sanctions in one more.
        return (
            User.objects.with_standing()
            .prefetch_related(
                Prefetch("sanctions", queryset=Sanction.objects.active(), to_attr="running")
            )
            .order_by("username")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts are made by signing up, with a verified email

    @admin.display(boolean=True, description="verified email", ordering="standing_verified")
    def verified(self, member: User) -> bool:
        return bool(getattr(member, "standing_verified", False))  # with_standing() adds it

    @admin.display(boolean=True, description="moderator", ordering="standing_moderates")
    def moderator(self, member: User) -> bool:
        return member.is_moderator

    @admin.display(description="sanction")
    def sanction(self, member: User) -> str:
        running = getattr(member, "running", [])
        if not running:
            return "—"
        # A ban outlasts any suspension, so it is the standing to show.
        sanction = min(running, key=lambda s: s.kind != Sanction.Kind.BAN)
        if sanction.kind == Sanction.Kind.BAN:
            return "Banned"
        return f"Suspended until {sanction.ends_at:%d %b %Y, %H:%M}"

    @admin.display(description="moderation log")
    def moderation_log(self, member: User) -> str:
        url = f"{reverse('forum:moderation-log')}?{urlencode({'member': member.username})}"
        return format_html('<a href="{}">Entries about {}</a>', url, member.username)
