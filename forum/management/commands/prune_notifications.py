"""Delete notifications older than FORUM_NOTIFICATIONS_KEEP_DAYS (run by aposbook/daily.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from forum.notifications import prune_notifications


class Command(BaseCommand):
    help = "Delete notifications older than FORUM_NOTIFICATIONS_KEEP_DAYS days."

    def handle(self, *args, **options) -> None:
        deleted = prune_notifications()
        days = settings.FORUM_NOTIFICATIONS_KEEP_DAYS
        self.stdout.write(f"Deleted {deleted} notification(s) older than {days} days.")
