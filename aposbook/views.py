from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.models import Article, Category


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = Article.objects.published().with_comment_counts().select_related("category")[:10]
    categories = Category.objects.annotate(article_count=Count("articles")).filter(
        article_count__gt=0
    )
    return render(request, "home.html", {"latest": latest, "categories": categories})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /moderation/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
