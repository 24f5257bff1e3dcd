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
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Reference
from forum.rendering import trusted


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting review")
    HIDDEN = "hidden", _("Hidden pending review")
    REMOVED = "removed", _("Removed by a moderator")
    DELETED = "deleted", _("Deleted by its author")


class CommentKind(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    SKEPTICAL = "skeptical", _("Skeptical")
    QUESTION = "question", _("Question")
    EXPERIENCE = "experience", _("Personal experience")


class SourceType(models.TextChoices):
    DOI = "doi", _("DOI")
    PUBMED = "pmid", _("PubMed")
    URL = "url", _("Web page")


class ReportReason(models.TextChoices):
    """What "authentic and respectful" means here, most urgent first."""

    CRISIS = "crisis", _("Self-harm or crisis")
    PRIVATE_INFO = "private_info", _("Shares someone's private health information")
    MEDICAL_HARM = "medical_harm", _("Medical misinformation or dangerous advice")
    HARASSMENT = "harassment", _("Disrespectful or harassing")
    INAUTHENTIC = "inauthentic", _("Not authentic")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Other")


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
    # The automated respect signal's score at posting (forum/moderation/toxicity.py), 0-1;
    # NULL for comments posted before it existed. Moderators see it, nobody else.
    toxicity = models.FloatField(null=True, blank=True)
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
        permissions = [("moderate", _("Can moderate the discussion"))]
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


class CommentRevisionQuerySet(models.QuerySet):
    def edits(self) -> "CommentRevisionQuerySet":
        """The author's own earlier versions: what their history and data export show.
        The text before a redaction is not among them (moderators only)."""
        return self.filter(redacted_at__isnull=True)

    def redactions(self) -> "CommentRevisionQuerySet":
        return self.filter(redacted_at__isnull=False)

    def past_retention(self, now: datetime | None = None) -> "CommentRevisionQuerySet":
        """Originals of redacted text kept longer than FORUM_REDACTED_RETENTION_DAYS."""
        days = settings.FORUM_REDACTED_RETENTION_DAYS
        return self.redactions().filter(
            redacted_at__lt=(now or timezone.now()) - timedelta(days=days)
        )


class CommentRevision(models.Model):
    """The text a comment had before an edit; moderators can read the history. A row
    with `redacted_at` holds the text before a moderator redacted part of it: only
    moderators see it, and the daily job deletes it after the retention window."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body_source = models.TextField()
    kind = models.CharField(max_length=12, choices=CommentKind.choices, blank=True)
    source = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    redacted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The ReportReason the redaction relied on (its wording replaced the text).
    redaction_reason = models.CharField(max_length=20, blank=True)

    objects = CommentRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id}"


class Report(models.Model):
    class Resolution(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Action taken")
        DISMISSED = "dismissed", _("No action needed")

    class Source(models.TextChoices):
        """Who sent it, as the transparency report counts them (DSA Art. 15, 16, 22)."""

        MEMBER = "member", _("Member")
        VISITOR = "visitor", _("Notice from a visitor")
        TRUSTED_FLAGGER = "trusted", _("Trusted flagger")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.TextField(blank=True)
    # The comment's text when it was reported, whatever happens to it later.
    snapshot = models.TextField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MEMBER)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # A dismissal the moderator marked "manifestly unfounded" (DSA Art. 23: misuse).
    manifestly_unfounded = models.BooleanField(default=False)
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


class NoticeQuerySet(models.QuerySet):
    def unconfirmed(self) -> "NoticeQuerySet":
        return self.filter(confirmed_at__isnull=True)

    def expired(self, now: datetime | None = None) -> "NoticeQuerySet":
        """Unconfirmed notices past their confirmation window: the daily prune deletes
        them (the visitor's name and email with them)."""
        hours = settings.FORUM_NOTICE_CONFIRM_HOURS
        return self.unconfirmed().filter(
            created_at__lt=(now or timezone.now()) - timedelta(hours=hours)
        )


class Notice(models.Model):
    """A signed-out visitor's notice about a comment (DSA Art. 16). It waits here,
    unconfirmed, until the visitor follows the link emailed to them; only then does it
    become a Report (source "visitor") that the moderators see. Confirmed notices keep
    the visitor's name and email so they can be told the decision and how to contest it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notices")
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    explanation = models.TextField()
    name = models.CharField(max_length=100)
    email = models.EmailField()
    good_faith = models.BooleanField(default=False)
    # The comment's text as the visitor saw it, kept for the report it becomes.
    snapshot = models.TextField()
    # sha256 of the random token in the confirmation link: the database alone cannot
    # confirm anything.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The report it became (several notices of one visitor on one comment share one).
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    # When the visitor was emailed the moderators' decision.
    decision_sent_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["confirmed_at", "created_at"], name="notice_unconfirmed")]

    def __str__(self) -> str:
        return f"Notice {self.pk} on comment {self.comment_id}"

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(hours=settings.FORUM_NOTICE_CONFIRM_HOURS)


class Appeal(models.Model):
    """A complaint against a decision (DSA Art. 20): the author's appeal of a removal (one
    per comment, decided from the queue), of a sanction or another restriction (against
    its statement of reasons), or a reporter's complaint that nothing was done (against
    their report). `author` is whoever complains; a visitor's notice has no account, so
    `contact_email` says where the answer goes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Decision kept")
        OVERTURNED = "overturned", _("Decision reversed")

    class Kind(models.TextChoices):
        REMOVAL = "removal", _("Appeal against a removal")
        RESTRICTION = "restriction", _("Appeal against a restriction")
        INACTION = "inaction", _("Complaint that a report was not acted on")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REMOVAL)
    # Set for removal appeals only (the queue shows them with the comment).
    comment = models.OneToOneField(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="appeal"
    )
    # The restriction contested (a sanction, limited reporting, a redaction...).
    statement = models.OneToOneField(
        "StatementOfReasons",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="complaint",
    )
    # The report whose dismissal is contested.
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="complaint"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    contact_email = models.EmailField(blank=True)
    message = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The reasons the deciding moderator gives the complainant (required to decide).
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ModerationAction(models.Model):
    """Append-only audit log: who did what to which comment or member, when, why."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HOLD = "hold", _("Held for review")
        HIDE = "hide", _("Hidden")
        AUTO_HIDE = "auto_hide", _("Hidden automatically after reports")
        REMOVE = "remove", _("Removed")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Reports dismissed")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal declined")
        APPEAL_OVERTURNED = "appeal_overturned", _("Appeal granted")
        SUSPEND = "suspend", _("Member suspended")
        BAN = "ban", _("Member banned")
        LIFT = "lift", _("Sanction lifted")
        NOTE = "note", _("Note on member")
        CRISIS_FLAG = "crisis_flag", _("Possible crisis")
        CRISIS_CLAIM = "crisis_claim", _("Crisis item claimed")
        CRISIS_PAGE = "crisis_page", _("On-call moderators paged")
        CRISIS_ESCALATE = "crisis_escalate", _("Crisis escalated to all moderators")
        RESOURCES_SENT = "resources_sent", _("Support resources sent")
        MEMBER_MESSAGED = "member_messaged", _("Message sent to member")
        EMERGENCY = "emergency", _("Emergency services contacted")
        CRISIS_CLOSE = "crisis_close", _("Crisis item closed")
        # Verified experts (forum/moderation/experts.py): every step of a credential.
        EXPERT_APPLY = "expert_apply", _("Expert verification requested")
        EXPERT_VERIFY = "expert_verify", _("Expert verified")
        EXPERT_DECLINE = "expert_decline", _("Expert verification declined")
        EXPERT_REVOKE = "expert_revoke", _("Expert verification revoked")
        EXPERT_REMIND = "expert_remind", _("Expert renewal reminder sent")
        EXPERT_EXPIRE = "expert_expire", _("Expert verification expired")
        REFUSE = "refuse", _("Refused automatically")
        # DSA (issue 14): trusted flaggers (Art. 22), misuse of reporting (Art. 23),
        # complaints (Art. 20) other than removal appeals.
        TRUSTED_ADD = "trusted_add", _("Trusted flagger added")
        TRUSTED_REMOVE = "trusted_remove", _("Trusted flagger removed")
        MISUSE_WARN = "misuse_warn", _("Warned about unfounded reports")
        MISUSE_LIMIT = "misuse_limit", _("Reports stop counting toward hiding")
        COMPLAINT_UPHELD = "complaint_upheld", _("Complaint declined")
        COMPLAINT_GRANTED = "complaint_granted", _("Complaint granted")
        REDACT = "redact", _("Part of the text redacted")

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
        SUSPENSION = "suspension", _("Suspension")
        BAN = "ban", _("Ban")

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
        BLOCK = "block", _("Refuse the comment")
        HOLD = "hold", _("Hold for review")

    pattern = models.CharField(
        max_length=200, help_text=_("A word or phrase, or a regular expression if ticked below.")
    )
    is_regex = models.BooleanField("regular expression", default=False)
    action = models.CharField(max_length=5, choices=Action.choices, default=Action.HOLD)
    note = models.CharField(max_length=200, blank=True, help_text=_("Why this word is watched."))
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
        REPLY = "reply", _("Reply to your comment")
        MENTION = "mention", _("Mentioned you")
        REPORT_OUTCOME = "report_outcome", _("Outcome of your report")
        APPEAL_OUTCOME = "appeal_outcome", _("Outcome of your appeal")
        MODERATOR_MESSAGE = "moderator_message", _("Message from the moderators")
        SUPPORT = "support", _("Support resources")
        ARTICLE_UPDATE = "article_update", _("Article you follow was reviewed again")
        # One per follower and article while unread; `count` says how many comments.
        FOLLOWED_COMMENTS = "followed_comments", _("New comments on an article you follow")
        # At most one a day per comment (forum/reactions.py).
        REACTION = "reaction", _("Members found your comment helpful")
        # Its email is sent by forum/moderation/redaction.py whatever the preferences.
        REDACTION = "redaction", _("Part of your comment was removed")

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
    # How many events this one stands for: new comments on a followed article are
    # added to the follower's unread notification instead of one each.
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by email, at once or in a digest; the digest takes only rows
    # still empty here, so running it twice sends nothing twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count and the list page both read by recipient.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["created_at"], name="notification_created"),
        ]
        constraints = [
            # The coalescing of followed articles' comments relies on it: at most one
            # unread one per follower and article, whatever tasks run at once.
            models.UniqueConstraint(
                fields=["recipient", "article", "kind"],
                condition=Q(read_at__isnull=True, kind="followed_comments"),
                name="notification_one_unread_follow",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for member {self.recipient_id}"


class ArticleFollowQuerySet(models.QuerySet):
    def for_member(self, member) -> "ArticleFollowQuerySet":
        return self.filter(member=member)


class ArticleFollow(models.Model):
    """A member follows an article: they are told of its new comments and its reviews."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_follows"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleFollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "article"], name="article_follow_once")
        ]
        # The fan-out reads by article; the member's list and the button by member.
        indexes = [models.Index(fields=["article", "member"], name="article_follow_article")]

    def __str__(self) -> str:
        return f"member {self.member_id} follows article {self.article_id}"


