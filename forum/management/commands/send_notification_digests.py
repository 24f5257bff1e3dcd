"""The daily digest: one email per member with the day's notifications they asked to get
once a day (run by aposbook/daily.py; safe to repeat, nothing goes out twice)."""

from django.core.management.base import BaseCommand

from forum.notifications import send_digests


class Command(BaseCommand):
    help = "Email each member who chose the daily digest their unread, unsent notifications."

    def handle(self, *args, **options) -> None:
        queued = send_digests()
        self.stdout.write(f"Queued {queued} digest email(s).")
