"""The benchmark's dataset: realistic comments, reports and held comments, made fast.

Everything comes from one seeded random.Random, so two runs build the same rows.
Rows go in with bulk_create, one pass per thread depth (a reply needs its parent's
primary key); body_html comes from forum.rendering.render_comment, rendered once per
distinct source and reused for the scaling articles.
"""

import datetime
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.models import Article
from forum.models import Comment, CommentKind, CommentStatus, Report, ReportReason, SourceType
from forum.pagecache.versions import bump_queue_version
from forum.rendering import RENDERER_VERSION, render_comment

SEED = 20261125
ARTICLE_SLUG = "magnesium-for-fibromyalgia"
MEMBER_PASSWORD = "bench-member-password-0"
MODERATORS_GROUP = "Moderators"


@dataclass(frozen=True)
class Sizes:
    comments: int = 2000
    threads: int = 400
    members: int = 300
    reports: int = 300
    held: int = 100
    article_scaling: tuple[int, ...] = (10, 100, 1000, 10000)
    queue_scaling: tuple[int, ...] = (10, 500, 5000)
    # Published comments the search scenario searches (issue 15: < 50 ms at 100,000).
    search_comments: int = 100_000


FULL = Sizes()
QUICK = Sizes(article_scaling=(10, 100, 1000), queue_scaling=(10, 500), search_comments=20_000)
TINY = Sizes(
    comments=60, threads=12, members=20, reports=10, held=5,
    article_scaling=(10, 50), queue_scaling=(10, 50), search_comments=300,
)  # fmt: skip


@dataclass
class Dataset:
    article: Article
    members: list = field(default_factory=list)
    moderator: object = None
    comments: list[Comment] = field(default_factory=list)
    # Published comments nobody has reported yet, by members the harness does not sign
    # in: targets for the report scenario.
    unreported: list[Comment] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (markdown, html)
    seconds: float = 0.0


# --- Text ---------------------------------------------------------------------
_WORDS = """
magnesium fibromyalgia pain sleep dose study trial placebo muscle fatigue evidence doctor
supplement citrate glycinate oxide weeks months symptoms improved tender points serum levels
deficiency absorption side effects diarrhea research small sample review meta-analysis cohort
randomized blinded control group results mixed careful honest experience helped noticed
nothing changed worse better morning night cramps stiffness
""".split()  # noqa: SIM905
_DOMAINS = ("pubmed.ncbi.nlm.nih.gov", "doi.org", "www.ncbi.nlm.nih.gov/pmc", "example.org")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
    if rng.random() < 0.25:
        words[rng.randrange(len(words))] = f"*{rng.choice(_WORDS)}*"
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] = f"**{rng.choice(_WORDS)}**"
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))


def _link(rng: random.Random) -> str:
    url = f"https://{rng.choice(_DOMAINS)}/{rng.randint(10_000_000, 39_999_999)}/"
    return f"[{rng.choice(_WORDS)} {rng.choice(_WORDS)}]({url})" if rng.random() < 0.7 else url


