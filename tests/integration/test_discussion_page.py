"""The article page and header bring forum and moderation together for each reader."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import Sanction
from forum.moderation.appeals import submit_appeal
from forum.moderation.decisions import remove_comment
from forum.pagecache.versions import bump_discussion_version, bump_threads_epoch
from tests.factories import UserFactory, sign_in_with_second_factor
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db


def html_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def report_url(comment) -> str:
    return f"/comments/{comment.pk}/report/"


# --- Report link ------------------------------------------------------------------


def test_members_see_report_on_others_comments_not_their_own(client, member, other_member, article):
    theirs = make_comment(article, other_member, "Their comment.")
    mine = make_comment(article, member, "My comment.")
    client.force_login(member)
    html = html_of(client, article.get_absolute_url())
    assert f'href="{report_url(theirs)}"' in html
    assert f'href="{report_url(mine)}"' not in html


def test_anonymous_unverified_and_suspended_readers_see_no_report_link(
    client, member, other_member, unverified_member, article, suspend
):
    theirs = make_comment(article, other_member, "Their comment.")
    assert report_url(theirs) not in html_of(client, article.get_absolute_url())
    client.force_login(unverified_member)
    assert report_url(theirs) not in html_of(client, article.get_absolute_url())
    suspend(member)
    client.force_login(member)
    assert report_url(theirs) not in html_of(client, article.get_absolute_url())


def test_a_closed_discussion_still_takes_reports(client, member, other_member, article):
    theirs = make_comment(article, other_member, "Their comment.")
    article.discussion_open = False
    article.save()
    client.force_login(member)
    assert f'href="{report_url(theirs)}"' in html_of(client, article.get_absolute_url())


def test_report_links_cost_no_query_per_comment(client, member, article):
    for n in range(2):
        make_comment(article, UserFactory(username=f"early{n}"), f"Comment {n}.")
    client.force_login(member)
    html_of(client, article.get_absolute_url())  # warm the session
    # Compare like with like: both pages rendered afresh, not from the thread cache.
    bump_discussion_version(article.pk)
    bump_threads_epoch(article.pk)
    with CaptureQueriesContext(connection) as few:
        html_of(client, article.get_absolute_url())
    for n in range(6):
        make_comment(article, UserFactory(username=f"late{n}"), f"Later comment {n}.")
    bump_threads_epoch(article.pk)
    with CaptureQueriesContext(connection) as many:
        html = html_of(client, article.get_absolute_url())
    assert html.count("/report/") == 8
    assert len(many) == len(few)


# --- Pending, removal and sanction notices ------------------------------------------


def test_the_removed_comments_author_sees_reason_message_and_one_appeal_link(
    client, member, other_member, article, moderator, django_capture_on_commit_callbacks
):
    comment = make_comment(article, member, "Take 2000 mg.")
    remove_comment(
        comment_id=comment.pk,
        moderator=moderator,
        reason="medical_harm",
        message="Please share experience, not doses.",
    )
    client.force_login(member)
    html = html_of(client, article.get_absolute_url())
    assert "Removed by a moderator: Medical misinformation or dangerous advice." in html
    assert "Message from the moderator: Please share experience, not doses." in html
    assert html.count(f'href="/comments/{comment.pk}/appeal/"') == 1
    assert "Take 2000 mg." not in html

    # Committed, as in production: the discussion's new version replaces what the
    # author's cached thread showed.
    with django_capture_on_commit_callbacks(execute=True):
        submit_appeal(comment=comment, author=member, message="It was my own experience.")
    html = html_of(client, article.get_absolute_url())
    assert "Removed by a moderator" in html
    assert f'href="/comments/{comment.pk}/appeal/"' not in html

    # Other readers see nothing of a removed comment without replies.
    client.force_login(other_member)
    html = html_of(client, article.get_absolute_url())
    assert "Please share experience" not in html
    assert f'id="comment-{comment.pk}"' not in html


def test_a_suspended_member_sees_the_sanction_notice_instead_of_the_composer(
    client, member, article, suspend
):
    suspend(member, "Repeated dosing advice.")
    client.force_login(member)
    html = html_of(client, article.get_absolute_url())
    assert "Your account is suspended until" in html
    assert "Why: Repeated dosing advice." in html
    assert 'name="body"' not in html


def test_a_banned_member_sees_the_ban_notice_on_the_reply_page(
    client, member, other_member, article, moderator
):
    parent = make_comment(article, other_member, "A question.")
    Sanction.objects.create(
        member=member, kind=Sanction.Kind.BAN, reason="Spam.", created_by=moderator
    )
    client.force_login(member)
    response = client.get(f"/comments/{parent.pk}/reply/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account is banned from the discussion." in html
    assert "Why: Spam." in html


# --- Header link and permalinks -------------------------------------------------------


def test_the_header_links_moderators_to_the_queue(client, member, moderator):
    client.force_login(moderator)
    assert 'href="/moderation/">Moderation</a>' in html_of(client, "/science/")
    client.force_login(member)
    assert ">Moderation</a>" not in html_of(client, "/science/")


def test_the_moderator_flag_costs_anonymous_readers_no_query(client, article):
    html_of(client, article.get_absolute_url())
    with CaptureQueriesContext(connection) as anonymous:
        html = html_of(client, "/science/")
    assert ">Moderation</a>" not in html
    assert not any("permission" in query["sql"] for query in anonymous)


def test_the_queue_links_to_the_comment_permalink(client, member, article, moderator):
    comment = make_comment(article, member, "Waiting.", status="pending")
    sign_in_with_second_factor(client, moderator)
    item = html_of(client, f"/moderation/comments/{comment.pk}/")  # linked from the queue
    assert f'href="/comments/{comment.pk}/">Open in thread' in item


def test_member_page_links_to_the_comment_permalink(client, member, article):
    comment = make_comment(article, member, "Published.")
    html = html_of(client, f"/members/{member.username}/")
    assert f'href="/comments/{comment.pk}/"' in html


def test_the_moderation_log_links_to_the_comment_permalink(client, member, article, moderator):
    comment = make_comment(article, member, "Off topic.")
    remove_comment(comment_id=comment.pk, moderator=moderator, reason="off_topic")
    sign_in_with_second_factor(client, moderator)
    assert f'href="/comments/{comment.pk}/">comment {comment.pk}</a>' in html_of(
        client, "/moderation/log/"
    )
