import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class ScienceFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME} Science Center"
    link = reverse_lazy("articles:index")
    subtitle = _("What science says: evidence articles for patients.")
    # RFC 4287: a feed needs an author unless every entry has one; editors may leave an
    # article's author blank, so the site is the feed's author.
    author_name = settings.SITE_NAME
    author_link = settings.SITE_URL

    def items(self):
        return Article.objects.published().select_related("category")[:30]

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_author_name(self, item: Article) -> str | None:
        return item.author_name or None

    def item_pubdate(self, item: Article) -> datetime.datetime:
        # The publication day the page shows, at midnight UTC: the row's creation time of
        # day was when the content was loaded, not when the article was published.
        return datetime.datetime.combine(item.published_on, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item: Article) -> datetime.datetime:
        return max(item.updated_at, self.item_pubdate(item))

    def item_categories(self, item: Article):
        return [item.category.name]
