from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forum.rendering import RENDERER_VERSION, render_article, trusted


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    premoderate = models.BooleanField(
        default=False, help_text="Hold every new comment in this topic for a moderator."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.PUBLISHED, published_on__lte=timezone.localdate())

    def visible_to(self, user) -> "ArticleQuerySet":
        """Published articles for everyone; drafts too for staff, who preview them."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def with_comment_counts(self) -> "ArticleQuerySet":
        """Annotate comment_count: the published comments under each article."""
        return self.annotate(
            comment_count=models.Count("comments", filter=Q(comments__status="published"))
        )

    def search(self, query: str) -> "ArticleQuerySet":
        words = query.split()
        condition = Q()
        for word in words[:8]:
            condition &= (
                Q(title__icontains=word)
                | Q(headline__icontains=word)
                | Q(summary__icontains=word)
                | Q(body__icontains=word)
                | Q(category__name__icontains=word)
            )
        return self.filter(condition) if words else self.none()


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField("short title", max_length=120)
    headline = models.CharField(max_length=200, help_text="The page's main heading.")
    summary = models.TextField(
        max_length=400, help_text="One or two sentences for listings, feeds and search results."
    )
    body = models.TextField(
        help_text="Markdown. Start each section with '## ' to add it to the table of contents."
    )
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    renderer_version = models.PositiveSmallIntegerField(editable=False, default=0)
    about = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the article is about, comma separated (a condition, a supplement).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(
        default=timezone.localdate, help_text="Shown as month and year."
    )
    last_reviewed = models.DateField(null=True, blank=True)
    author_name = models.CharField(max_length=120, blank=True)
    reviewer_name = models.CharField(max_length=120, blank=True)
    disclaimer = models.TextField(
        blank=True, help_text="Leave empty to show the site's standard medical disclaimer."
    )
    discussion_open = models.BooleanField(default=True)
    premoderate = models.BooleanField(
        default=False, help_text="Hold every new comment on this article for a moderator."
    )
    # The content file's digest when `load_content` last wrote this article: a file that
    # has not changed never overwrites an editor's later edits in the admin.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["status", "-published_on"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # body_html is a cache of body (as on djangoproject.com's blog): rendered once
        # per edit, never per request.
        rendered = render_article(self.body)
        self.body_html, self.toc, self.renderer_version = (
            rendered.html,
            rendered.toc,
            RENDERER_VERSION,
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "toc",
                "renderer_version",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def trusted_body_html(self):
        return trusted(self.body_html)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_on <= timezone.localdate()

    @property
    def effective_disclaimer(self) -> str:
        return self.disclaimer or settings.DEFAULT_DISCLAIMER

    @property
    def about_terms(self) -> list[str]:
        return [term.strip() for term in self.about.split(",") if term.strip()]


class Reference(models.Model):
    class Stance(models.TextChoices):
        SUPPORTING = "supporting", "Supporting"
        SKEPTICAL = "skeptical", "Skeptical"
        NEUTRAL = "neutral", "Neutral"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(help_text="The citation's number in the article.")
    authors = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=400)
    journal = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="For example 10.1000/xyz123"
    )
    pmid = models.CharField("PubMed id", max_length=20, blank=True)
    url = models.URLField("URL", blank=True)
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.NEUTRAL)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="reference_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(pmid="") | Q(pmid__regex=r"^[0-9]{1,9}$"), name="reference_pmid_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.position}] {self.title}"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def link(self) -> str:
        """The best link a reader can follow: DOI, then PubMed, then the plain URL."""
        return self.doi_url or self.pubmed_url or self.url
