import datetime
from calendar import monthrange

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.rendering import RENDERER_VERSION, render_article, trusted


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    premoderate = models.BooleanField(
        default=False, help_text=_("Hold every new comment in this topic for a moderator.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


class Certainty(models.TextChoices):
    """GRADE's four levels of certainty of the evidence."""

    HIGH = "high", _("High")
    MODERATE = "moderate", _("Moderate")
    LOW = "low", _("Low")
    VERY_LOW = "very_low", _("Very low")


# GRADE's own wording of what each level means (Balshem et al., "GRADE guidelines: 3.
# Rating the quality of evidence", J Clin Epidemiol 2011;64:401-6, table 2; the GRADE
# Handbook, section 5), verbatim: editors choose a level, never write the sentence.
CERTAINTY_MEANING = {
    Certainty.HIGH: (
        _(
            "We are very confident that the true effect lies close to that of the estimate of "
            "the effect."
        )
    ),
    Certainty.MODERATE: (
        _(
            "We are moderately confident in the effect estimate: the true effect is likely to be "
            "close to the estimate of the effect, but there is a possibility that it is "
            "substantially different."
        )
    ),
    Certainty.LOW: (
        _(
            "Our confidence in the effect estimate is limited: the true effect may be "
            "substantially different from the estimate of the effect."
        )
    ),
    Certainty.VERY_LOW: (
        _(
            "We have very little confidence in the effect estimate: the true effect is likely to "
            "be substantially different from the estimate of effect."
        )
    ),
}


class ReviewStatus(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", _("Not yet reviewed")
    CURRENT = "current", _("Reviewed")
    DUE_SOON = "due_soon", _("Review due soon")
    OVERDUE = "overdue", _("Review overdue")


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day (31 January + 1 = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def default_next_review(last_reviewed: datetime.date) -> datetime.date:
    return months_after(last_reviewed, settings.ARTICLES_REVIEW_MONTHS)


class ArticleQuerySet(models.QuerySet):
    def review_due_by(self, day: datetime.date) -> "ArticleQuerySet":
        """Articles whose next review falls on or before `day` (overdue ones included)."""
        return self.filter(next_review_due__lte=day)

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
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField("short title", max_length=120)
    headline = models.CharField(max_length=200, help_text=_("The page's main heading."))
    summary = models.TextField(
        max_length=400, help_text=_("One or two sentences for listings, feeds and search results.")
    )
    body = models.TextField(
        help_text=_("Markdown. Start each section with '## ' to add it to the table of contents.")
    )
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    renderer_version = models.PositiveSmallIntegerField(editable=False, default=0)
    about = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("What the article is about, comma separated (a condition, a supplement)."),
    )
    # The language the editor wrote it in. An article in another language than English
    # (the site's default) shows its page's interface in that language; an English one
    # follows the reader's, its text marked lang="en" (articles/views.py).
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the article is written in."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(
        default=timezone.localdate, help_text=_("Shown as month and year.")
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text=_("Leave empty for 12 months after the last review."),
    )
    author_name = models.CharField(max_length=120, blank=True)
    reviewer_name = models.CharField(max_length=120, blank=True)
    plain_summary = models.TextField(
        "in short",
        blank=True,
        max_length=1200,
        help_text=(
            _(
                "A plain-language summary for the box above the article: short sentences, "
                "everyday words (aim for school grade 8). Shown only when written; leave it empty "
                "rather than guess what the authors meant."
            )
        ),
    )
    certainty = models.CharField(
        "certainty of the evidence",
        max_length=10,
        choices=Certainty.choices,
        blank=True,
        help_text=_(
            "GRADE's level for the article's main conclusion. Leave empty if not assessed."
        ),
    )
    disclaimer = models.TextField(
        blank=True, help_text=_("Leave empty to show the site's standard medical disclaimer.")
    )
    discussion_open = models.BooleanField(default=True)
    premoderate = models.BooleanField(
        default=False, help_text=_("Hold every new comment on this article for a moderator.")
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
        if self.next_review_due is None and self.last_reviewed is not None:
            # The default review cycle, also for articles loaded from content files.
            self.next_review_due = default_next_review(self.last_reviewed)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "next_review_due"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = {}
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            errors["last_reviewed"] = gettext("The last review cannot be in the future.")
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            errors["next_review_due"] = gettext("The next review must come after the last review.")
        if self.last_reviewed and not self.reviewer_name.strip():
            errors["reviewer_name"] = gettext(
                "Say who reviewed the article: readers see it beside the date."
            )
        if errors:
            raise ValidationError(errors)

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
    def certainty_meaning(self) -> str:
        return str(CERTAINTY_MEANING.get(Certainty(self.certainty), "")) if self.certainty else ""

    @property
    def has_in_short(self) -> bool:
        """The "In short" box shows when an editor wrote or assessed something for it."""
        return bool(
            self.plain_summary
            or self.certainty
            or self.last_reviewed
            or self.reviewer_name
            or self.next_review_due
        )

    def review_status(self, today: datetime.date | None = None) -> ReviewStatus:
        today = today or timezone.localdate()
        if self.last_reviewed is None and self.next_review_due is None:
            return ReviewStatus.NOT_REVIEWED
        if self.next_review_due is None:
            return ReviewStatus.CURRENT
        if self.next_review_due < today:
            return ReviewStatus.OVERDUE
        soon = today + datetime.timedelta(days=settings.ARTICLES_REVIEW_SOON_DAYS)
        if self.next_review_due <= soon:
            return ReviewStatus.DUE_SOON
        return ReviewStatus.CURRENT

    @property
    def current_review_status(self) -> ReviewStatus:
        return self.review_status()

    @property
    def about_terms(self) -> list[str]:
        return [term.strip() for term in self.about.split(",") if term.strip()]


class Reference(models.Model):
    class Stance(models.TextChoices):
        SUPPORTING = "supporting", _("Supporting")
        SKEPTICAL = "skeptical", _("Skeptical")
        NEUTRAL = "neutral", _("Neutral")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(
        help_text=_("The citation's number in the article.")
    )
    authors = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=400)
    journal = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text=_("For example 10.1000/xyz123"),
        validators=[
            RegexValidator(
                r"^10\.[0-9]{4,9}/\S+$",
                "A DOI starts with 10. and a slash follows the number, for example "
                "10.1000/xyz123 (leave out https://doi.org/).",
            )
        ],
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


class ArticleDueForReview(Article):
    """The editors' list of articles whose review is late or near (its own admin page)."""

    class Meta:
        proxy = True
        verbose_name = "article due for review"
        verbose_name_plural = "articles due for review"


class ReviewReminder(models.Model):
    """A review-due email already sent, so `notify_review_due` (run daily) tells editors
    once per stage of each review cycle: when the review is near, and when it is late."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    stage = models.CharField(max_length=10, choices=Stage.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "due_on", "stage"], name="review_reminder_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article} due {self.due_on} ({self.get_stage_display()})"
