"""Fill the full-text index again from the rows (after a restore, a bulk import, or a
change to what is indexed)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from forum import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of articles and comments."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            articles, comments = search.rebuild()
        self.stdout.write(f"Indexed {articles} articles and {comments} comments.")
