from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_safe

from articles.models import Article, Category
from articles.structured_data import article_json_ld
from forum import member_page, pagecache
from forum import search as search_engine
from forum.discussion import discussion_context
from forum.follows import is_following
from forum.models import CommentKind


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
    """Members get the page from a shared stencil filled in for them
    (forum/member_page.py), anonymous readers from the shared cache while its discussion
    is unchanged (forum/pagecache/anonymous.py); everyone else gets it rendered for them."""
    if (filled := member_page.serve(request, slug)) is not None:
        return filled
    return pagecache.serve_anonymous(
        request,
        slug,
        find=lambda: get_object_or_404(
            Article.objects.visible_to(request.user).select_related("category"), slug=slug
        ),
        render=lambda article, version: _render_article(request, article, version),
    )


def _render_article(request: HttpRequest, article: Article, version: str) -> HttpResponse:
    """An article written in another language than the site's default shows its page's
    interface in that language; an English one (the default) follows the reader's. The
    page caches key by the reader's language, so each key still holds one page."""
    if article.language == settings.LANGUAGE_CODE:
        return _render_article_page(request, article, version)
    with translation.override(article.language):
        response = _render_article_page(request, article, version)
    response["Content-Language"] = article.language
    return response


def _render_article_page(request: HttpRequest, article: Article, version: str) -> HttpResponse:
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
    return render(
        request,
        "articles/article_detail.html",
        _page_context(request, article, discussion_context(request, article)),
    )


def _page_context(request: HttpRequest, article: Article, discussion: dict) -> dict:
    references = list(article.references.all())
    if "follow_slot" not in discussion and request.user.is_authenticated:
        discussion = {**discussion, "following": is_following(request.user, article.pk)}
    count = discussion["discussion"].comment_count
    return {
        "article": article,
        "references": references,
        "json_ld": article_json_ld(article, references, request=request, comment_count=count),
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        **discussion,
    }


# How many matching articles the search page lists above the comments.
ARTICLE_RESULTS = 10


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Articles, then comments (published ones only, each linking to its permalink),
    for what the reader typed; bad queries come back with a calm note, never an error."""
    query = search_engine.parse_query(request.GET.get("q", ""))
    filters = search_engine.public_filters(request.GET)
    articles = Article.objects.published()
    if filters.article is not None:
        articles = articles.filter(pk=filters.article.pk)
    found_articles = search_engine.search_articles(articles.select_related("category"), query)
    page = search_engine.results_page(
        search_engine.public_comments(filters).select_related("article", "author"),
        query,
        request.GET.get("page"),
        per_page=settings.FORUM_SEARCH_PER_PAGE,
    )
    context = {
        "query": query,
        "filters": filters,
        "articles": list(found_articles[:ARTICLE_RESULTS]) if page.number == 1 else [],
        "page": page,
        "results": search_engine.comment_results(list(page.object_list), query),
        "article_choices": Article.objects.published()
        .only("pk", "slug", "title")
        .order_by("title"),
        "kinds": CommentKind.choices,
        "max_results": search_engine.MAX_RANKED,
    }
    return render(request, "articles/search.html", context)
