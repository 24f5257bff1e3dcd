from django.contrib import admin
from django.db import models

from articles.models import Article, Category, Reference
from forum.rendering import trusted


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["position", "stance", "authors", "title", "journal", "year", "doi", "pmid", "url"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "published_on", "last_reviewed", "updated_at"]
    list_filter = ["status", "category", "discussion_open"]
    search_fields = ["title", "headline", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    readonly_fields = ["rendered_preview", "updated_at"]
    inlines = [ReferenceInline]
    fieldsets = [
        (None, {"fields": ["category", "title", "slug", "headline", "summary", "about"]}),
        ("Body", {"fields": ["body", "rendered_preview"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_on",
                    "last_reviewed",
                    "author_name",
                    "reviewer_name",
                    "updated_at",
                ]
            },
        ),
        ("Discussion and disclaimer", {"fields": ["discussion_open", "disclaimer"]}),
    ]

    @admin.display(description="Preview (as last saved)")
    def rendered_preview(self, article: Article):
        # The stored body_html came out of forum.rendering's sanitizer on save. "View on
        # site" shows the whole page, drafts included, to staff.
        return trusted(article.body_html) if article.pk else "Save the article to preview it."
