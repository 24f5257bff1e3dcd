"""The moderation queue's cached page: fresh after every kind of change, one page
per moderator, and never anyone's CSRF token in the cache (forum/pagecache/queue.py)."""

import pickle
import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils.safestring import SafeString

from aposbook.accounts import delete_account
from forum.models import Comment, CommentStatus, Report, ReportReason
from forum.moderation import appeals, decisions, queue, reports, sanctions
from forum.pagecache.queue import queue_page_key
from forum.pagecache.versions import bump_queue_version, queue_version
from forum.rendering import with_csrf_token
from forum.services import post_comment
from tests.factories import UserFactory, sign_in_with_second_factor
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db
QUEUE = "/moderation/"
TOKEN_VALUES = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def queue_html(client, path=QUEUE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def item_page(client, comment) -> str:
    """The item's own page (its context and actions), or '' when it no longer waits."""
    response = client.get(f"/moderation/comments/{comment.pk}/")
    return response.content.decode() if response.status_code == 200 else ""


def item_of(html: str, comment) -> str:
    """The queue item of `comment`, or '' when it is not in the queue."""
    start = html.find(f'id="item-{comment.pk}"')
    if start == -1:
        return ""
    end = html.find('<li class="mod-item', start)
    return html[start : end if end != -1 else html.index("</ol>", start)]


def cached_entry(moderator, query_string: str = "") -> dict:
    return cache.get(
        queue_page_key(moderator_id=moderator.pk, host="testserver", query_string=query_string)
    )


@pytest.fixture
def reported(comment, member):
    reports.report_comment(comment=comment, reporter=member, reason=ReportReason.HARASSMENT)
    bump_queue_version()  # outside a test transaction, the commit would have done this
    return comment


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the change as its own committed transaction would: on_commit work included."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_queue_is_served_from_the_cache_until_its_version_changes(
    mod_client, reported, moderator
):
    html = queue_html(mod_client)
    assert "Magnesium helped my sleep a little." in item_of(html, reported)
    assert cached_entry(moderator)["version"]
    # A write behind the services' back is not seen: the page comes from the cache...
    Comment.objects.filter(pk=reported.pk).update(body_source="Rewritten behind its back.")
    assert "Magnesium helped my sleep a little." in item_of(queue_html(mod_client), reported)
    # ...until the queue version changes, as every service's commit makes it.
    bump_queue_version()
    assert "Rewritten behind its back." in item_of(queue_html(mod_client), reported)


def test_the_cache_timeout_bounds_how_long_a_page_is_kept(
    mod_client, reported, moderator, settings
):
    settings.FORUM_QUEUE_CACHE_SECONDS = 0  # expired as soon as it is kept
    queue_html(mod_client)
    Comment.objects.filter(pk=reported.pk).update(body_source="Changed without a bump.")
    assert "Changed without a bump." in item_of(queue_html(mod_client), reported)


def test_an_entry_of_another_shape_is_rendered_over_not_served(mod_client, reported, moderator):
    """Say an older release's, kept under the same key at the current version."""
    key = queue_page_key(moderator_id=moderator.pk, host="testserver", query_string="")
    cache.set(key, {"version": queue_version(), "page": "text", "placeholder": "p" * 32})
    assert "Magnesium helped my sleep a little." in item_of(queue_html(mod_client), reported)
    assert isinstance(cached_entry(moderator)["page"], bytes)


# --- A moderator sees each kind of change on the very next request ---------------------


def test_a_new_report_shows_at_once(mod_client, comment, member, commit):
    assert item_of(queue_html(mod_client), comment) == ""
    with commit():
        reports.report_comment(comment=comment, reporter=member, reason=ReportReason.CRISIS)
    assert str(ReportReason.CRISIS.label) in item_of(queue_html(mod_client), comment)


def test_an_approval_takes_the_item_away_at_once(mod_client, article, author, commit):
    pending = make_comment(article, author, "New here!", status=CommentStatus.PENDING)
    html = queue_html(mod_client)
    version = re.search(rf'value="{pending.pk}:(\w+)"', html).group(1)
    with commit():
        response = mod_client.post(
            f"/moderation/comments/{pending.pk}/approve/", {"version": version}
        )
    assert response.status_code == 302
    assert item_of(queue_html(mod_client), pending) == ""
    assert "Nothing is waiting." in queue_html(mod_client)


def test_a_removal_takes_the_item_away_at_once(mod_client, reported, commit):
    html = queue_html(mod_client)
    version = re.search(rf'value="{reported.pk}:(\w+)"', html).group(1)
    with commit():
        mod_client.post(
            f"/moderation/comments/{reported.pk}/remove/",
            {"version": version, "reason": ReportReason.HARASSMENT, "message": ""},
        )
    assert Comment.objects.get(pk=reported.pk).status == CommentStatus.REMOVED
    assert item_of(queue_html(mod_client), reported) == ""


