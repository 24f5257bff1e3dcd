from django.core.management.base import BaseCommand

from forum.moderation.redaction import purge_redacted_originals


class Command(BaseCommand):
    help = "Delete the originals of redacted text kept past FORUM_REDACTED_RETENTION_DAYS."

    def handle(self, *args, **options):
        deleted = purge_redacted_originals()
        if options["verbosity"]:
            self.stdout.write(f"{deleted} redacted original(s) deleted")
