"""The moderation queue and log: what waits for a decision, most urgent first (reads)."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum.models import (
    REASON_SEVERITY,
    Appeal,
    Comment,
    CommentStatus,
    CrisisCase,
    MemberNote,
    ModerationAction,
    Report,
    ReportReason,
    Sanction,
    TrustedFlagger,
)
from forum.moderation.appeals import may_decide_appeal
from forum.moderation.decisions import allowed_actions, appeal_of, version_of
from forum.moderation.screening import HOLD_DOSING, HOLD_PRIVATE, HOLD_REASONS
from forum.rendering import highlight_span

OPEN = Report.Resolution.OPEN

Kind = ModerationAction.Kind


# Items with no report sort after every reported one; dosing holds count as medical harm.
_LAST = len(REASON_SEVERITY)
QUEUE_STATES = {
    "crisis": _("Possible crisis"),
    "pending": _("Awaiting approval"),
    "reported": _("Reported"),
    "hidden": _("Hidden"),
    "appeal": _("Appeals"),
}


def waiting_comments(
    *, reason: str = "", article_id: int | None = None, state: str = ""
) -> QuerySet:
    """The comments waiting for a decision (and matching the filters), unordered: what
    the queue counts, without the per-comment sums its order needs."""
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolution=OPEN)
    appeal_open = Q(appeal__status=Appeal.Status.OPEN)
    crisis = Exists(CrisisCase.objects.open().filter(comment=OuterRef("pk")))
    queryset = Comment.objects.filter(
        # A possible crisis waits for a person whatever the comment's status.
        Q(crisis)
        | Q(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
        # Deleted by its author after a report: the reported text (and a crisis
        # report's reason to reach out) still needs a moderator's eyes.
        | Q(Exists(open_reports), status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED])
        | Q(appeal_open, status=CommentStatus.REMOVED)
    )
    if reason:
        by_reason = Q(Exists(open_reports.filter(reason=reason)))
        if reason == ReportReason.MEDICAL_HARM:
            by_reason |= Q(hold_reason=HOLD_DOSING, status=CommentStatus.PENDING)
        if reason == ReportReason.PRIVATE_INFO:
            by_reason |= Q(hold_reason=HOLD_PRIVATE, status=CommentStatus.PENDING)
        queryset = queryset.filter(by_reason)
    if article_id:
        queryset = queryset.filter(article_id=article_id)
    if state == "crisis":
        queryset = queryset.filter(crisis)
    elif state == "pending":
        queryset = queryset.filter(status=CommentStatus.PENDING)
    elif state == "hidden":
        queryset = queryset.filter(status=CommentStatus.HIDDEN)
    elif state == "reported":
        queryset = queryset.filter(Exists(open_reports))
    elif state == "appeal":
        queryset = queryset.filter(appeal_open, status=CommentStatus.REMOVED)
    return queryset


def queue_comments(*, reason: str = "", article_id: int | None = None, state: str = "") -> QuerySet:
    """What needs a decision, most urgent first: possible crises, then severity, a
    trusted flagger's report, reporters, then age."""
    return _in_queue_order(waiting_comments(reason=reason, article_id=article_id, state=state))


def _in_queue_order(comments: QuerySet) -> QuerySet:
    """`comments` with what a queue item shows (severity, reporters, waiting since), in
    the queue's order."""
    open_q = Q(reports__resolution=OPEN)
    severity = Min(
        Case(
            *[
                When(reports__resolution=OPEN, reports__reason=key, then=Value(rank))
                for key, rank in REASON_SEVERITY.items()
            ],
            output_field=IntegerField(),
        )
    )
    hold_severity = Case(
        When(hold_reason=HOLD_DOSING, then=Value(REASON_SEVERITY[ReportReason.MEDICAL_HARM])),
        When(hold_reason=HOLD_PRIVATE, then=Value(REASON_SEVERITY[ReportReason.PRIVATE_INFO])),
        default=Value(_LAST),
        output_field=IntegerField(),
    )
    appeal_open = Q(appeal__status=Appeal.Status.OPEN)
    return (
        comments.select_related(
            "article__category", "author", "parent__author", "in_reply_to__author", "appeal"
        )
        .annotate(
            crisis=Exists(CrisisCase.objects.open().filter(comment=OuterRef("pk"))),
            severity=Coalesce(severity, hold_severity),
            # A trusted flagger's open report puts the item first within its severity
            # (DSA Art. 22).
            trusted=Exists(
                Report.objects.filter(
                    comment=OuterRef("pk"), resolution=OPEN, source=Report.Source.TRUSTED_FLAGGER
                )
            ),
            reporters=Count("reports__reporter", filter=open_q, distinct=True),
            open_reports=Count("reports", filter=open_q, distinct=True),
            waiting_since=Coalesce(
                Min("reports__created_at", filter=open_q),
                Case(When(appeal_open, then=F("appeal__created_at"))),
                "status_changed_at",
                "created_at",
            ),
        )
        .order_by("-crisis", "severity", "-trusted", "-reporters", "waiting_since", "pk")
    )


