"""The article page runs the same number of queries at 5 comments as at 2,000, for
anonymous readers (rendered, not cached) and members alike."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import Comment, CommentStatus
from forum.rendering import RENDERER_VERSION, render_comment
from tests.factories import UserFactory


def _add_comments(article, authors, count: int) -> None:
    """`count` published comments in threads of five (a root and four replies)."""
    html = render_comment("A comment with *emphasis* and [a link](https://example.org).")
    fields = {
        "article": article,
        "body_source": "A comment with *emphasis* and [a link](https://example.org).",
        "body_html": html,
        "renderer_version": RENDERER_VERSION,
        "status": CommentStatus.PUBLISHED,
    }
    roots = Comment.objects.bulk_create(
        Comment(author=authors[n % len(authors)], depth=0, **fields) for n in range(count // 5)
    )
    Comment.objects.bulk_create(
        Comment(
            author=authors[n % len(authors)],
            parent=roots[n % len(roots)],
            root=roots[n % len(roots)],
            depth=1,
            **fields,
        )
        for n in range(count - len(roots))
    )


def _queries(client, url) -> int:
    cache.clear()  # a rendered page, not the anonymous cache's copy
    client.get(url)  # warm: sessions, permissions, content types
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_query_count_does_not_grow_with_the_discussion(client, article, member, signed_in):
    authors = [UserFactory(username=f"author{n}") for n in range(5)]
    if signed_in:
        client.force_login(member)
    url = article.get_absolute_url()
    _add_comments(article, authors, 5)
    small = _queries(client, url)
    _add_comments(article, authors, 1995)
    assert article.comments.count() == 2000
    assert _queries(client, url) == small


def test_member_page_runs_a_small_fixed_number_of_queries(
    client, article, member, django_assert_max_num_queries
):
    _add_comments(article, [UserFactory(username="author")], 50)
    client.force_login(member)
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
