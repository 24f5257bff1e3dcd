"""After a new comment the shared page is rendered again, but only the thread the
comment went into (or the new thread) goes through its template: the others are the
same HTML under the same thread epoch (forum/discussion.py `_shared_thread_html`).
Every other change replaces the epoch, so everything renders afresh (issue 20)."""

import pytest

from forum import discussion
from forum.services import edit_comment, post_comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    counted = []
    real = discussion.render_to_string

    def counting(name, context=None, *args, **kwargs):
        if name == "forum/_comment.html":
            counted.append(context["node"].built.pk)
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(discussion, "render_to_string", counting)
    return counted


@pytest.fixture
def page(client, article, settings):
    settings.FORUM_RENDER_COALESCE_MS = 0  # every change renders at once

    def get() -> str:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_a_reply_renders_its_own_thread_only(
    page, article, member, renders, django_capture_on_commit_callbacks
):
    roots = [CommentFactory(article=article, author=UserFactory()) for _ in range(4)]
    mine = CommentFactory(article=article, author=member)  # published before: not held
    page()
    assert sorted(renders) == sorted([*(r.pk for r in roots), mine.pk])
    renders.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=member, article=article, body="A reply to the second.", parent=roots[1])
    html = page()
    assert "A reply to the second." in html
    assert renders == [roots[1].pk]  # the others: as rendered before


def test_a_new_thread_renders_alone_and_an_edit_renders_everything(
    page, article, member, renders, django_capture_on_commit_callbacks
):
    roots = [CommentFactory(article=article, author=UserFactory()) for _ in range(3)]
    mine = CommentFactory(article=article, author=member)
    page()
    renders.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = post_comment(author=member, article=article, body="A thread of its own.")
    assert "A thread of its own." in page()
    assert renders == [new.pk]
    renders.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit_comment(comment=mine, editor=member, body="Changed my mind about this.")
    assert "Changed my mind about this." in page()
    assert sorted(renders) == sorted([*(r.pk for r in roots), mine.pk, new.pk])


def test_a_thread_kept_in_one_language_is_never_shown_in_another(
    client, article, member, settings, django_capture_on_commit_callbacks
):
    settings.FORUM_RENDER_COALESCE_MS = 0
    root = CommentFactory(article=article, author=UserFactory())
    english = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "link to this comment" in _article_of(english, root.pk)
    # A new thread elsewhere: the discussion version changes, the thread epoch does not,
    # so the first thread's HTML is reused, and must be the reader's language's.
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=member, article=article, body="Another thread.")
    spanish = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    thread = _article_of(spanish, root.pk)
    assert "link to this comment" not in thread
    assert "enlace a este comentario" in thread


def _article_of(html: str, pk: int) -> str:
    start = html.index(f'id="comment-{pk}"')
    return html[start : html.index("</article>", start)]


def test_after_a_reply_only_its_thread_is_loaded(
    page, article, member, monkeypatch, django_capture_on_commit_callbacks
):
    roots = [CommentFactory(article=article, author=UserFactory()) for _ in range(4)]
    CommentFactory(article=article, author=member)
    page()
    loaded = []
    real = discussion._build_threads
    monkeypatch.setattr(
        discussion,
        "_build_threads",
        lambda roots, *args, **kwargs: (
            loaded.append([r.pk for r in roots]) or real(roots, *args, **kwargs)
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=member, article=article, body="A reply to the third.", parent=roots[2])
    assert "A reply to the third." in page()
    # The other threads kept their shape (replies, newest reply) under the same epoch:
    # their rows are not read again, only the thread with the new reply.
    assert loaded == [[roots[2].pk]]
