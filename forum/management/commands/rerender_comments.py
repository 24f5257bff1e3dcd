"""Re-render stored comment HTML after the rendering policy (RENDERER_VERSION) changed."""

from django.core.management.base import BaseCommand

from forum.models import Comment
from forum.notifications import mention_targets
from forum.pagecache.invalidation import comments_changed
from forum.rendering import RENDERER_VERSION, render_comment


class Command(BaseCommand):
    help = "Re-render comments whose stored HTML was made by an older renderer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Re-render every comment, not only outdated ones."
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, all: bool = False, batch_size: int = 500, **options):
        comments = (
            Comment.objects.all()
            if all
            else Comment.objects.exclude(renderer_version=RENDERER_VERSION)
        )
        done = 0
        batch: list[Comment] = []
        article_ids: set[int] = set()
        # iterator(): thousands of comments never sit in memory at once.
        for comment in comments.only("pk", "article_id", "body_source").iterator(
            chunk_size=batch_size
        ):
            source = comment.body_source
            comment.body_html = render_comment(source, mention_targets(source))
            comment.renderer_version = RENDERER_VERSION
            batch.append(comment)
            article_ids.add(comment.article_id)
            if len(batch) >= batch_size:
                done += Comment.objects.bulk_update(batch, ["body_html", "renderer_version"])
                batch = []
        if batch:
            done += Comment.objects.bulk_update(batch, ["body_html", "renderer_version"])
        comments_changed(article_ids=article_ids)  # bulk_update sends no signal
        self.stdout.write(
            f"Re-rendered {done} comment(s) with renderer version {RENDERER_VERSION}."
        )
