from django.core.management.base import BaseCommand

from forum.moderation.notices import prune_notices


class Command(BaseCommand):
    help = "Delete visitors' notices that were never confirmed and whose link has expired."

    def handle(self, *args, **options):
        deleted = prune_notices()
        if options["verbosity"]:
            self.stdout.write(f"{deleted} unconfirmed notice(s) deleted")