def test_an_appeal_shows_at_once(mod_client, comment, author, second_moderator, commit):
    decisions.remove_comment(
        comment_id=comment.pk, moderator=second_moderator, reason=ReportReason.OFF_TOPIC
    )
    bump_queue_version()
    assert item_of(queue_html(mod_client), comment) == ""
    with commit():
        appeals.submit_appeal(comment=comment, author=author, message="It was on topic.")
    assert "Appeal" in item_of(queue_html(mod_client), comment)
    item = item_page(mod_client, comment)
    assert "Appeal (open)" in item
    assert "It was on topic." in item


def test_a_sanction_and_its_lifting_show_at_once(mod_client, reported, author, moderator, commit):
    assert "Suspension" not in item_page(mod_client, reported)
    with commit():
        sanction = sanctions.suspend_member(
            member=author, moderator=moderator, days=3, reason="Cooling off."
        )
    assert "Cooling off." in item_page(mod_client, reported)
    with commit():
        sanctions.lift_sanction(sanction_id=sanction.pk, moderator=moderator)
    assert "Cooling off." not in item_page(mod_client, reported)


def test_a_note_shows_at_once(mod_client, reported, author, moderator, commit):
    queue_html(mod_client)
    with commit():
        sanctions.add_member_note(member=author, moderator=moderator, text="Asked to cite.")
    assert "Asked to cite." in item_page(mod_client, reported)


def test_a_held_post_shows_at_once(mod_client, article, settings, commit):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    newcomer = UserFactory(username="newcomer")
    assert "Nothing is waiting." in queue_html(mod_client)
    with commit():
        held = post_comment(author=newcomer, article=article, body="My first words here.")
    assert held.status == CommentStatus.PENDING
    assert "My first words here." in item_of(queue_html(mod_client), held)


def test_a_published_post_leaves_the_queue_page_standing(article, settings, commit):
    # Only its author's count on their queued items would change: on a busy site, every
    # post would otherwise have every moderator's queue rendered afresh.
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    before = queue_version()
    with commit():
        published = post_comment(author=UserFactory(), article=article, body="Plain words.")
    assert published.status == CommentStatus.PUBLISHED
    assert queue_version() == before


def test_dismissing_reports_takes_the_item_away_at_once(mod_client, reported, moderator, commit):
    queue_html(mod_client)
    with commit():
        decisions.dismiss_reports(comment_id=reported.pk, moderator=moderator)
    assert item_of(queue_html(mod_client), reported) == ""


def test_an_author_leaving_shows_at_once(mod_client, reported, author, commit):
    assert "writer" in item_of(queue_html(mod_client), reported)
    with commit():
        delete_account(member=author, keep_comments=True)
    item = item_of(queue_html(mod_client), reported)
    assert "By <strong>a deleted member</strong>" in item
    assert "writer" not in item


def test_an_actions_message_shows_once_and_is_never_cached(
    mod_client, reported, moderator, second_moderator, commit
):
    queue_html(mod_client)
    decisions.hide_comment(comment_id=reported.pk, moderator=second_moderator)
    # A stale form: refused, the queue unchanged, so the page is in the cache already.
    response = mod_client.post(
        f"/moderation/comments/{reported.pk}/dismiss/", {"version": "stale"}, follow=True
    )
    assert "Already handled by mod_omar (hidden)." in response.content.decode()
    assert "Already handled" not in queue_html(mod_client)
    bump_queue_version()  # the hide above, committed
    version = re.search(rf'value="{reported.pk}:(\w+)"', queue_html(mod_client)).group(1)
    with commit():  # the action's transaction commits before its redirect is followed
        response = mod_client.post(
            f"/moderation/comments/{reported.pk}/restore/", {"version": version}
        )
    html = queue_html(mod_client, response.url)
    assert "Restored: the comment is published again." in html
    assert item_of(html, reported) == ""
    assert "Restored" not in queue_html(mod_client)
    assert 'class="messages"' not in cached_entry(moderator)["page"].decode()


# --- Per moderator, per request ---------------------------------------------------------


def test_each_moderator_gets_their_own_page(client, comment, author, moderator, second_moderator):
    decisions.remove_comment(
        comment_id=comment.pk, moderator=moderator, reason=ReportReason.OFF_TOPIC
    )
    appeals.submit_appeal(comment=comment, author=author, message="Please look again.")
    bump_queue_version()
    other = Client()
    sign_in_with_second_factor(client, moderator)
    sign_in_with_second_factor(other, second_moderator)
    for _ in range(2):  # rendered, then from the cache
        queue_html(client), queue_html(other)  # each moderator's queue page, kept
        remover = item_page(client, comment)
        assert "another moderator decides the appeal" in remover
        assert "decide_appeal/" not in remover
        deciding = item_page(other, comment)
        assert "another moderator decides the appeal" not in deciding
        assert f"/moderation/comments/{comment.pk}/decide_appeal/" in deciding
    header = 'title="Account settings">{}</a>'
    assert header.format("mod_maria") in cached_entry(moderator)["page"].decode()
    assert header.format("mod_omar") in cached_entry(second_moderator)["page"].decode()


