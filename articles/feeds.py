from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article


class ScienceFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME} Science Center"
    link = reverse_lazy("articles:index")
    subtitle = "What science says: evidence articles for patients."

    def items(self):
        return Article.objects.published().select_related("category")[:30]

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_pubdate(self, item: Article):
        return item.created_at.replace(
            year=item.published_on.year, month=item.published_on.month, day=item.published_on.day
        )

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_categories(self, item: Article):
        return [item.category.name]
