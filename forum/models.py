"""The discussion under each article, and the moderation records that point at it.

Comments are never deleted as rows: authors delete and moderators remove by changing
the status, so threads keep their shape and the audit log keeps its subjects.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Reference
from forum.rendering import trusted


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Awaiting review"
    HIDDEN = "hidden", "Hidden pending review"
    REMOVED = "removed", "Removed by a moderator"
    DELETED = "deleted", "Deleted by its author"


class CommentKind(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    SKEPTICAL = "skeptical", "Skeptical"
    QUESTION = "question", "Question"
    EXPERIENCE = "experience", "Personal experience"


class SourceType(models.TextChoices):
    DOI = "doi", "DOI"
    PUBMED = "pmid", "PubMed"
    URL = "url", "Web page"


class ReportReason(models.TextChoices):
    """What "authentic and respectful" means here, most urgent first."""

    CRISIS = "crisis", "Self-harm or crisis"
    PRIVATE_INFO = "private_info", "Shares someone's private health information"
    MEDICAL_HARM = "medical_harm", "Medical misinformation or dangerous advice"
    HARASSMENT = "harassment", "Disrespectful or harassing"
    INAUTHENTIC = "inauthentic", "Not authentic"
    OFF_TOPIC = "off_topic", "Off-topic"
    OTHER = "other", "Other"


# Lower is more urgent; the moderation queue sorts by it.
REASON_SEVERITY = {reason: rank for rank, reason in enumerate(ReportReason.values)}


# Statuses whose text is never shown to the public; with replies they leave a placeholder.
GONE_STATUSES = (CommentStatus.REMOVED, CommentStatus.DELETED)
# Statuses whose text its author may still change (within the edit window).
EDITABLE_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


def still_editable(status: str, created_at: datetime) -> bool:
    """The edit rule on a comment's own fields (the article page asks it of the rows it
    has, without loading comments): a status that can be edited, inside the window."""
    window = timedelta(minutes=settings.FORUM_EDIT_WINDOW_MINUTES)
    return status in EDITABLE_STATUSES and timezone.now() <= created_at + window


class CommentQuerySet(models.QuerySet):
    def published(self) -> "CommentQuerySet":
        return self.filter(status=CommentStatus.PUBLISHED)

    def visible_to(self, user) -> "CommentQuerySet":
        """Comments whose text this reader may see: published ones, their own pending or
        hidden ones, and (for moderators) everything awaiting a decision."""
        condition = Q(status=CommentStatus.PUBLISHED)
        if user.is_authenticated:
            waiting = Q(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
            condition |= waiting & Q(author=user)
            if user.is_moderator:
                condition |= waiting
        return self.filter(condition)

    def threads_for(self, article: Article, user, *, kind: str = "") -> "CommentQuerySet":
        """Top-level comments of a discussion this reader gets to see, as placeholders
        at least: a removed or deleted comment shows only while its thread has replies."""
        visible = Comment.objects.visible_to(user)
        with_replies = Exists(visible.filter(root=OuterRef("pk")))
        shown: Q = Q(pk__in=visible.filter(article=article, depth=0).values("pk")) | Q(with_replies)
        if user.is_authenticated:
            # Its author still sees where a removed comment was: the reason, the appeal.
            shown |= Q(author=user, status=CommentStatus.REMOVED)
        roots = self.filter(article=article, depth=0).filter(shown)
        if kind:
            roots = roots.filter(
                Q(kind=kind) | Exists(visible.filter(root=OuterRef("pk"), kind=kind))
            )
        return roots.select_related("author", "source_reference")

    def in_threads(self, root_ids: list[int]) -> "CommentQuerySet":
        """Every reply of the given threads, in one query (the page filters per reader)."""
        return (
            self.filter(root_id__in=root_ids)
            .select_related("author", "source_reference", "in_reply_to__author")
            .order_by("created_at", "pk")
        )


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    # NULL once the author deleted their account and chose to keep their comments
    # ("deleted member").
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    # Where the comment sits in the thread (nesting is capped) ...
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies"
    )
    # ... and the comment the member actually answered, when that was deeper than the cap.
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    # The top-level comment of the thread (NULL for a top-level comment), so one query
    # fetches whole threads for a page.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body_source = models.TextField()
    body_html = models.TextField()
    renderer_version = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=CommentKind.choices, blank=True)
    source_type = models.CharField(max_length=4, choices=SourceType.choices, blank=True)
    source = models.CharField(max_length=500, blank=True)
    source_reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    # Why a comment is held (pending) and what rule matched, for the moderation queue.
    hold_reason = models.CharField(max_length=40, blank=True)
    matched_rule = models.CharField(max_length=200, blank=True)
    matched_text = models.CharField(max_length=200, blank=True)
    # A removal's reason and the moderator's optional message, both shown to the author.
    removal_reason = models.CharField(max_length=20, choices=ReportReason.choices, blank=True)
    moderator_message = models.TextField(blank=True)
    # One-time form token: a form submitted twice creates one comment.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate", "Can moderate the discussion")]
        indexes = [
            models.Index(fields=["article", "root", "created_at"], name="comment_thread_idx"),
            models.Index(fields=["article", "status", "depth"], name="comment_listing_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "form_token"],
                condition=Q(form_token__isnull=False),
                name="comment_unique_form_token",
            ),
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_capped"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:comment", kwargs={"pk": self.pk})

    @property
    def trusted_body_html(self) -> str:
        return trusted(self.body_html)

    @property
    def author_name(self) -> str:
        return self.author.username if self.author is not None else "deleted member"

    @property
    def author_url(self) -> str:
        # A plain path: the members app owns the URL name; the path is the contract.
        return f"/members/{self.author.username}/" if self.author is not None else ""

    @property
    def is_gone(self) -> bool:
        return self.status in GONE_STATUSES

    @property
    def source_url(self) -> str:
        if self.source_type == SourceType.DOI:
            return f"https://doi.org/{self.source}"
        if self.source_type == SourceType.PUBMED:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.source}/"
        return self.source

    def readable_by(self, user) -> bool:
        if self.status == CommentStatus.PUBLISHED:
            return True
        if self.status not in (CommentStatus.PENDING, CommentStatus.HIDDEN):
            return False
        return user.is_authenticated and (self.author_id == user.pk or user.is_moderator)

    def editable_by(self, user) -> bool:
        return self.deletable_by(user) and still_editable(self.status, self.created_at)

    def deletable_by(self, user) -> bool:
        return bool(
            user.is_authenticated and self.author_id == user.pk and self.status not in GONE_STATUSES
        )


class CommentRevision(models.Model):
    """The text a comment had before an edit; moderators can read the history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body_source = models.TextField()
    kind = models.CharField(max_length=12, choices=CommentKind.choices, blank=True)
    source = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id}"