def test_filters_and_pages_are_cached_apart(mod_client, article, author, settings):
    settings.FORUM_QUEUE_PER_PAGE = 1
    first = make_comment(article, author, "First held.", status=CommentStatus.PENDING)
    second = make_comment(article, author, "Second held.", status=CommentStatus.PENDING)
    page_one, page_two = queue_html(mod_client), queue_html(mod_client, f"{QUEUE}?page=2")
    assert bool(item_of(page_one, first)) != bool(item_of(page_two, first))
    assert bool(item_of(page_one, second)) != bool(item_of(page_two, second))
    assert 'name="next" value="/moderation/?page=2"' in page_two
    hidden = queue_html(mod_client, f"{QUEUE}?state=hidden")
    assert "0 items waiting (filtered)." in hidden
    assert "2 items waiting." in queue_html(mod_client)


def test_every_form_carries_the_requests_own_token_and_the_cache_none(reported, moderator, member):
    sessions = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for session in sessions:
        sign_in_with_second_factor(session, moderator)
        html = queue_html(session)
        # The sign-out form's token, then one shared by every form in the queue.
        values = TOKEN_VALUES.findall(html)
        assert len(values) >= 2  # sign-out and bulk (each item's actions: its own page)
        assert len(set(values[1:])) == 1
        token = values[-1]
        # Tokens of this session: they unmask to the secret in this session's cookie.
        secret = session.cookies["csrftoken"].value
        assert {_unmask_cipher_token(value) for value in values} == {secret}
        tokens.append(token)
    assert tokens[0] != tokens[1]
    assert _unmask_cipher_token(tokens[0]) != _unmask_cipher_token(tokens[1])

    entry = cached_entry(moderator)
    stored = pickle.dumps(entry)
    # Every form's, the sign-out form's included.
    assert set(TOKEN_VALUES.findall(entry["page"].decode())) == {entry["placeholder"]}
    for session, token in zip(sessions, tokens, strict=True):
        assert token.encode() not in stored
        assert session.cookies["csrftoken"].value.encode() not in stored

    # The token each page carries is accepted for that session's own posts.
    version = re.search(rf'value="{reported.pk}:(\w+)"', queue_html(sessions[1])).group(1)
    response = sessions[1].post(
        f"/moderation/comments/{reported.pk}/hide/",
        {"version": version, "csrfmiddlewaretoken": tokens[1]},
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=reported.pk).status == CommentStatus.HIDDEN


def test_the_placeholder_is_new_for_every_rendering(mod_client, reported, moderator):
    """Random per rendering, so no commenter can know it in advance and plant it."""
    queue_html(mod_client)
    first = cached_entry(moderator)["placeholder"]
    bump_queue_version()
    queue_html(mod_client)
    assert cached_entry(moderator)["placeholder"] != first


def test_with_csrf_token_takes_only_template_output_and_keeps_it_safe():
    fragment = SafeString('<input name="csrfmiddlewaretoken" value="p1aceh0lderp1aceh0lder">')
    cache.set("fragment", fragment)
    kept = cache.get("fragment")  # pickled and back, as every cache backend does
    assert isinstance(kept, SafeString)
    filled = with_csrf_token(kept, placeholder="p1aceh0lderp1aceh0lder", token="abc")
    assert isinstance(filled, SafeString)
    assert filled == '<input name="csrfmiddlewaretoken" value="abc">'
    with pytest.raises(TypeError):
        with_csrf_token("<b>not template output</b>", placeholder="p" * 16, token="abc")
    with pytest.raises(ValueError, match="placeholder"):
        with_csrf_token(fragment, placeholder="<input", token="abc")


# --- Queries ------------------------------------------------------------------------------


def _fill(count: int, article, author, reporter) -> None:
    comments = [
        make_comment(article, author, f"Item {n}", status=CommentStatus.PENDING)
        for n in range(count // 2)
    ] + [make_comment(article, author, f"Reported {n}") for n in range(count - count // 2)]
    Report.objects.bulk_create(
        Report(comment=c, reporter=reporter, reason=ReportReason.HARASSMENT, snapshot="x")
        for c in comments
        if c.status == CommentStatus.PUBLISHED
    )
    bump_queue_version()


def _queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(30) as captured:
        queue_html(client)
    return len(captured.captured_queries)


def test_a_warm_queue_request_runs_the_same_few_queries_at_10_and_60_items(
    mod_client, article, author, member, django_assert_max_num_queries
):
    queue_html(mod_client)  # the session's first request also records it (usersessions)
    _fill(10, article, author, member)
    cold_small = _queries(mod_client, django_assert_max_num_queries)
    warm_small = _queries(mod_client, django_assert_max_num_queries)
    _fill(50, article, author, member)
    assert queue.queue_comments().count() == 60
    cold_large = _queries(mod_client, django_assert_max_num_queries)
    warm_large = _queries(mod_client, django_assert_max_num_queries)
    assert warm_small == warm_large
    assert cold_small == cold_large
    # Warm: the member, the moderation and two-factor checks; in the tests the session
    # and the queue version are cache reads (each one more query on the database cache).
    assert warm_small <= 5 < cold_small
