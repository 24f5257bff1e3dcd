"""Changes that once left anonymous readers on a stale cached page (issue 12): each is
seen on the next request, and a page made for one host name is never served to another."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Reference
from forum.models import Comment
from tests.factories import CommentFactory, ReferenceFactory, UserFactory

pytestmark = pytest.mark.usefixtures("shared_cache")


@pytest.fixture
def page(article: Article) -> str:
    return article.get_absolute_url()


def _warm(client: Client, page: str) -> None:
    client.cookies.clear()
    client.get(page)
    assert client.get(page)["X-Page-Cache"] == "hit"


def _fresh(client: Client, page: str) -> str:
    client.cookies.clear()
    response = client.get(page)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    return response.content.decode()


def test_rerender_comments_replaces_the_cached_page(
    client: Client,
    page: str,
    article: Article,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    comment = CommentFactory(article=article, body_source="Read **this** twice.")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>stale html</p>", renderer_version=0)
    _warm(client, page)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rerender_comments", stdout=io.StringIO())
    html = _fresh(client, page)
    assert "stale html" not in html
    assert "<strong>this</strong>" in html


def test_a_category_renamed_in_the_admin_replaces_the_cached_page(
    client: Client,
    page: str,
    article: Article,
    admin_client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _warm(client, page)
    category = article.category
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/articles/category/{category.pk}/change/",
            {"name": "Herbs and Teas", "slug": category.slug},
        )
    assert response.status_code == 302
    assert "Herbs and Teas" in _fresh(client, page)


def test_a_new_reference_replaces_the_cached_page(
    client: Client,
    page: str,
    article: Article,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _warm(client, page)
    with django_capture_on_commit_callbacks(execute=True):
        ReferenceFactory(article=article, title="A trial nobody had cited before")
    assert Reference.objects.filter(article=article).exists()
    assert "A trial nobody had cited before" in _fresh(client, page)


def test_a_username_changed_in_the_admin_replaces_the_cached_page(
    client: Client,
    page: str,
    article: Article,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    author = UserFactory(username="oldname")
    CommentFactory(article=article, author=author)
    _warm(client, page)
    with django_capture_on_commit_callbacks(execute=True):
        author.username = "newname"
        author.save()  # what the admin's change form does
    html = _fresh(client, page)
    assert "newname" in html
    assert "oldname" not in html


def test_a_page_made_for_one_host_is_not_served_to_another(
    client: Client, page: str, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    client.get(page, HTTP_HOST="one.example")
    assert client.get(page, HTTP_HOST="one.example")["X-Page-Cache"] == "hit"
    other = client.get(page, HTTP_HOST="two.example")
    assert "X-Page-Cache" not in other
    assert b"one.example" not in other.content
    assert b"http://two.example/" in other.content
