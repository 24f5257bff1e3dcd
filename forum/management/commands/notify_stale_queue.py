from django.conf import settings
from django.core.management.base import BaseCommand

from forum.moderation.alerts import notify_stale_queue


class Command(BaseCommand):
    help = (
        "Email moderators about queue items waiting longer than FORUM_QUEUE_ALERT_HOURS. "
        "Safe to run every few minutes: each wait is alerted once."
    )

    def handle(self, *args, **options):
        count = notify_stale_queue()
        self.stdout.write(
            f"{count} item{'s' if count != 1 else ''} newly waiting over "
            f"{settings.FORUM_QUEUE_ALERT_HOURS} hours."
        )
