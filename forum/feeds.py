"""A per-article Atom feed of its published comments, the way the site feed is made
(articles/feeds.py): each entry with its author and the time it was really posted."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article
from forum.models import Comment

FEED_COMMENTS = 50


class ArticleCommentsFeed(Feed):
    feed_type = Atom1Feed
    # RFC 4287: entries always name an author here, and the feed names the site too.
    author_name = settings.SITE_NAME
    author_link = settings.SITE_URL

    def get_object(self, request: HttpRequest, slug: str) -> Article:
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, obj: Article) -> str:
        return f"Discussion: {obj.headline}"

    def subtitle(self, obj: Article) -> str:
        return f"The newest published comments on {obj.title}, {settings.SITE_NAME}."

    def link(self, obj: Article) -> str:
        return f"{obj.get_absolute_url()}#discussion"

    def feed_url(self, obj: Article) -> str:
        return reverse("forum:comment-feed", kwargs={"slug": obj.slug})

    def items(self, obj: Article):
        return (
            Comment.objects.published()
            .filter(article=obj)
            .select_related("author")
            .order_by("-created_at", "-pk")[:FEED_COMMENTS]
        )

    def item_title(self, item: Comment) -> str:
        words = item.body_source.split()
        opening = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
        return f"{item.author_name}: {opening}"

    def item_description(self, item: Comment) -> str:
        # The stored, sanitized HTML (forum/rendering.py); the feed escapes it as text.
        return item.body_html

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Comment) -> str:
        return item.author_name

    def item_pubdate(self, item: Comment) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: Comment) -> datetime.datetime:
        return item.edited_at or item.created_at