def _block(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        return f"{text} See {_link(rng)}." if rng.random() < 0.4 else text
    if roll < 0.6:
        marker = rng.choice(("-", "*", "1."))
        return "\n".join(f"{marker} {_sentence(rng)}" for _ in range(rng.randint(2, 5)))
    if roll < 0.75:
        return "> " + _sentence(rng) + (" " + _sentence(rng) if rng.random() < 0.5 else "")
    if roll < 0.85:
        return f"I took `{rng.randint(100, 600)} mg` of magnesium {rng.choice(_WORDS)} daily."
    if roll < 0.92:
        return "```\n" + "\n".join(
            f"week {n}: pain {rng.randint(2, 9)}/10, sleep {rng.randint(3, 9)} h"
            for n in range(1, rng.randint(3, 7))
        ) + "\n```"  # fmt: skip
    return f"Source: {_link(rng)}"


def comment_markdown(rng: random.Random) -> str:
    """One comment: 50 to 1,500 characters, mostly short, of mixed Markdown."""
    target = min(1500, max(50, int(rng.lognormvariate(5.6, 0.7))))
    blocks: list[str] = []
    while sum(len(b) + 2 for b in blocks) < target:
        blocks.append(_block(rng))
    text = "\n\n".join(blocks)
    if len(text) > 1500:
        text = text[:1500].rsplit(" ", 1)[0]
    return text if len(text) >= 50 else f"{text} {_sentence(rng)} {_sentence(rng)}"


def _source_fields(rng: random.Random) -> dict:
    roll = rng.random()
    if roll < 0.6:
        return {"source_type": "", "source": ""}
    if roll < 0.75:
        return {
            "source_type": SourceType.DOI,
            "source": f"10.{rng.randint(1000, 9999)}/x{rng.randint(1, 99999)}",
        }
    if roll < 0.9:
        return {
            "source_type": SourceType.PUBMED,
            "source": str(rng.randint(10_000_000, 39_999_999)),
        }
    return {
        "source_type": SourceType.URL,
        "source": f"https://example.org/study/{rng.randint(1, 9999)}",
    }


# --- Rows ---------------------------------------------------------------------
@contextmanager
def explicit_created_at() -> Iterator[None]:
    """Let bulk_create keep our created_at instead of stamping every row with now()."""
    created = Comment._meta.get_field("created_at")
    created.auto_now_add = False
    try:
        yield
    finally:
        created.auto_now_add = True


def create_members(count: int, *, prefix: str = "member") -> list:
    user_model = get_user_model()
    password = make_password(MEMBER_PASSWORD)
    users = user_model.objects.bulk_create(
        user_model(
            username=f"{prefix}{n:04d}", email=f"{prefix}{n:04d}@bench.example", password=password
        )
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    return users


def create_moderator():
    """A moderator in the Moderators group, with forum.moderate and a TOTP authenticator."""
    moderator = create_members(1, prefix="moderator")[0]
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(codename="moderate", content_type__app_label="forum")
    )
    moderator.groups.add(group)
    Authenticator.objects.create(
        user=moderator,
        type=Authenticator.Type.TOTP,
        data={"secret": encrypt(generate_totp_secret())},
    )
    return moderator


def create_comments(
    *,
    article: Article,
    count: int,
    threads: int,
    members: list,
    rng: random.Random,
    sources: list[tuple[str, str]] | None = None,
) -> list[Comment]:
    """`count` published comments in `threads` threads, replies nested up to depth 2.

    With `sources`, bodies are drawn from those (markdown, html) pairs instead of
    generated and rendered, which keeps the 10,000-comment article quick to build.
    """
    threads = max(1, min(threads, count))
    start = timezone.now() - datetime.timedelta(days=60)
    step = datetime.timedelta(days=59) / max(count, 1)
    clock = iter(start + step * n for n in range(count))

    def body() -> dict:
        if sources:
            markdown, html = rng.choice(sources)
        else:
            markdown = comment_markdown(rng)
            html = render_comment(markdown)
        return {"body_source": markdown, "body_html": html, "renderer_version": RENDERER_VERSION}

    def new(**fields) -> Comment:
        return Comment(
            article=article,
            author=rng.choice(members),
            kind=rng.choice(("", "", *CommentKind.values)),
            status=CommentStatus.PUBLISHED,
            created_at=next(clock),
            **_source_fields(rng),
            **body(),
            **fields,
        )

    replies = count - threads
    depth1_count = (replies + 1) // 2
    with explicit_created_at():
        tops = Comment.objects.bulk_create(new(depth=0) for _ in range(threads))
        depth1 = Comment.objects.bulk_create(
            new(parent=top, root=top, depth=1)
            for top in (rng.choice(tops) for _ in range(depth1_count))
        )
        depth2 = Comment.objects.bulk_create(
            new(parent=parent, root=parent.root, depth=2)
            for parent in (rng.choice(depth1) for _ in range(replies - depth1_count))
        ) if depth1 else []  # fmt: skip
    return [*tops, *depth1, *depth2]


def create_reports(
    *, comments: list[Comment], count: int, members: list, rng: random.Random
) -> set[int]:
    """`count` open reports over some comments, each comment's reporters distinct."""
    reported = rng.sample(comments, k=min(len(comments), max(1, count * 2 // 3)))
    reports: list[Report] = []
    seen: set[tuple[int, int]] = set()
    while len(reports) < count:
        comment = rng.choice(reported)
        reporter = rng.choice(members)
        if reporter.pk == comment.author_id or (comment.pk, reporter.pk) in seen:
            continue
        seen.add((comment.pk, reporter.pk))
        reports.append(
            Report(
                comment=comment,
                reporter=reporter,
                reason=rng.choice(ReportReason.values),
                note=_sentence(rng) if rng.random() < 0.4 else "",
                snapshot=comment.body_source,
            )
        )
    Report.objects.bulk_create(reports)
    return {comment.pk for comment in reported}


def create_held(
    *, article: Article, count: int, members: list, rng: random.Random, sources
) -> list[Comment]:
    """Comments held for review (pending), top-level, as the watched-word filter holds them."""
    now = timezone.now()
    with explicit_created_at():
        return Comment.objects.bulk_create(
            Comment(
                article=article,
                author=rng.choice(members),
                body_source=(pair := rng.choice(sources))[0],
                body_html=pair[1],
                renderer_version=RENDERER_VERSION,
                status=CommentStatus.PENDING,
                hold_reason=rng.choice(("watched_word", "new_member", "link_count")),
                matched_rule="cure" if rng.random() < 0.5 else "",
                created_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(count)
        )


SIGNED_IN_MEMBERS = 50  # at most; half the members in a small dataset


def signed_in_members(members: list) -> list:
    """The members the harness signs in (tests/benchmarks/run.py); the others' comments
    are what they report."""
    return members[: min(SIGNED_IN_MEMBERS, len(members) // 2)]


def give_published_comments(members: list, comments: list[Comment]) -> None:
    """Each signed-in member gets a published comment (taken over from a member who is
    not signed in), so screening publishes their posts at once as it does for regulars
    (FORUM_PREMODERATE_UNTIL_APPROVED) instead of holding them as a newcomer's."""
    authors = {comment.author_id for comment in comments}
    signed_in = {member.pk for member in members}
    spare = (comment for comment in reversed(comments) if comment.author_id not in signed_in)
    for member in members:
        if member.pk in authors:
            continue
        comment = next(spare, None)
        if comment is None:
            return
        Comment.objects.filter(pk=comment.pk).update(author=member)
        comment.author = member
        authors.add(member.pk)


def build(sizes: Sizes, *, seed: int = SEED) -> Dataset:
    """The main dataset on the customer's article (which load_content already created)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    article = Article.objects.get(slug=ARTICLE_SLUG)
    members = create_members(sizes.members)
    moderator = create_moderator()
    comments = create_comments(
        article=article, count=sizes.comments, threads=sizes.threads, members=members, rng=rng
    )
    signed_in = {member.pk for member in signed_in_members(members)}
    give_published_comments(signed_in_members(members), comments)
    sources = [(c.body_source, c.body_html) for c in comments]
    reported = create_reports(comments=comments, count=sizes.reports, members=members, rng=rng)
    create_held(article=article, count=sizes.held, members=members, rng=rng, sources=sources)
    return Dataset(
        article=article,
        members=members,
        moderator=moderator,
        comments=comments,
        unreported=[c for c in comments if c.pk not in reported and c.author_id not in signed_in],
        sources=sources,
        seconds=time.perf_counter() - started,
    )


def scaling_article(
    *, template: Article, comments: int, dataset: Dataset, seed: int = SEED
) -> Article:
    """A copy of the customer's article carrying exactly `comments` published comments."""
    article = Article.objects.get(pk=template.pk)
    article.pk = None
    article.slug = f"bench-scale-{comments}"
    article.title = f"{template.title} ({comments} comments)"
    article.save()
    create_comments(
        article=article,
        count=comments,
        threads=max(1, comments // 5),
        members=dataset.members,
        rng=random.Random(seed + comments),
        sources=dataset.sources,
    )
    return article


def search_corpus(*, template: Article, comments: int, dataset: Dataset, seed: int = SEED) -> int:
    """Comments for the search scenario: a copy of the article carrying `comments` more
    (bodies drawn from the dataset's, so every common word matches tens of thousands),
    then the whole search index rebuilt (bulk_create passes no change hooks) and the
    table vacuumed and analysed, as autovacuum would after such a load."""
    from django.db import connection

    from forum import search

    article = Article.objects.get(pk=template.pk)
    article.pk = None
    article.slug = "bench-search"
    article.title = f"{template.title} (search)"
    article.save()
    rng = random.Random(seed - 1)
    made = 0
    while made < comments:  # in batches: 100,000 Comment objects at once weigh ~1 GB
        batch = min(10_000, comments - made)
        create_comments(
            article=article,
            count=batch,
            threads=max(1, batch // 5),
            members=dataset.members,
            rng=rng,
            sources=dataset.sources,
        )
        made += batch
    search.rebuild()
    if connection.vendor == "postgresql":
        # Rebuilding rewrote every row: what autovacuum does after such a load (dead rows
        # gone, the GIN index's pending list merged, fresh statistics), done at once.
        # VACUUM cannot run in a transaction (a test's): ANALYZE alone there.
        vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{vacuum} forum_comment")
            cursor.execute("ANALYZE articles_article")
    return made


def fill_queue(*, items: int, article: Article, dataset: Dataset, seed: int = SEED) -> None:
    """Make the moderation queue hold exactly `items` items: half held comments, half
    published comments with one open report each. Everything already waiting is
    resolved first, so the count is exact; call with growing sizes."""
    rng = random.Random(seed + items)
    Report.objects.filter(resolution=Report.Resolution.OPEN).update(
        resolution=Report.Resolution.DISMISSED, resolved_at=timezone.now()
    )
    Comment.objects.filter(status=CommentStatus.PENDING).update(status=CommentStatus.PUBLISHED)
    held = items // 2
    create_held(
        article=article, count=held, members=dataset.members, rng=rng, sources=dataset.sources
    )
    targets = create_comments(
        article=article,
        count=items - held,
        threads=items - held,
        members=dataset.members,
        rng=rng,
        sources=dataset.sources,
    )
    Report.objects.bulk_create(
        Report(
            comment=comment,
            reporter=next(m for m in dataset.members if m.pk != comment.author_id),
            reason=rng.choice(ReportReason.values),
            snapshot=comment.body_source,
        )
        for comment in targets
    )
    # Written directly, not through the services: say so, as they would, or the next
    # size would be served the last size's cached listing.
    bump_queue_version()
