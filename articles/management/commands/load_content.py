from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.content import ContentError, load_content_files


class Command(BaseCommand):
    help = "Create or update articles from Markdown content files (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Content files or folders (default: the site's own content folder).",
        )

    def handle(self, *args, paths: list[Path], **options):
        files: list[Path] = []
        for path in paths or [Path(settings.CONTENT_DIR)]:
            if path.is_dir():
                files.extend(sorted(path.glob("*.md")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        if not files:
            raise CommandError("No content files (*.md) found.")
        try:
            results = load_content_files(files)
        except ContentError as error:
            raise CommandError(f"{error} (nothing was loaded)") from error
        for result in results if options["verbosity"] else []:
            self.stdout.write(f"{result.outcome:>9}  {result.slug}")
