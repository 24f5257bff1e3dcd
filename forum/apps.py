from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Discussion forum"

    def ready(self) -> None:
        # Connects the receivers that keep cached pages in step with admin edits.
        from forum.pagecache import invalidation  # noqa: F401