def highlight(text: str, needle: str) -> list[tuple[str, bool]]:
    """The text in pieces, (piece, is_match): the template marks matches with <mark>."""
    if not needle:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in re.finditer(re.escape(needle), text, re.IGNORECASE):
        pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    pieces.append((text[position:], False))
    return [piece for piece in pieces if piece[0]]


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(operation, text) with operation 'same', 'removed' or 'added', word by word."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(new[b1:b2])))
    return pieces


@dataclass
class MemberHistory:
    approved: int = 0
    removed: int = 0
    sanctions: list[Sanction] = field(default_factory=list)
    notes: list[MemberNote] = field(default_factory=list)
    # Their standing as a reporter (misuse.reporting_standing), on the item's own page.
    reporting: dict[str, Any] | None = None


@dataclass
class QueueItem:
    comment: Comment
    version: str
    reports: list[Report]
    history: MemberHistory
    actions: set[str]
    appeal: Appeal | None
    remover: str = ""
    may_decide_appeal: bool = True
    may_sanction_author: bool = False
    thread_url: str = ""
    # "/moderation/comments/<pk>/" and "/moderation/members/<author>/": the action forms
    # append their action, so a page reverses two URLs per item, not eight.
    action_base: str = ""
    member_base: str = ""
    diff: list[tuple[str, str]] = field(default_factory=list)
    highlighted: list[tuple[str, bool]] = field(default_factory=list)
    # The open crisis case, with the member's words that matched marked in their text.
    crisis: CrisisCase | None = None
    crisis_text: str = ""
    # False on the page of a comment that is not in the queue (nothing to decide).
    waiting: bool = True

    @property
    def toxicity_hold(self) -> float:
        return settings.FORUM_TOXICITY_HOLD

    @property
    def hold_label(self) -> str:
        return str(HOLD_REASONS.get(self.comment.hold_reason, ""))

    @property
    def open_reports(self) -> list[Report]:
        """Open reports, most severe reason first (then oldest): the first one heads the
        item, so a crisis report is never hidden behind an earlier "Off-topic"."""
        return sorted(
            (report for report in self.reports if report.resolution == OPEN),
            key=lambda report: (REASON_SEVERITY.get(report.reason, _LAST), report.created_at),
        )

    @property
    def is_crisis(self) -> bool:
        """An open crisis report: the item is marked urgent, with a note to reach out first
        (the same test as the queue's order, where crisis ranks first)."""
        return self.crisis is not None or any(
            report.reason == ReportReason.CRISIS for report in self.open_reports
        )

    @property
    def from_visitors(self) -> int:
        """Open reports that came from visitors' confirmed notices (DSA Art. 16): the
        queue marks the item "Notice from a visitor"."""
        return sum(1 for report in self.open_reports if report.source == Report.Source.VISITOR)

    @property
    def head_reason(self) -> str:
        reports = self.open_reports
        return reports[0].get_reason_display() if reports else ""

    @property
    def other_reasons(self) -> list[str]:
        """The other distinct open reasons, most severe first, listed under the heading."""
        labels: list[str] = []
        for report in self.open_reports[1:]:
            label = report.get_reason_display()
            if label != self.head_reason and label not in labels:
                labels.append(label)
        return labels

    @property
    def answers(self) -> Comment | None:
        """The comment this one answers: below the nesting cap a reply sits under its
        thread parent but answers `in_reply_to`."""
        return self.comment.in_reply_to or self.comment.parent


def _url_base(name: str, pk: int) -> str:
    """The URL of `name` for `pk` without its trailing action slug ("x/")."""
    return reverse(name, args=[pk, "x"])[: -len("x/")]


def queue_page(*, moderator, page_number, per_page: int | None = None, **filters) -> Page:
    """One page of queue items with everything the template shows, in a fixed number
    of queries however long the queue is."""
    # Sort and count on the ids alone: grouping whole rows (the comment, its article
    # with its body, authors) to order the queue made every page cost more the longer
    # the queue. Then one more query fetches the page's rows, in the same order.
    ordered = queue_comments(**filters).values_list("pk", flat=True)
    paginator = Paginator(ordered, per_page or settings.FORUM_QUEUE_PER_PAGE)
    # Counted on the filter alone: counting the ordered queryset worked out every waiting
    # comment's report sums (severity, reporters, wait) only to throw them away.
    paginator.count = waiting_comments(**filters).count()
    page = paginator.get_page(page_number)
    ids = list(page.object_list)
    rows = {comment.pk: comment for comment in queue_comments().filter(pk__in=ids)}
    page.object_list = queue_items([rows[pk] for pk in ids if pk in rows], moderator=moderator)
    return page


