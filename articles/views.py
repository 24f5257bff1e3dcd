from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.models import Article, Category
from articles.structured_data import article_json_ld
from forum import cache as page_cache
from forum import member_page
from forum.discussion import discussion_context


@require_safe
def science_index(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().select_related("category").order_by("category__name")
    by_category: dict[Category, list[Article]] = {}
    for article in articles:
        by_category.setdefault(article.category, []).append(article)
    return render(request, "articles/science_index.html", {"by_category": by_category})


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().filter(category=category)
    return render(
        request, "articles/category_detail.html", {"category": category, "articles": articles}
    )


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Anonymous readers get the page from the shared cache while its discussion is
    unchanged (forum/cache.py), members from a shared stencil filled in for them
    (forum/member_page.py); everyone else gets it rendered for them."""
    key = page_cache.anonymous_page_key(request, slug)
    if key is not None and (cached := page_cache.cached_page(key, slug)) is not None:
        return cached
    if key is None and (filled := member_page.serve(request, slug)) is not None:
        return filled
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    # Read the version before rendering: a change committed meanwhile makes it stale.
    version = page_cache.discussion_version(article.pk)
    if key is None:
        filled = member_page.build(
            request,
            article,
            version=version,
            page_context=lambda discussion, extra: _page_context(
                request, article, {"discussion": discussion, **extra}
            ),
        )
        if filled is not None:
            return filled
    response = render(
        request,
        "articles/article_detail.html",
        _page_context(request, article, discussion_context(request, article)),
    )
    if key is not None:
        page_cache.store_page(
            key, slug, article_id=article.pk, version=version, request=request, response=response
        )
    return response


def _page_context(request: HttpRequest, article: Article, discussion: dict) -> dict:
    references = list(article.references.all())
    count = discussion["discussion"].comment_count
    return {
        "article": article,
        "references": references,
        "json_ld": article_json_ld(article, references, request=request, comment_count=count),
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        **discussion,
    }


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = Article.objects.published().search(query).select_related("category")
    page = Paginator(results, settings.ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/search.html", {"query": query, "page": page})
