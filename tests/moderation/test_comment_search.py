"""The moderators' search of every comment: any status, by text, member, status, day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from forum import search
from forum.models import Comment, CommentStatus
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("forum:moderation-search")


def _found(response) -> set:
    return {result.comment for result in response.context["results"]}


@pytest.fixture
def comments(article, author):
    other = UserFactory(username="other_member")
    made = {
        status: CommentFactory(
            article=article, author=author, body_source=f"Creatine story, {status}", status=status
        )
        for status in CommentStatus.values
    }
    made["other"] = CommentFactory(article=article, author=other, body_source="Creatine too")
    search.rebuild()
    return made


def test_members_and_anonymous_readers_cannot_search_everything(client, author, comments):
    assert client.get(URL, {"q": "creatine"}).status_code == 302  # to sign in
    client.force_login(author)
    assert client.get(URL, {"q": "creatine"}).status_code == 403


def test_finds_comments_of_every_status(mod_client, comments):
    response = mod_client.get(URL, {"q": "creatine"})
    assert response.status_code == 200
    assert _found(response) == set(comments.values())
    assert "Removed by a moderator" in response.content.decode()


def test_filters_by_member_status_and_day(mod_client, comments, author):
    response = mod_client.get(URL, {"q": "creatine", "member": author.username.upper()})
    assert comments["other"] not in _found(response)
    response = mod_client.get(URL, {"status": CommentStatus.HIDDEN})
    assert _found(response) == {comments[CommentStatus.HIDDEN]}
    old = comments[CommentStatus.DELETED]
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    since = (timezone.now() - datetime.timedelta(days=7)).date().isoformat()
    assert old not in _found(mod_client.get(URL, {"member": author.username, "since": since}))
    until = (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    assert _found(mod_client.get(URL, {"until": until})) == {old}


def test_nothing_asked_lists_nothing_and_bad_values_mean_any(mod_client, comments):
    response = mod_client.get(URL)
    assert response.status_code == 200
    assert _found(response) == set()
    response = mod_client.get(URL, {"q": "creatine", "status": "nope", "since": "2024-99-99"})
    assert len(_found(response)) == len(comments)


def test_bad_queries_answer_calmly(mod_client, comments):
    for text in ["the of", '"unclosed', "x" * 1000, "NOT"]:
        assert mod_client.get(URL, {"q": text}).status_code == 200
