"""Full-text search over articles and comments, and the one place that keeps its index.

On PostgreSQL each row keeps a `tsvector` in a `search_vector` column with a GIN
index (articles: title and headline weigh most, then the summary, then the body);
queries go through `websearch_to_tsquery`, are ranked with `ts_rank` and snippets come
from `ts_headline`. On SQLite (`make run`) FTS5 tables hold the same text
(`forum_comment_fts`, `articles_article_fts`, the row's id as their rowid), ranked by
bm25 with FTS5's `snippet()`. Migration forum 0005 makes both; only PostgreSQL's or
SQLite's half runs.

The index is written here and nowhere else: forum/pagecache/invalidation.py calls
`comments_changed` / `articles_changed` from the same hooks the caches hear (after the
commit, so it reads what was committed), and `manage.py rebuild_search` calls
`rebuild()`. Matched words come back between private-use markers; only
forum/rendering.py turns them into HTML (`search_snippet`).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchRank,
    SearchVectorField,
)
from django.contrib.postgres.search import (
    SearchQuery as PgQuery,
)
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from forum.rendering import (
    SNIPPET_FRAGMENTS,
    SNIPPET_MARK_END,
    SNIPPET_MARK_START,
    search_snippet,
)
from forum.search.query import SearchQuery, fts5_expression, parse_query

__all__ = [
    "MAX_RANKED",
    "ModeratorFilters",
    "PublicFilters",
    "SearchQuery",
    "articles_changed",
    "comment_results",
    "comments_changed",
    "moderator_comments",
    "moderator_filters",
    "moderator_scope",
    "parse_query",
    "public_comments",
    "public_filters",
    "ranked_ids",
    "rebuild",
    "results_page",
    "search_articles",
    "search_comments",
    "snippets",
]

CONFIG = "english"
_MARKERS = SNIPPET_MARK_START + SNIPPET_MARK_END + SNIPPET_FRAGMENTS

# --- PostgreSQL -------------------------------------------------------------------------

_COMMENT_VECTOR = "to_tsvector('english', coalesce(body_source, ''))"
_ARTICLE_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(headline, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'C')"
)

# --- SQLite -----------------------------------------------------------------------------

# The text indexed (and cut into snippets) never carries a marker: a member's own are
# taken out first, so only the engine's marks matches.
_SQLITE_BODY = "replace(replace(replace(body_source, %s, ''), %s, ''), %s, '')"
_SQLITE_BODY_PARAMS = list(_MARKERS)


def _postgresql(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def comments_changed(ids: Iterable[int]) -> None:
    """Index these comments' current text (a new comment, an edit, a cleared text)."""
    with connection.cursor() as cursor:
        for batch in _chunks(ids):
            marks = ", ".join(["%s"] * len(batch))
            if _postgresql():
                cursor.execute(
                    f"UPDATE forum_comment SET search_vector = {_COMMENT_VECTOR} "  # noqa: S608
                    f"WHERE id IN ({marks})",
                    batch,
                )
                continue
            cursor.execute(f"DELETE FROM forum_comment_fts WHERE rowid IN ({marks})", batch)  # noqa: S608
            cursor.execute(
                "INSERT INTO forum_comment_fts (rowid, body) "  # noqa: S608
                f"SELECT id, {_SQLITE_BODY} FROM forum_comment WHERE id IN ({marks})",
                [*_SQLITE_BODY_PARAMS, *batch],
            )


def articles_changed(ids: Iterable[int]) -> None:
    """Index these articles' current text (deleted ones leave the index)."""
    with connection.cursor() as cursor:
        for batch in _chunks(ids):
            marks = ", ".join(["%s"] * len(batch))
            if _postgresql():
                cursor.execute(
                    f"UPDATE articles_article SET search_vector = {_ARTICLE_VECTOR} "  # noqa: S608
                    f"WHERE id IN ({marks})",
                    batch,
                )
                continue
            cursor.execute(f"DELETE FROM articles_article_fts WHERE rowid IN ({marks})", batch)  # noqa: S608
            cursor.execute(
                "INSERT INTO articles_article_fts (rowid, title, headline, summary, body) "  # noqa: S608
                "SELECT id, title, headline, summary, body FROM articles_article "
                f"WHERE id IN ({marks})",
                batch,
            )