class Report(models.Model):
    class Resolution(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Action taken"
        DISMISSED = "dismissed", "No action needed"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.TextField(blank=True)
    # The comment's text when it was reported, whatever happens to it later.
    snapshot = models.TextField()
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(resolution="open"),
                name="report_one_open_per_member",
            )
        ]
        indexes = [models.Index(fields=["resolution", "comment"], name="report_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class Appeal(models.Model):
    """The author's one-time request to review a removal."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Removal upheld"
        OVERTURNED = "overturned", "Comment restored"

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    message = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Appeal on comment {self.comment_id}"


class ModerationAction(models.Model):
    """Append-only audit log: who did what to which comment or member, when, why."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approved"
        HOLD = "hold", "Held for review"
        HIDE = "hide", "Hidden"
        AUTO_HIDE = "auto_hide", "Hidden automatically after reports"
        REMOVE = "remove", "Removed"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Reports dismissed"
        APPEAL_UPHELD = "appeal_upheld", "Appeal declined"
        APPEAL_OVERTURNED = "appeal_overturned", "Appeal granted"
        SUSPEND = "suspend", "Member suspended"
        BAN = "ban", "Member banned"
        LIFT = "lift", "Sanction lifted"
        NOTE = "note", "Note on member"
        REFUSE = "refuse", "Refused automatically"

    # NULL for the system (automatic holds and hides).
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    reason = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    # True when no person took the decision (screening holds and refusals, auto-hide).
    automated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class SanctionQuerySet(models.QuerySet):
    def active(self) -> "SanctionQuerySet":
        """Bans not lifted and suspensions not lifted whose end is still ahead."""
        return self.filter(lifted_at__isnull=True).filter(
            Q(kind=Sanction.Kind.BAN) | Q(ends_at__gt=timezone.now())
        )


class Sanction(models.Model):
    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        BAN = "ban", "Ban"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    # NULL for a ban: it lasts until lifted.
    ends_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ban") | Q(ends_at__isnull=False),
                name="sanction_suspension_has_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of member {self.member_id}"


class MemberNote(models.Model):
    """A moderator's private note on a member, shown beside their queue items."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on member {self.member_id}"


class WatchedWord(models.Model):
    class Action(models.TextChoices):
        BLOCK = "block", "Refuse the comment"
        HOLD = "hold", "Hold for review"

    pattern = models.CharField(
        max_length=200, help_text="A word or phrase, or a regular expression if ticked below."
    )
    is_regex = models.BooleanField("regular expression", default=False)
    action = models.CharField(max_length=5, choices=Action.choices, default=Action.HOLD)
    note = models.CharField(max_length=200, blank=True, help_text="Why this word is watched.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern


class QueueAlert(models.Model):
    """The stale-queue email already sent for a comment's current wait, so a scheduler
    running `notify_stale_queue` every few minutes alerts moderators once per wait."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    waiting_since = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Queue alert for comment {self.comment_id}"


class NotificationQuerySet(models.QuerySet):
    def for_member(self, member) -> "NotificationQuerySet":
        return self.filter(recipient=member)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something the site tells one member inside the site (the single model for it:
    replies, mentions, outcomes, moderators' messages, support resources)."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to your comment"
        MENTION = "mention", "Mentioned you"
        REPORT_OUTCOME = "report_outcome", "Outcome of your report"
        APPEAL_OUTCOME = "appeal_outcome", "Outcome of your appeal"
        MODERATOR_MESSAGE = "moderator_message", "Message from the moderators"
        SUPPORT = "support", "Support resources"
        ARTICLE_UPDATE = "article_update", "Article you follow"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Who caused it, when a member did; never the recipient (notify() drops those).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Plain text, escaped wherever it is shown.
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count and the list page both read by recipient.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for member {self.recipient_id}"