# ---- Crisis (issue 19): what the crisis screening reads, and the follow-up it starts.


class CrisisPhrase(models.Model):
    """A phrase or pattern of crisis language, or a safe phrase (an idiom, research
    wording) that screening blanks out before looking for crisis language."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Crisis language")
        SAFE = "safe", _("Not a crisis (idiom, factual or research wording)")

    pattern = models.CharField(
        # Room for a pattern with its context ("saving pills ... enough"), not a list.
        max_length=1000,
        help_text=_(
            "A word or phrase, or a regular expression if ticked below. Matched "
            "without regard to case, after common disguises (k1ll, k.i.l.l) are undone."
        ),
    )
    is_regex = models.BooleanField("regular expression", default=False)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.CRISIS)
    language = models.CharField(
        max_length=5, default="en", help_text=_("Language code, e.g. en or es.")
    )
    note = models.CharField(max_length=200, blank=True, help_text=_("What this catches, and why."))
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "language", "pattern"]

    def __str__(self) -> str:
        return self.pattern


class SupportResource(models.Model):
    """A place to turn to, shown to members whose words suggest a crisis. Rows with no
    country are the default everyone sees; a country's rows are shown above them."""

    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_(
            "Two-letter country code (GB, US, ES…). Leave empty for the default shown to everyone."
        ),
    )
    name = models.CharField(max_length=120)
    description = models.TextField(help_text=_("Plain text, shown as written."))
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField("web address", blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country or 'default'})"


