"""Coalesced re-rendering and production's restarts (issue 20): while a discussion
changes many times a second its anonymous page is rendered at most once per
FORUM_RENDER_COALESCE_MS, by one request at a time (a lock in the shared cache), others
get the page made before; readers see a change within a second; the member who posted
sees their comment at once; a new worker serves from the shared cache at once; the
cache keys hold the page size."""

import threading
import time
import uuid
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from forum import member_page
from forum.pagecache import anonymous
from forum.pagecache.anonymous import serve_anonymous
from forum.pagecache.local import forget_local_copies
from forum.pagecache.versions import bump_discussion_version, discussion_version
from tests.factories import CommentFactory

ARTICLE = SimpleNamespace(pk=4242, slug="viral")


@pytest.fixture(autouse=True)
def _coalescing(settings):
    settings.FORUM_RENDER_COALESCE_MS = 250


class Site:
    """serve_anonymous with a page that says how many changes it was rendered after."""

    def __init__(self, *, render_seconds: float = 0.0) -> None:
        self.changes = 0
        self.renders = 0
        self.render_seconds = render_seconds
        self.lock = threading.Lock()
        discussion_version(ARTICLE.pk)

    def change(self) -> None:
        with self.lock:
            self.changes += 1
        bump_discussion_version(ARTICLE.pk)

    def _render(self, article, version) -> HttpResponse:
        with self.lock:
            self.renders += 1
            seen = self.changes
        if self.render_seconds:
            time.sleep(self.render_seconds)
        return HttpResponse(f"page after {seen} changes")

    def read(self) -> tuple[int, str]:
        request = RequestFactory().get("/science/viral/")
        request.user = AnonymousUser()
        response = serve_anonymous(request, ARTICLE.slug, find=lambda: ARTICLE, render=self._render)
        return int(response.content.split()[2]), response.get("X-Page-Cache", "rendered")


def test_a_change_within_the_window_gets_the_page_made_before():
    with time_machine.travel(1_000_000, tick=False) as clock:
        site = Site()
        assert site.read() == (0, "rendered")
        site.change()
        clock.shift(0.1)
        assert site.read() == (0, "coalesced")
        assert site.renders == 1
        clock.shift(0.2)  # 300 ms after the last rendering
        assert site.read() == (1, "rendered")
        assert site.read() == (1, "hit")
        assert site.renders == 2


def test_at_twenty_changes_a_second_pages_render_at_most_once_per_window_and_stay_fresh():
    """20 changes a second for 5 s, a reader every 10 ms: at most one rendering per
    250 ms, and every change shows to every reader within one second."""
    with time_machine.travel(2_000_000, tick=False) as clock:
        site = Site()
        changed_at: list[float] = []
        worst = 0.0
        for step in range(500):
            if step % 5 == 0:
                site.change()
                changed_at.append(step * 0.01)
            seen, _ = site.read()
            now = step * 0.01
            # The oldest change this reader did not see: how long ago it was made.
            unseen = changed_at[seen:]
            if unseen:
                worst = max(worst, now - unseen[0])
            clock.shift(0.01)
    assert site.renders <= 5 / 0.25 + 1
    assert worst < 1.0


def test_one_renderer_at_a_time_others_get_the_previous_page_without_waiting():
    site = Site(render_seconds=0.5)
    site.read()
    site.change()
    time.sleep(0.3)  # the page is older than the window
    results: list[tuple[tuple[int, str], float]] = []

    def reader() -> None:
        started = time.monotonic()
        outcome = site.read()
        results.append((outcome, time.monotonic() - started))

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    outcomes = sorted(outcome for outcome, _ in results)
    assert site.renders == 2  # the first page, and one rendering of the change
    assert outcomes.count((1, "rendered")) == 1
    assert outcomes.count((0, "coalesced")) == 5
    assert all(seconds < 0.25 for (outcome, seconds) in results if outcome[1] == "coalesced")


def test_a_renderer_that_fails_leaves_the_lock_to_the_next_reader():
    with time_machine.travel(3_000_000, tick=False) as clock:
        site = Site()
        site.read()
        site.change()
        clock.shift(0.3)

        def failing(article, version):
            raise RuntimeError("rendering failed")

        request = RequestFactory().get("/science/viral/")
        request.user = AnonymousUser()
        with pytest.raises(RuntimeError):
            serve_anonymous(request, ARTICLE.slug, find=lambda: ARTICLE, render=failing)
        assert site.read() == (1, "rendered")


def test_without_coalescing_every_change_renders_at_once(settings):
    settings.FORUM_RENDER_COALESCE_MS = 0
    site = Site()
    site.read()
    site.change()
    assert site.read() == (1, "rendered")


def test_a_new_worker_serves_the_kept_page_without_rendering():
    """A worker recycled by gunicorn's max_requests starts with nothing in memory: the
    page another worker kept in the shared cache tells it which article it is."""
    site = Site()
    site.read()
    forget_local_copies()
    anonymous._article_ids.clear()
    assert site.read() == (0, "hit")
    assert site.renders == 1


def test_the_page_size_is_part_of_the_cache_key(settings):
    site = Site()
    site.read()
    settings.FORUM_THREADS_PER_PAGE = 5
    assert site.read() == (0, "rendered")
    assert site.renders == 2


# --- Through the real views ---------------------------------------------------


def test_the_member_who_posted_sees_their_comment_at_once(
    client, article, member, django_capture_on_commit_callbacks
):
    with time_machine.travel(time.time(), tick=False):  # all within one coalescing window
        _post_and_read(client, article, member, django_capture_on_commit_callbacks)


def _post_and_read(client, article, member, django_capture_on_commit_callbacks):
    CommentFactory(article=article, body_source="An earlier comment.")
    page = article.get_absolute_url()
    client.get(page)  # anonymous readers have the page
    client.force_login(member)
    body = f"Just posted {uuid.uuid4().hex}"
    form = {"body": body, "form_token": str(uuid.uuid4()), "kind": "", "source": ""}
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(f"{page}comments/", form)
    assert posted.status_code == 302
    assert body in client.get(posted["Location"], follow=True).content.decode()
    assert body in client.get(page).content.decode()
    client.logout()
    client.cookies.clear()
    anonymous_page = client.get(page)  # within the window: the page made before
    assert anonymous_page["X-Page-Cache"] == "coalesced"


def test_a_new_worker_fills_a_members_stencil_without_rendering(client, article, member):
    CommentFactory(article=article, body_source="A comment to share.")
    client.force_login(member)
    page = article.get_absolute_url()
    client.get(page)
    assert client.get(page)["X-Page-Stencil"] == "hit"
    forget_local_copies()
    member_page._article_ids.clear()
    anonymous._article_ids.clear()
    response = client.get(page)
    assert response["X-Page-Stencil"] == "hit"
    assert b"A comment to share." in response.content