def rebuild(using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """The whole index again from the rows (`manage.py rebuild_search`): (articles, comments)."""
    with connections[using].cursor() as cursor:
        if _postgresql(using):
            cursor.execute(f"UPDATE articles_article SET search_vector = {_ARTICLE_VECTOR}")  # noqa: S608
            articles = cursor.rowcount
            cursor.execute(f"UPDATE forum_comment SET search_vector = {_COMMENT_VECTOR}")  # noqa: S608
            return articles, cursor.rowcount
        cursor.execute("DELETE FROM articles_article_fts")
        cursor.execute(
            "INSERT INTO articles_article_fts (rowid, title, headline, summary, body) "
            "SELECT id, title, headline, summary, body FROM articles_article"
        )
        articles = cursor.rowcount
        cursor.execute("DELETE FROM forum_comment_fts")
        cursor.execute(
            f"INSERT INTO forum_comment_fts (rowid, body) SELECT id, {_SQLITE_BODY} "  # noqa: S608
            "FROM forum_comment",
            _SQLITE_BODY_PARAMS,
        )
        return articles, cursor.rowcount


# --- Queries ----------------------------------------------------------------------------


def _pg_query(query: SearchQuery) -> PgQuery:
    return PgQuery(query.text, search_type="websearch", config=CONFIG)


def _vector(table: str) -> RawSQL:
    return RawSQL(  # noqa: S611 - a fixed column name, no input
        f'"{table}"."search_vector"', [], output_field=SearchVectorField()
    )


def _matching(queryset: QuerySet, query: SearchQuery, *, table: str, fts: str) -> QuerySet:
    """The rows of `queryset` matching, in no order (a query with a word to look for)."""
    if _postgresql():
        return queryset.annotate(search_vector=_vector(table)).filter(
            search_vector=_pg_query(query)
        )
    # The expression goes in as a parameter; only fixed table names are formatted in.
    matches = RawSQL(  # noqa: S611
        f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s",  # noqa: S608
        [fts5_expression(query)],
    )
    return queryset.filter(pk__in=matches)


def _ranked(queryset: QuerySet, query: SearchQuery, *, table: str, fts: str) -> QuerySet:
    if not query.searchable:
        return queryset.none()
    matching = _matching(queryset, query, table=table, fts=fts)
    if _postgresql():
        pg_rank = SearchRank(F("search_vector"), _pg_query(query))
        return matching.annotate(rank=pg_rank).order_by("-rank", "-pk")
    # bm25: lower is better; asked only of rows that matched.
    rank = RawSQL(  # noqa: S611
        f"(SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH %s AND rowid = {table}.id)",  # noqa: S608
        [fts5_expression(query)],
    )
    return matching.annotate(rank=rank).order_by("-rank", "-pk")


def search_articles(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """The articles of `queryset` matching, best first (each with `rank`)."""
    return _ranked(queryset, query, table="articles_article", fts="articles_article_fts")


def search_comments(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """The comments of `queryset` matching, best first (each with `rank`): the caller
    decides which comments may be found (published ones, or all for moderators)."""
    return _ranked(queryset, query, table="forum_comment", fts="forum_comment_fts")


# At most this many matching comments are ranked and paged through. Ranking (ts_rank
# reads each match's whole tsvector) and counting every match of a common word cost
# 0.2-0.8 s at 100,000 comments; past this many a reader narrows the search instead
# (the page says "more than 1,000").
MAX_RANKED = 1000


def ranked_ids(queryset: QuerySet, query: SearchQuery) -> tuple[list[int], bool]:
    """The ids of `queryset`'s matching comments, best first, at most MAX_RANKED, and
    whether more matched. The candidates are the newest matches (on PostgreSQL found
    through the GIN index, or for a word in most comments by walking the id index
    backwards, and stopped at the cap); only they are ranked. The same on SQLite."""
    if not query.searchable:
        return [], False
    from forum.models import Comment

    newest = list(
        _matching(queryset, query, table="forum_comment", fts="forum_comment_fts")
        .order_by("-pk")
        .values_list("pk", flat=True)[: MAX_RANKED + 1]
    )
    candidates = newest[:MAX_RANKED]
    if not candidates:
        return [], False
    best = search_comments(Comment.objects.filter(_among(candidates)), query)
    return list(best.values_list("pk", flat=True)), len(newest) > MAX_RANKED


def _among(ids: list[int]) -> Q:
    """`pk IN ids`; on PostgreSQL as one array parameter (`= ANY`): a thousand separate
    parameters cost more to send than the ranking costs to run."""
    if _postgresql():
        # A fixed column name; the ids go as one parameter, bound by the driver.
        among = RawSQL('"forum_comment"."id" = ANY(%s)', [ids], output_field=BooleanField())
        return Q(among)
    return Q(pk__in=ids)


def results_page(queryset: QuerySet, query: SearchQuery, number: Any, *, per_page: int) -> Page:
    """One page of found comments, best first (`queryset` says which may be found, and
    what to load with them): a Page of Comment rows, with `more` when over MAX_RANKED
    matched. Three narrow queries whatever the number of matches."""
    ids, more = ranked_ids(queryset, query)
    page = Paginator(ids, per_page).get_page(number)
    wanted = list(page.object_list)
    rows = {comment.pk: comment for comment in queryset.filter(pk__in=wanted)} if wanted else {}
    page.object_list = [rows[pk] for pk in wanted if pk in rows]
    page.more = more  # type: ignore[attr-defined]
    return page


def snippets(ids: list[int], query: SearchQuery) -> dict[int, str]:
    """For these comments (one page of results), a few words around each match with the
    matched words between markers (forum.rendering.search_snippet makes them HTML)."""
    if not ids or not query.searchable:
        return {}
    if _postgresql():
        from forum.models import Comment

        # The text itself never carries a marker: a member's own are taken out first.
        text = Func(F("body_source"), Value(_MARKERS), Value(""), function="translate")
        headline = SearchHeadline(
            text,
            _pg_query(query),
            config=CONFIG,
            start_sel=SNIPPET_MARK_START,
            stop_sel=SNIPPET_MARK_END,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=SNIPPET_FRAGMENTS,
        )
        rows = Comment.objects.filter(pk__in=ids).annotate(snippet=headline)
        return dict(rows.values_list("pk", "snippet"))
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, snippet(forum_comment_fts, 0, %s, %s, %s, 24) FROM forum_comment_fts "  # noqa: S608
            f"WHERE forum_comment_fts MATCH %s AND rowid IN ({marks})",
            [SNIPPET_MARK_START, SNIPPET_MARK_END, SNIPPET_FRAGMENTS, fts5_expression(query), *ids],
        )
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class PublicFilters:
    article: Any = None  # an Article, or None for every article
    kind: str = ""


def public_filters(params: Mapping[str, str]) -> PublicFilters:
    """The search page's filters from its query string; unknown values mean "any"."""
    from articles.models import Article
    from forum.models import CommentKind

    slug = params.get("article", "")[:120]
    article = Article.objects.published().filter(slug=slug).first() if slug else None
    kind = params.get("type", "")
    return PublicFilters(article=article, kind=kind if kind in CommentKind.values else "")


def public_comments(filters: PublicFilters) -> QuerySet:
    """The comments anyone may find: published, under a published article."""
    from articles.models import Article
    from forum.models import Comment

    # The published articles' ids as values, not a join: the planner then reads the
    # comments' own statistics for them. Joined, it trusted the few-row articles table's
    # (rarely re-analysed) estimate and sorted every match of a common word (0.7 s).
    published = list(Article.objects.published().values_list("pk", flat=True))
    comments = Comment.objects.published().filter(article_id__in=published)
    if filters.article is not None:
        comments = comments.filter(article=filters.article)
    if filters.kind:
        comments = comments.filter(kind=filters.kind)
    return comments


@dataclass(frozen=True)
class CommentResult:
    comment: Any
    snippet: str  # HTML from forum.rendering.search_snippet


def comment_results(comments: list, query: SearchQuery) -> list[CommentResult]:
    """One page of found comments with their snippets (one more query for the page)."""
    found = snippets([comment.pk for comment in comments], query)
    return [
        CommentResult(
            comment=comment,
            snippet=search_snippet(found.get(comment.pk) or _opening(comment.body_source)),
        )
        for comment in comments
    ]


def _opening(text: str, words: int = 30) -> str:
    """The first words, where the engine found no fragment to show."""
    cleaned = text.translate(dict.fromkeys(map(ord, _MARKERS)))
    parts = cleaned.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


@dataclass(frozen=True)
class ModeratorFilters:
    member: str = ""
    status: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def moderator_filters(params: Mapping[str, str]) -> ModeratorFilters:
    """The moderators' comment search filters; values that do not parse mean "any"."""
    from forum.models import CommentStatus

    def day(name: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(params.get(name, "")[:10])
        except ValueError:
            return None

    status = params.get("status", "")
    return ModeratorFilters(
        member=" ".join(params.get("member", "").split())[:150],
        status=status if status in CommentStatus.values else "",
        since=day("since"),
        until=day("until"),
    )


def moderator_comments(filters: ModeratorFilters, query: SearchQuery) -> QuerySet:
    """Every comment, whatever its status, by text, member, status and day; newest first
    without words to rank by. Nothing asked for: nothing listed."""
    comments = moderator_scope(filters)
    if query.terms:
        return search_comments(comments, query)
    if filters == ModeratorFilters():
        return comments.none()
    return comments.order_by("-created_at", "-pk")


def moderator_scope(filters: ModeratorFilters) -> QuerySet:
    """The comments the moderators' filters allow, in no order (words rank them)."""
    from forum.models import Comment

    comments = Comment.objects.all()
    if filters.member:
        comments = comments.filter(author__username__iexact=filters.member)
    if filters.status:
        comments = comments.filter(status=filters.status)
    if filters.since:
        comments = comments.filter(created_at__date__gte=filters.since)
    if filters.until:
        comments = comments.filter(created_at__date__lte=filters.until)
    return comments
