import datetime

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import (
    Article,
    ArticleDueForReview,
    Category,
    Reference,
    ReviewStatus,
    default_next_review,
)
from articles.readability import Readability, measure, prose_of
from articles.reviews import due_for_review
from forum.follows import article_reviewed
from forum.rendering import trusted

# Sentences longer than this are marked in the reading-level preview: plain-language
# guides (NHS, CDC) advise 15 to 20 words on average, and few past 25.
LONG_SENTENCE_WORDS = 25


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


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        exclude: list[str] = []  # every editable field; the admin's fieldsets order them
        widgets = {"plain_summary": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        # A new review date moves the next one on, unless the editor chose it too.
        last = cleaned.get("last_reviewed")
        if (
            last
            and "last_reviewed" in self.changed_data
            and "next_review_due" not in self.changed_data
        ):
            cleaned["next_review_due"] = default_next_review(last)
            self.instance.next_review_due = cleaned["next_review_due"]
        return cleaned


class ReviewStatusFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            (ReviewStatus.OVERDUE, _("Overdue")),
            (ReviewStatus.DUE_SOON, f"Due within {settings.ARTICLES_REVIEW_SOON_DAYS} days"),
            (ReviewStatus.NOT_REVIEWED, gettext("Not yet reviewed")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=settings.ARTICLES_REVIEW_SOON_DAYS)
        if self.value() == ReviewStatus.OVERDUE:
            return queryset.filter(next_review_due__lt=today)
        if self.value() == ReviewStatus.DUE_SOON:
            return queryset.filter(next_review_due__gte=today, next_review_due__lte=soon)
        if self.value() == ReviewStatus.NOT_REVIEWED:
            return queryset.filter(last_reviewed=None, next_review_due=None)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = [
        "title",
        "category",
        "status",
        "published_on",
        "certainty",
        "last_reviewed",
        "next_review_due",
        "updated_at",
    ]
    list_filter = [
        "status",
        ReviewStatusFilter,
        "certainty",
        "category",
        "language",
        "discussion_open",
    ]

    def save_model(self, request: HttpRequest, obj: Article, form: forms.ModelForm, change: bool):
        super().save_model(request, obj, form, change)
        # A new review date on an existing article is a re-review: its followers hear of it.
        if change and obj.last_reviewed and "last_reviewed" in form.changed_data:
            article_reviewed(obj)

    search_fields = ["title", "headline", "summary", "plain_summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    readonly_fields = ["rendered_preview", "reading_level", "updated_at"]
    inlines = [ReferenceInline]
    save_on_top = True
    fieldsets = [
        (
            None,
            {"fields": ["category", "language", "title", "slug", "headline", "summary", "about"]},
        ),
        (
            _("In short (the box above the article)"),
            {
                "fields": ["plain_summary", "certainty"],
                "description": (
                    _(
                        "Both are optional and shown only when set. Write the summary yourself "
                        "in plain words; never summarise what the authors did not say."
                    )
                ),
            },
        ),
        ("Body", {"fields": ["body", "rendered_preview", "reading_level"]}),
        (
            _("Publication and review"),
            {
                "fields": [
                    "status",
                    "published_on",
                    "author_name",
                    "reviewer_name",
                    "last_reviewed",
                    "next_review_due",
                    "updated_at",
                ]
            },
        ),
        (
            _("Discussion and disclaimer"),
            {"fields": ["discussion_open", "premoderate", "disclaimer"]},
        ),
    ]

    @admin.display(description="Preview (as last saved)")
    def rendered_preview(self, article: Article):
        # The stored body_html came out of forum.rendering's sanitizer on save. "View on
        # site" shows the whole page, drafts included, to staff.
        return (
            trusted(article.body_html) if article.pk else gettext("Save the article to preview it.")
        )

    @admin.display(description=gettext("Reading level (as last saved)"))
    def reading_level(self, article: Article):
        if not article.pk:
            return gettext("Save the article to see its reading level.")
        return reading_level_html(
            body=measure(prose_of(article.body_html)), summary=measure(article.plain_summary)
        )


def reading_level_html(*, body: Readability | None, summary: Readability | None):
    """The reading-level table and the body's longest sentences, escaped by format_html."""
    target = settings.ARTICLES_TARGET_GRADE
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                name,
                format_html("<strong>{}</strong>", f"{level.grade:.1f}")
                if level.grade > target
                else f"{level.grade:.1f}",
                f"{level.ease:.0f}",
                level.words,
                f"{level.words_per_sentence:.0f}",
            )
            for name, level in (("Body", body), (gettext("In short"), summary))
            if level is not None
        ),
    )
    if not rows:
        return gettext("No text to measure yet.")
    longest = format_html_join(
        "",
        "<li>{} <span class='reading-level__count'>({} words)</span></li>",
        (
            (
                format_html("<mark>{}</mark>", s.text) if s.words > LONG_SENTENCE_WORDS else s.text,
                s.words,
            )
            for s in (body.longest if body else [])
        ),
    )
    return format_html(
        "<div class='reading-level'><p>Target: school grade {} or below (Flesch-Kincaid), "
        "reading ease 60 or above. Computed on the saved text, headings left out.</p>"
        "<table><thead><tr><th scope='col'>Text</th><th scope='col'>Grade (Flesch-Kincaid)</th>"
        "<th scope='col'>Reading ease (Flesch)</th><th scope='col'>Words</th>"
        "<th scope='col'>Words per sentence</th></tr></thead><tbody>{}</tbody></table>"
        "<p>The body's longest sentences (<mark>marked</mark>: over {} words):</p>"
        "<ol>{}</ol></div>",
        target,
        rows,
        LONG_SENTENCE_WORDS,
        longest,
    )


@admin.register(ArticleDueForReview)
class ArticleDueForReviewAdmin(admin.ModelAdmin):
    """Published articles whose review is late or near, the most urgent first."""

    list_display = ["article", "review", "next_review_due", "last_reviewed", "reviewer_name"]
    list_display_links = None
    search_fields = ["title"]
    ordering = ["next_review_due", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        ids = due_for_review().values("pk")
        return super().get_queryset(request).filter(pk__in=ids)

    @admin.display(description="Article", ordering="title")
    def article(self, article: Article):
        url = reverse("admin:articles_article_change", args=[article.pk])
        return format_html("<a href='{}'>{}</a>", url, article.title)

    @admin.display(description="Review")
    def review(self, article: Article):
        return article.review_status().label

    # Editors read this list with their article rights; it changes nothing itself.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")

    def has_module_permission(self, request):
        return request.user.has_perm("articles.change_article")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