class OnCallModerator(models.Model):
    """A moderator on call: crisis items page them at once."""

    moderator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call"
    )
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Moderator {self.moderator_id} on call"


class CrisisCaseQuerySet(models.QuerySet):
    def open(self) -> "CrisisCaseQuerySet":
        return self.filter(closed_at__isnull=True)


class CrisisCase(models.Model):
    """A possible crisis waiting for a person: crisis language in a comment, or a
    "self-harm or crisis" report. Open until a moderator closes it."""

    class Source(models.TextChoices):
        LANGUAGE = "language", _("Crisis language in the comment")
        REPORT = "report", _("Reported as self-harm or crisis")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="crisis_cases")
    source = models.CharField(max_length=8, choices=Source.choices)
    matched_text = models.CharField(max_length=200, blank=True)
    matched_rule = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CrisisCaseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment"], condition=Q(closed_at__isnull=True), name="crisis_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"Possible crisis, comment {self.comment_id}"


class EmergencyContact(models.Model):
    """A moderator's record that they contacted emergency services about a crisis item.
    Nothing is sent to anyone automatically: this only records what a person did."""

    case = models.ForeignKey(
        CrisisCase, on_delete=models.CASCADE, related_name="emergency_contacts"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.CharField(max_length=200)
    contacted_at = models.DateTimeField()
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_at", "-pk"]

    def __str__(self) -> str:
        return f"Emergency contact for comment {self.case.comment_id}"


# Reports that keep a comment from ranking up in "Most helpful" while they are open: the
# harms where a lifted comment does damage (forum/reactions.py).
RANK_BLOCKING_REASONS = (
    ReportReason.MEDICAL_HARM,
    ReportReason.CRISIS,
    ReportReason.PRIVATE_INFO,
)


class Reaction(models.Model):
    """A member's "Helpful" or "Same for me" on another member's comment: one of each
    per member and comment, withdrawn by deleting the row."""

    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")
        SAME = "same", _("Same for me")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "member", "kind"], name="reaction_one_per_member"
            )
        ]
        indexes = [models.Index(fields=["member", "comment"], name="reaction_member_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on comment {self.comment_id}"


class ExpertCredentialQuerySet(models.QuerySet):
    def current(self, *, now: datetime | None = None) -> "ExpertCredentialQuerySet":
        """Verified, not revoked, not yet expired: what earns the badge."""
        return self.filter(
            status=ExpertCredential.Status.VERIFIED, expires_at__gt=now or timezone.now()
        )

    def pending(self) -> "ExpertCredentialQuerySet":
        return self.filter(status=ExpertCredential.Status.PENDING)


class ExpertCredential(models.Model):
    """A member's professional registration, checked by a moderator against the public
    registry the member named (no documents are uploaded or kept)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        VERIFIED = "verified", _("Verified")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_credentials"
    )
    profession = models.CharField(max_length=80, help_text=_("As the badge shows it."))
    registration_body = models.CharField(max_length=200)
    registration_number = models.CharField(max_length=60)
    registry_url = models.URLField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # The moderator who verified, declined or revoked it, when, and why (declines and
    # revocations carry a reason the member reads).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = ExpertCredentialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="expert_one_pending"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="verified"), name="expert_one_verified"
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(expires_at__isnull=False),
                name="expert_verified_expires",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="expert_status_idx")]

    def __str__(self) -> str:
        return f"{self.profession} ({self.get_status_display()}) for member {self.member_id}"

    @property
    def badge(self) -> str:
        return f"{self.profession} · verified"


# ---- DSA duties (issue 14): statements of reasons, trusted flaggers, misuse of reports.


class StatementOfReasons(models.Model):
    """Why a restriction was imposed (DSA Art. 17), written with the action it explains
    (forum/moderation/statements.py is the only writer) and never recomputed: the facts,
    the clause and the routes are copied as they were when it was issued."""

    class Restriction(models.TextChoices):
        REMOVAL = "removal", _("Comment removed")
        HIDING = "hiding", _("Comment hidden")
        HOLDING = "holding", _("Comment held for review")
        REDACTION = "redaction", _("Part of the comment redacted")
        SUSPENSION = "suspension", _("Account suspended")
        BAN = "ban", _("Account banned")
        REPORTS_LIMITED = "reports_limited", _("Reports no longer hide comments")

    action = models.OneToOneField(
        ModerationAction, on_delete=models.PROTECT, related_name="statement"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="statements_of_reasons",
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    sanction = models.OneToOneField(
        "Sanction", null=True, blank=True, on_delete=models.SET_NULL, related_name="statement"
    )
    restriction = models.CharField(max_length=16, choices=Restriction.choices)
    # What was restricted and when, in words; the text concerned is referenced
    # (comment number, article), never quoted again.
    facts = models.TextField()
    clause_number = models.PositiveSmallIntegerField()
    clause_title = models.CharField(max_length=120)
    clause_summary = models.TextField()
    # The ground in the moderator's or the system's words (a reason, a hold reason).
    ground = models.TextField(blank=True)
    detected_automatically = models.BooleanField()
    decided_automatically = models.BooleanField()
    # Until when the restriction lasts, when it ends by itself.
    ends_at = models.DateTimeField(null=True, blank=True)
    # The last moment the internal complaint is taken (Art. 20: six months).
    complaint_deadline = models.DateTimeField()
    redress = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        get_latest_by = ["issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_restriction_display()} ({self.issued_at:%Y-%m-%d})"

    @property
    def clause_label(self) -> str:
        return f"{self.clause_number}. {self.clause_title}"


class TrustedFlagger(models.Model):
    """A member whose reports come first within a severity (DSA Art. 22)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_flagger"
    )
    organisation = models.CharField(max_length=200)
    since = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} (member {self.member_id})"


class ReportingLimitQuerySet(models.QuerySet):
    def active(self) -> "ReportingLimitQuerySet":
        return self.filter(lifted_at__isnull=True, ends_at__gt=timezone.now())


class ReportingLimit(models.Model):
    """A period in which a member's reports still reach the queue but no longer count
    toward hiding a comment (DSA Art. 23), after a warning."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporting_limits"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = ReportingLimitQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"Reporting limited for member {self.member_id} until {self.ends_at:%Y-%m-%d}"