def queue_item(*, moderator, pk: int) -> QueueItem | None:
    """One comment as its own page shows it (with every action its state allows), or
    None when it does not exist."""
    items = queue_items(list(_in_queue_order(Comment.objects.filter(pk=pk))), moderator=moderator)
    if not items:
        return None
    item = items[0]
    # Any comment has a page, so a moderator can hide, remove or redact one nobody
    # reported (a phone number spotted while reading); it says when nothing waits.
    item.waiting = waiting_comments().filter(pk=pk).exists()
    # The item's own page also says how each reporter and the author stand as reporters
    # (warned, limited, trusted flagger): a few queries for one page, not for the queue.
    from forum.moderation.misuse import reporting_standing

    flaggers = {
        flagger.member_id: flagger
        for flagger in TrustedFlagger.objects.filter(
            member_id__in=[r.reporter_id for r in item.reports if r.reporter_id]
        )
    }
    for report in item.reports:
        if report.reporter is not None:
            report.standing = reporting_standing(report.reporter)  # type: ignore[attr-defined]
            report.flagger = flaggers.get(report.reporter.pk)  # type: ignore[attr-defined]
    if item.comment.author is not None:
        item.history.reporting = reporting_standing(item.comment.author)
    return item


def queue_items(comments: list[Any], *, moderator) -> list[QueueItem]:
    """The queue items of `comments`, in their order, in a fixed number of queries."""
    ids = [comment.pk for comment in comments]
    authors = {comment.author_id for comment in comments if comment.author_id}

    reports: dict[int, list[Report]] = defaultdict(list)
    # Visitors' reports show the notices they came from (names, numbers, explanations).
    for report in (
        Report.objects.filter(comment_id__in=ids)
        .select_related("reporter")
        .prefetch_related("notices")
    ):
        reports[report.comment_id].append(report)
    history: dict[int, MemberHistory] = defaultdict(MemberHistory)
    counts = (
        Comment.objects.filter(author_id__in=authors)
        .values("author_id")
        .annotate(
            approved=Count("pk", filter=Q(status=CommentStatus.PUBLISHED)),
            removed=Count("pk", filter=Q(status=CommentStatus.REMOVED)),
        )
        .order_by()
    )
    for row in counts:
        history[row["author_id"]].approved = row["approved"]
        history[row["author_id"]].removed = row["removed"]
    for sanction in Sanction.objects.active().filter(member_id__in=authors):
        history[sanction.member_id].sanctions.append(sanction)
    for note in MemberNote.objects.filter(member_id__in=authors).select_related("author"):
        history[note.member_id].notes.append(note)
    removers = {
        action.comment_id: action.moderator
        for action in ModerationAction.objects.filter(comment_id__in=ids, kind=Kind.REMOVE)
        .exclude(moderator=None)
        .select_related("moderator")
        .order_by("created_at", "pk")
    }
    crises = {
        case.comment_id: case
        for case in CrisisCase.objects.open()
        .filter(comment_id__in=ids)
        .select_related("claimed_by")
        .prefetch_related("emergency_contacts__moderator")
    }

    items = []
    for comment in comments:
        appeal = appeal_of(comment)
        remover = removers.get(comment.pk)
        snapshots = [r.snapshot for r in reports[comment.pk] if r.snapshot != comment.body_source]
        items.append(
            QueueItem(
                comment=comment,
                version=version_of(
                    status=comment.status,
                    changed=comment.status_changed_at,
                    edited=comment.edited_at,
                    open_reports=comment.open_reports,
                    appeal=appeal,
                ),
                reports=reports[comment.pk],
                history=history[comment.author_id],
                actions=allowed_actions(
                    status=comment.status, open_reports=comment.open_reports, appeal=appeal
                ),
                appeal=appeal,
                remover=remover.username if remover else "",
                may_decide_appeal=may_decide_appeal(
                    moderator=moderator, remover_id=remover.pk if remover else None
                ),
                may_sanction_author=comment.author_id not in {None, moderator.pk},
                thread_url=comment.get_absolute_url(),
                action_base=_url_base("forum:moderation-action", comment.pk),
                member_base=(
                    _url_base("forum:moderation-member", comment.author_id)
                    if comment.author_id
                    else ""
                ),
                diff=word_diff(snapshots[-1], comment.body_source) if snapshots else [],
                highlighted=highlight(comment.body_source, comment.matched_text),
                crisis=crises.get(comment.pk),
                crisis_text=highlight_span(comment.body_source, crises[comment.pk].matched_text)
                if comment.pk in crises
                else "",
            )
        )
    return items


def reason_label(reason: str) -> str:
    """A removal's reason as people read it; free-text reasons stay as they are."""
    return str(ReportReason(reason).label) if reason in ReportReason.values else reason


def moderation_log(
    *, moderator: str = "", member: str = "", article_id: int | None = None, kind: str = ""
) -> QuerySet:
    actions = ModerationAction.objects.select_related("moderator", "member", "comment__article")
    if moderator:
        actions = actions.filter(moderator__username__iexact=moderator)
    if member:
        actions = actions.filter(member__username__iexact=member)
    if article_id:
        actions = actions.filter(comment__article_id=article_id)
    if kind:
        actions = actions.filter(kind=kind)
    return actions
