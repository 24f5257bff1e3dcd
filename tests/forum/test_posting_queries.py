"""Posting a comment runs a short, fixed list of queries (issue 20: 23 on the benchmark's
database cache before; the README's "What posting costs" names each one left)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import Comment, CommentStatus, CrisisPhrase, WatchedWord
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

BODY = "Magnesium helped my sleep after two weeks, and the pain eased a little."


def _post(client, article, body=BODY):
    return client.post(
        f"{article.get_absolute_url()}comments/",
        {"body": body, "kind": "experience", "source": "", "form_token": str(uuid.uuid4())},
    )


def _sql(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def test_a_regulars_post_runs_the_fixed_queries_only(client, article, member):
    CommentFactory(article=article, author=member)  # published before: not held as new
    client.force_login(member)
    assert _post(client, article).status_code == 302  # loads the screening lists
    with CaptureQueriesContext(connection) as captured:
        response = _post(client, article, body=BODY + " Again.")
    assert response.status_code == 302
    assert Comment.objects.filter(author=member, status=CommentStatus.PUBLISHED).count() == 3
    sql = _sql(captured)
    # The member with their standing, the article, the member's row lock, the form
    # token, their last decided comments, the posting window, the insert; transaction
    # statements aside. (The session and the list version are cache reads, in memory
    # here; the version bump and the search index run on commit, which this test's
    # transaction never reaches: tests/benchmarks counts them all, 17 on SQLite.)
    work = [q for q in sql if q not in ("BEGIN", "COMMIT") and "SAVEPOINT" not in q]
    assert len(work) == 7, "\n".join(work)
    # One savepoint: the service's own transaction, nested in the test's (no second one
    # around the insert: the member's row lock keeps the same form from being stored twice).
    assert sum(q.startswith("SAVEPOINT") for q in sql) == 1
    assert not [q for q in sql if "forum_watchedword" in q or "forum_crisisphrase" in q]
    assert not [q for q in sql if "forum_crisiscase" in q]  # no crisis words: no case
    assert sum("COUNT(" in q for q in sql) == 0  # the regular's standing: from 5 rows


def test_a_new_watched_word_or_crisis_phrase_applies_to_the_next_post(client, article, member):
    CommentFactory(article=article, author=member)
    client.force_login(member)
    assert _post(client, article).status_code == 302  # the lists are in memory now
    WatchedWord.objects.create(pattern="pain eased", action=WatchedWord.Action.HOLD)
    _post(client, article, body=BODY + " Second.")
    assert Comment.objects.get(body_source=BODY + " Second.").status == CommentStatus.PENDING
    CrisisPhrase.objects.create(pattern="slept badly again", kind=CrisisPhrase.Kind.CRISIS)
    _post(client, article, body="I slept badly again and cannot go on.")
    assert Comment.objects.get(body_source__startswith="I slept badly").crisis_cases.exists()
