from django.core.management.base import BaseCommand

from articles.reviews import notify_review_due


class Command(BaseCommand):
    help = (
        "Email editors about articles whose review is due soon or late. The task worker "
        "runs it daily; safe to run again: each stage of a review is emailed once."
    )

    def handle(self, *args, **options):
        count = notify_review_due()
        self.stdout.write(f"{count} article review{'s' if count != 1 else ''} newly due or late.")
