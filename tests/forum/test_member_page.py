"""A member's article page from the shared stencil (forum/member_page.py): the same page
as one rendered for them, with their own token, name and threads, never anyone else's,
and fresh on the next request after any change."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum import member_page
from forum.models import Comment, CommentStatus, Sanction
from forum.pagecache.versions import bump_discussion_version
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]*"')


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def _normalised(html: str) -> str:
    return TOKENS.sub(r'name="\1" value="…"', html)


def _rendered_for_them(client, url, monkeypatch) -> str:
    """The page as the view renders it without the stencil."""
    with monkeypatch.context() as patch:
        patch.setattr(member_page, "_standing", lambda user: None)
        response = _get(client, url)
    assert "X-Page-Stencil" not in response
    return response.content.decode()


def _from_the_stencil(client, url, monkeypatch) -> str:
    """The page served from the stencil, checked against the page rendered for them
    (their tokens aside)."""
    response = _get(client, url)
    assert response["X-Page-Stencil"] == "hit"
    html = response.content.decode()
    assert _normalised(html) == _normalised(_rendered_for_them(client, url, monkeypatch))
    return html


def _threads(article, count: int, *, author=None) -> list[Comment]:
    roots = []
    for _ in range(count):
        root = CommentFactory(article=article, author=author or UserFactory())
        CommentFactory(article=article, parent=root, author=UserFactory())
        roots.append(root)
    bump_discussion_version(article.pk)
    return roots


def test_the_stencil_serves_the_page_the_member_would_have_had_rendered(
    client, article, member, monkeypatch
):
    _threads(article, 3)
    mine = CommentFactory(article=article, author=member, body_source="My own words.")
    theirs = CommentFactory(article=article, parent=mine)
    bump_discussion_version(article.pk)
    client.force_login(member)
    url = article.get_absolute_url()

    assert _get(client, url)["X-Page-Stencil"] == "hit"  # made, then served from it
    html = _from_the_stencil(client, url, monkeypatch)
    # Their own comment has its controls; the reply to it is another's, to report.
    assert f'href="/comments/{mine.pk}/edit/"' in html
    assert f'href="/comments/{mine.pk}/report/"' not in html
    assert f'href="/comments/{theirs.pk}/report/"' in html
    assert 'title="Account settings">alice</a>' in html  # their name in the header


def test_each_member_gets_their_own_token_name_and_controls(client, article, member):
    other = UserFactory(username="bob")
    bobs = CommentFactory(article=article, author=other)
    alices = CommentFactory(article=article, author=member)
    bump_discussion_version(article.pk)
    url = article.get_absolute_url()

    client.force_login(member)
    alice_page = _get(client, url)
    client.force_login(other)
    bob_page = _get(client, url)
    assert alice_page["X-Page-Stencil"] == bob_page["X-Page-Stencil"] == "hit"
    alice, bob = alice_page.content.decode(), bob_page.content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.findall(alice)
    assert token.findall(bob)
    assert set(token.findall(alice)).isdisjoint(token.findall(bob))
    form_token = re.compile(r'name="form_token" value="([^"]+)"')
    assert form_token.findall(alice) != form_token.findall(bob)
    header = 'title="Account settings">{}</a>'
    assert header.format("alice") in alice
    assert header.format("alice") not in bob
    assert header.format("bob") in bob
    assert header.format("bob") not in alice
    assert f'href="/comments/{alices.pk}/edit/"' in alice
    assert f'href="/comments/{alices.pk}/edit/"' not in bob
    assert f'href="/comments/{bobs.pk}/edit/"' in bob
    assert f'href="/comments/{bobs.pk}/edit/"' not in alice


def test_the_cached_stencil_holds_no_token_or_name(client, article, member):
    from django.core.cache import cache

    client.force_login(member)
    page = _get(client, article.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    keys = [key for key in cache._cache if "member-page" in key]  # locmem's own store
    assert keys
    stored = "".join("".join(cache.get(key.split(":", 2)[2])["parts"]) for key in keys)
    assert token not in stored
    assert "alice" not in stored


def test_only_the_renderings_own_markers_are_slots():
    token, other = "a" * 32, "b" * 32
    page = f'<p>\ue000{other}:csrf\ue000</p><input value="\ue000{token}:csrf\ue000">'
    parts = member_page._cut(page, token)
    assert parts == [f'<p>\ue000{other}:csrf\ue000</p><input value="', "csrf", '">']


def test_a_comment_cannot_carry_a_marker(client, article, member):
    CommentFactory(article=article, body_source="Look: \ue000" + "0" * 32 + ":csrf\ue000")
    bump_discussion_version(article.pk)
    client.force_login(member)
    response = _get(client, article.get_absolute_url())
    assert response["X-Page-Stencil"] == "hit"
    assert "Look: " + "0" * 32 + ":csrf" in response.content.decode()


def test_a_new_comment_shows_to_members_on_the_next_request(
    client, article, member, django_capture_on_commit_callbacks
):
    from forum.services import post_comment

    client.force_login(member)
    url = article.get_absolute_url()
    assert "Fresh words" not in _get(client, url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(
            author=UserFactory(username="carol"),
            article=article,
            body="Fresh words from Carol.",
        )
    response = _get(client, url)
    assert response["X-Page-Stencil"] == "hit"
    assert "Fresh words from Carol." in response.content.decode()


def test_the_edit_link_goes_when_the_window_closes_without_any_change(
    client, article, member, settings
):
    mine = CommentFactory(article=article, author=member)
    bump_discussion_version(article.pk)
    client.force_login(member)
    url = article.get_absolute_url()
    assert f'href="/comments/{mine.pk}/edit/"' in _get(client, url).content.decode()
    later = timezone.now() + datetime.timedelta(minutes=settings.FORUM_EDIT_WINDOW_MINUTES + 1)
    with time_machine.travel(later):
        html = _get(client, url).content.decode()
    assert f'href="/comments/{mine.pk}/edit/"' not in html
    assert f'href="/comments/{mine.pk}/delete/"' in html


def test_their_comment_awaiting_review_adds_a_page_but_not_to_this_one(
    client, article, member, settings, monkeypatch
):
    settings.FORUM_THREADS_PER_PAGE = 3
    _threads(article, 6)  # two pages for everyone
    waiting = CommentFactory(article=article, author=member, status=CommentStatus.PENDING)
    bump_discussion_version(article.pk)
    client.force_login(member)
    url = article.get_absolute_url()

    html = _from_the_stencil(client, url, monkeypatch)
    assert "Page 1 of 3" in html  # their waiting thread makes a third page, for them
    last = _get(client, url + "?page=3").content.decode()
    assert f'id="comment-{waiting.pk}"' in last  # rendered for them: it is on that page

    client.force_login(UserFactory(username="dave"))
    assert "Page 1 of 2" in _get(client, url).content.decode()


@pytest.mark.parametrize("who", ["moderator", "suspended", "message", "other_query"])
def test_pages_that_differ_are_rendered_for_the_reader(client, article, member, moderator, who):
    url = article.get_absolute_url()
    user = moderator if who == "moderator" else member
    if who == "suspended":
        Sanction.objects.create(
            member=member,
            kind=Sanction.Kind.SUSPENSION,
            reason="Cooling off.",
            ends_at=timezone.now() + datetime.timedelta(days=2),
        )
    client.force_login(user)
    _get(client, url)  # a stencil for this standing, where there is one
    if who == "message":  # posting leaves "Your comment is published." for the next page
        posted = client.post(
            f"{url}comments/",
            {"body": "Saved words.", "form_token": str(uuid.uuid4()), "kind": "", "source": ""},
        )
        assert posted.status_code == 302
    response = _get(client, url + ("?utm=x" if who == "other_query" else ""))
    assert "X-Page-Stencil" not in response
    if who == "message":
        assert "Your comment is published." in response.content.decode()


def test_unverified_members_get_the_verification_notice_from_their_own_stencil(
    client, article, unverified_member, monkeypatch
):
    client.force_login(unverified_member)
    html = _from_the_stencil(client, article.get_absolute_url(), monkeypatch)
    assert "Verify your email address to join the discussion." in html
    assert 'name="body"' not in html


def test_a_stencil_serves_in_a_fixed_handful_of_queries(client, article, member):
    _threads(article, 30, author=None)
    CommentFactory(article=article, author=member)
    bump_discussion_version(article.pk)
    client.force_login(member)
    url = article.get_absolute_url()
    _get(client, url)
    with CaptureQueriesContext(connection) as captured:
        assert _get(client, url)["X-Page-Stencil"] == "hit"
    few = len(captured)
    _threads(article, 60)
    _get(client, url)
    with CaptureQueriesContext(connection) as captured:
        assert _get(client, url)["X-Page-Stencil"] == "hit"
    assert len(captured) == few
    # The member with their standing, and their own comments with their follow (the
    # session is in the cache).
    assert few == 2, [query["sql"][:80] for query in captured]


def test_a_member_whose_threads_move_the_page_gets_it_rendered_and_the_stencil_stays(
    client, article, member, monkeypatch
):
    _threads(article, 2)
    waiting = CommentFactory(article=article, author=member, status=CommentStatus.PENDING)
    bump_discussion_version(article.pk)
    made = []
    real_cut = member_page._cut
    monkeypatch.setattr(member_page, "_cut", lambda *args: made.append(1) or real_cut(*args))
    client.force_login(member)
    url = article.get_absolute_url() + "?sort=newest"  # their waiting thread comes first
    for _ in range(2):
        response = _get(client, url)
        assert "X-Page-Stencil" not in response
        assert f'id="comment-{waiting.pk}"' in response.content.decode()
    assert made == [1]  # made once for everyone, not again for each of their requests


def test_cache_keys_stay_short_however_many_comments_a_member_has_in_a_thread(
    client, article, member
):
    from django.core.cache import cache

    root = CommentFactory(article=article, author=member)
    for _ in range(60):
        CommentFactory(article=article, author=member, parent=root)
    bump_discussion_version(article.pk)
    client.force_login(member)
    html = _get(client, article.get_absolute_url()).content.decode()
    assert html.count("/edit/") == 61
    assert max(len(key) for key in cache._cache) < 250  # the database cache's column: 255


@pytest.mark.parametrize("verified", [True, False], ids=["verified", "unverified"])
def test_a_closed_discussion_reads_the_same_from_the_stencil(
    client, article, member, unverified_member, monkeypatch, verified
):
    article.discussion_open = False
    article.save()
    CommentFactory(article=article)
    bump_discussion_version(article.pk)
    client.force_login(member if verified else unverified_member)
    html = _from_the_stencil(client, article.get_absolute_url(), monkeypatch)
    assert "The discussion on this article is closed." in html
    assert 'name="body"' not in html
    assert ("/report/" in html) is verified  # verified members may still report


def test_a_page_that_used_its_csp_nonce_is_never_kept(client, article, member, monkeypatch):
    from django.core.cache import cache

    real_render = member_page.render_to_string

    def render_using_the_nonce(template, context=None, request=None):
        if request is not None:
            str(request.csp_nonce)  # as a template with an inline script would
        return real_render(template, context, request=request)

    monkeypatch.setattr(member_page, "render_to_string", render_using_the_nonce)
    client.force_login(member)
    response = _get(client, article.get_absolute_url())
    assert "X-Page-Stencil" not in response
    assert not [key for key in cache._cache if "member-page" in key]
