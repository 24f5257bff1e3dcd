from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published()

    def lastmod(self, item: Article):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.filter(articles__status=Article.Status.PUBLISHED).distinct()


class StaticSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return ["home", "articles:index"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"static": StaticSitemap, "categories": CategorySitemap, "articles": ArticleSitemap}
