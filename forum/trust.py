"""What the discussion reads about trust: which reactions count, the "Most helpful"
order, and who carries a verified expert's badge. Reads only; the changes are
`forum.services.toggle_reaction` and forum/moderation/experts.py.

Everything here is a subquery on the comment rows the page already loads, so counts,
order and badges cost no query of their own.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from forum.models import (
    RANK_BLOCKING_REASONS,
    CommentStatus,
    ExpertCredential,
    Reaction,
    Report,
    Sanction,
)


def counted_reactions() -> QuerySet[Reaction]:
    """Reactions that count: from an active account with a verified email address, made
    once the account was FORUM_REACTION_MIN_ACCOUNT_HOURS old. Judged on the moment of
    the reaction, not on the clock now, so a count never changes without a change."""
    age = timedelta(hours=settings.FORUM_REACTION_MIN_ACCOUNT_HOURS)
    verified = EmailAddress.objects.filter(user=OuterRef("member_id"), verified=True)
    return Reaction.objects.filter(
        Exists(verified),
        member__is_active=True,
        created_at__gte=F("member__date_joined") + age,
    )


def _count_of(kind: str) -> Coalesce:
    counted = (
        counted_reactions()
        .filter(comment=OuterRef("pk"), kind=kind)
        .order_by()
        .values("comment")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def expert_profession(author: str = "author_id") -> Subquery:
    """The profession of the author's current verification ('' when none)."""
    current = ExpertCredential.objects.current().filter(member_id=OuterRef(author))
    return Subquery(current.values("profession")[:1])


def with_trust(comments: QuerySet) -> QuerySet:
    """Comments with `helpful_count`, `same_count` (counted reactions) and
    `expert_profession` (the author's current verification, or None)."""
    return comments.annotate(
        helpful_count=_count_of(Reaction.Kind.HELPFUL),
        same_count=_count_of(Reaction.Kind.SAME),
        expert_profession=expert_profession(),
    )


def may_rank_up() -> Q:
    """A comment its reactions may lift: published (not held, not hidden), no open
    misinformation, crisis or private-information report, author under no sanction."""
    blocking = Report.objects.filter(
        comment=OuterRef("pk"),
        resolution=Report.Resolution.OPEN,
        reason__in=RANK_BLOCKING_REASONS,
    )
    sanctioned = Sanction.objects.active().filter(member=OuterRef("author_id"))
    return Q(status=CommentStatus.PUBLISHED) & ~Q(Exists(blocking)) & ~Q(Exists(sanctioned))


def most_helpful_first(comments: QuerySet) -> QuerySet:
    """Ordered by counted "Helpful", then "Same for me", then oldest first; a comment
    that may not rank up sorts as though nobody had reacted to it."""
    helpful, same = _count_of(Reaction.Kind.HELPFUL), _count_of(Reaction.Kind.SAME)
    return comments.annotate(
        helpful_rank=Case(When(may_rank_up(), then=helpful), default=Value(0)),
        same_rank=Case(When(may_rank_up(), then=same), default=Value(0)),
    ).order_by("-helpful_rank", "-same_rank", "created_at", "pk")


def by_verified_expert() -> Q:
    """Comments whose author holds a current verification."""
    return Q(Exists(ExpertCredential.objects.current().filter(member_id=OuterRef("author_id"))))
