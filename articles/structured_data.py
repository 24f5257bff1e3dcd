"""Schema.org JSON-LD for article pages, built as plain dicts.

Serialization (with the escapes that keep it inside its <script>) happens in
forum.rendering.json_ld, the one place that produces trusted markup.
"""

from django.conf import settings
from django.http import HttpRequest

from articles.models import Article, Reference
from forum.rendering import json_ld


def _citation(reference: Reference) -> dict:
    work: dict = {"@type": "ScholarlyArticle", "name": reference.title}
    if reference.authors:
        work["author"] = reference.authors
    if reference.journal:
        work["isPartOf"] = {"@type": "Periodical", "name": reference.journal}
    if reference.year:
        work["datePublished"] = str(reference.year)
    if reference.link:
        work["url"] = reference.link
    if reference.doi:
        work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": reference.doi}
    return work


def article_json_ld(
    article: Article, references: list[Reference], *, request: HttpRequest, comment_count: int = 0
) -> str:  # json_ld() output: safe to print as is
    url = request.build_absolute_uri(article.get_absolute_url())
    publisher = {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
    }
    main_entity: dict = {
        "@type": "Article",
        "headline": article.headline,
        "description": article.summary,
        "datePublished": article.published_on.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "articleSection": article.category.name,
        "publisher": publisher,
        "discussionUrl": f"{url}#discussion",
        "commentCount": comment_count,
        "citation": [_citation(reference) for reference in references],
    }
    if article.author_name:
        main_entity["author"] = {"@type": "Person", "name": article.author_name}
    page: dict = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.headline,
        "inLanguage": "en",
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": [{"@type": "Thing", "name": term} for term in article.about_terms],
        "publisher": publisher,
        "mainEntity": main_entity,
    }
    if article.last_reviewed:
        page["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewer_name:
        page["reviewedBy"] = {"@type": "Person", "name": article.reviewer_name}
    return json_ld(page)
