"""A signed-out reader's permalink is answered from the shared cache while the
discussion is unchanged, and follows every change that moves the comment (issue 20)."""

import pytest

from forum.services import delete_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.usefixtures("shared_cache")


def test_the_answer_is_kept_once_the_article_is_known(
    client, article, three_threads, django_assert_num_queries
):
    last = three_threads[2]
    expected = f"{article.get_absolute_url()}?page=2#comment-{last.pk}"
    assert client.get(last.get_absolute_url())["Location"] == expected  # learns the article
    assert client.get(last.get_absolute_url())["Location"] == expected  # keeps the answer
    with django_assert_num_queries(0):
        assert client.get(last.get_absolute_url())["Location"] == expected


def test_a_change_that_moves_the_thread_is_followed_at_once(
    client, article, three_threads, django_capture_on_commit_callbacks
):
    first, _, last = three_threads
    for _ in range(3):
        client.get(last.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        delete_comment(comment=first, author=first.author)
    # One thread fewer before it: the comment is on the first page now.
    assert client.get(last.get_absolute_url())["Location"] == (
        f"{article.get_absolute_url()}#comment-{last.pk}"
    )


def test_a_renamed_article_is_followed_at_once(
    client, article, three_threads, django_capture_on_commit_callbacks
):
    last = three_threads[2]
    for _ in range(3):
        client.get(last.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        article.slug = "magnesium-renamed"
        article.save()
    assert client.get(last.get_absolute_url())["Location"].startswith("/science/magnesium-renamed/")


def test_members_are_answered_from_the_database(client, member, article, django_assert_num_queries):
    pending = CommentFactory(article=article, author=member, status="pending")
    client.force_login(member)
    for _ in range(3):
        assert client.get(pending.get_absolute_url()).status_code == 302
    client.logout()
    # What the member saw is never what a signed-out reader is told.
    for _ in range(3):
        assert client.get(pending.get_absolute_url()).status_code == 404
