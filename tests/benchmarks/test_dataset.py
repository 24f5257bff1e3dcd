"""The benchmark's dataset and sessions are what the real site would hold."""

import random

import pytest
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from forum.models import Comment, CommentStatus, Report
from forum.rendering import render_comment
from tests.benchmarks import dataset as data
from tests.benchmarks.sessions import sign_in


@pytest.fixture
def built(db):
    call_command("load_content", verbosity=0)
    return data.build(data.TINY)


def test_threads_are_consistent_and_capped(built):
    comments = Comment.objects.filter(article=built.article, status=CommentStatus.PUBLISHED)
    assert comments.count() == data.TINY.comments
    assert comments.filter(depth=0).count() == data.TINY.threads
    for comment in comments.select_related("parent"):
        if comment.depth == 0:
            assert comment.parent_id is None
            assert comment.root_id is None
        else:
            assert comment.parent.depth == comment.depth - 1
            assert comment.root_id == (comment.parent.root_id or comment.parent_id)
    assert comments.filter(depth=2).exists()


def test_bodies_are_rendered_markdown_of_realistic_length(built):
    for comment in Comment.objects.filter(article=built.article)[:30]:
        assert 50 <= len(comment.body_source) <= 1500
        assert comment.body_html == render_comment(comment.body_source)


def test_reports_and_held_comments(built):
    reports = Report.objects.filter(resolution=Report.Resolution.OPEN)
    assert reports.count() == data.TINY.reports
    pairs = list(reports.values_list("comment", "reporter"))
    assert len(pairs) == len(set(pairs))
    assert all(report.snapshot == report.comment.body_source for report in reports)
    assert not reports.filter(reporter=F("comment__author")).exists()
    held = Comment.objects.filter(status=CommentStatus.PENDING)
    assert held.count() == data.TINY.held


def test_members_are_verified_and_the_moderator_can_moderate(built):
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == (
        data.TINY.members + 1
    )
    assert built.moderator.has_perm("forum.moderate")
    assert built.moderator.groups.filter(name=data.MODERATORS_GROUP).exists()


def test_same_seed_same_text():
    first = [data.comment_markdown(rng) for rng in [random.Random(data.SEED)] for _ in range(50)]
    again = [data.comment_markdown(rng) for rng in [random.Random(data.SEED)] for _ in range(50)]
    assert first == again
    assert any("](https://" in text for text in first)
    assert any(text.startswith("> ") or "\n\n> " in text for text in first)
    assert any("```" in text or "`" in text for text in first)


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_sessions_sign_in_with_allauth_records(built, who):
    user = built.moderator if who == "moderator" else built.members[0]
    session = sign_in(user)
    client = Client()
    client.cookies["sessionid"] = session.session_key
    request = client.get("/").wsgi_request

    assert request.user == user
    methods = [record["method"] for record in get_authentication_records(request, user)]
    assert methods == (["password", "mfa"] if who == "moderator" else ["password"])


def test_queue_fills_to_exact_sizes(built):
    article = data.scaling_article(template=built.article, comments=3, dataset=built)
    assert article.comments.count() == 3
    for items in (10, 24):
        data.fill_queue(items=items, article=article, dataset=built)
        held = Comment.objects.filter(status=CommentStatus.PENDING).count()
        reported = Report.objects.filter(resolution=Report.Resolution.OPEN).count()
        assert held + reported == items


def test_the_search_corpus_is_indexed_and_found(built, client):
    made = data.search_corpus(template=built.article, comments=250, dataset=built)
    assert made == 250
    corpus = Comment.objects.filter(article__slug="bench-search", status=CommentStatus.PUBLISHED)
    assert corpus.count() == 250
    response = client.get("/science/search/", {"q": "magnesium"})
    assert response.status_code == 200
    found = [result.comment for result in response.context["results"]]
    assert found  # the rebuilt index finds the bulk-created comments
    assert any(comment.article.slug == "bench-search" for comment in found)
