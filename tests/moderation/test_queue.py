import datetime
import re

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from forum.admin import ModerationActionAdmin
from forum.models import (
    Comment,
    CommentStatus,
    ModerationAction,
    Report,
    ReportReason,
    WatchedWord,
)
from forum.moderation import decisions, queue, reports, sanctions
from forum.pagecache.versions import bump_queue_version
from forum.rendering import render_comment
from tests.factories import ArticleFactory, UserFactory
from tests.html_safety import assert_inert
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db
QUEUE = "/moderation/"


def report(comment, reason, count=1):
    for _ in range(count):
        reports.report_comment(comment=comment, reporter=UserFactory(), reason=reason)


def test_queue_orders_by_severity_then_reporters_then_age(article, author, moderator, settings):
    settings.FORUM_HIDE_AFTER_REPORTS = 99
    old_pending = make_comment(article, author, "old pending", status=CommentStatus.PENDING)
    off_topic = make_comment(article, author, "off topic")
    harassment_one = make_comment(article, author, "harassment one")
    harassment_two = make_comment(article, author, "harassment two")
    crisis = make_comment(article, author, "crisis")
    private = make_comment(article, author, "private")
    dosing = make_comment(
        article, author, "take 5 g", status=CommentStatus.PENDING, hold_reason="dosing_advice"
    )
    report(off_topic, ReportReason.OFF_TOPIC, 3)
    report(harassment_one, ReportReason.HARASSMENT, 1)
    report(harassment_two, ReportReason.HARASSMENT, 2)
    report(private, ReportReason.PRIVATE_INFO)
    report(crisis, ReportReason.CRISIS)
    report(crisis, ReportReason.OFF_TOPIC)
    Comment.objects.filter(pk=old_pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert list(queue.queue_comments()) == [
        crisis,
        private,
        dosing,
        harassment_two,
        harassment_one,
        off_topic,
        old_pending,
    ]


def test_queue_filters(article, author, moderator):
    other_article = ArticleFactory()
    pending = make_comment(article, author, "pending", status=CommentStatus.PENDING)
    hidden = make_comment(other_article, author, "hidden", status=CommentStatus.HIDDEN)
    reported = make_comment(article, author, "reported")
    report(reported, ReportReason.INAUTHENTIC)
    assert list(queue.queue_comments(state="pending")) == [pending]
    assert list(queue.queue_comments(state="hidden")) == [hidden]
    assert list(queue.queue_comments(state="reported")) == [reported]
    assert list(queue.queue_comments(reason="inauthentic")) == [reported]
    assert set(queue.queue_comments(article_id=article.pk)) == {pending, reported}


def test_queue_page_shows_context_reports_history_and_escapes_everything(
    mod_client, article, author, moderator
):
    parent = make_comment(article, UserFactory(username="parent_author"), "The parent says hi.")
    WatchedWord.objects.create(pattern="<b>cure</b>")
    text = "This <script>alert(1)</script> is a <b>cure</b> for all."
    held = make_comment(
        article,
        author,
        text,
        parent=parent,
        depth=1,
        root=parent,
        status=CommentStatus.PENDING,
        hold_reason="watched_word",
        matched_rule="Watched word: <b>cure</b>",
        matched_text="<b>cure</b>",
    )
    sanctions.add_member_note(member=author, moderator=moderator, text="Warned <i>once</i>.")
    response = mod_client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<script>alert" not in html
    assert f'value="{held.pk}:' in html  # bulk selection
    item = html[html.index(f'id="item-{held.pk}"') :]
    assert_inert(item[: item.index("</li>")].replace('type="checkbox"', ""))
    # The context in full: on the item's own page, linked from the queue.
    assert f'href="/moderation/comments/{held.pk}/"' in html
    response = mod_client.get(f"/moderation/comments/{held.pk}/")
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<script>alert" not in html
    assert "<mark>&lt;b&gt;cure&lt;/b&gt;</mark>" in html
    assert "Watched word: &lt;b&gt;cure&lt;/b&gt;" in html
    assert "The parent says hi." in html
    assert article.title in html
    assert "Warned &lt;i&gt;once&lt;/i&gt;." in html
    assert "0 published · 0 removed" in html
    item = html[html.index(f'id="item-{held.pk}"') :]
    assert_inert(item[: item.index("</li>")])


def test_queue_shows_the_difference_since_the_report(mod_client, comment, member):
    reports.report_comment(comment=comment, reporter=member, reason=ReportReason.HARASSMENT)
    Comment.objects.filter(pk=comment.pk).update(
        body_source="Magnesium helped my <em>sleep</em> a lot."
    )
    html = mod_client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "What changed since it was reported" in html
    assert "<del>little.</del>" in html
    assert "<ins>&lt;em&gt;sleep&lt;/em&gt;</ins>" in html


def _fill_queue(count: int, article, author, reporters):
    comments = Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author=author,
                body_source=f"Comment {n}",
                body_html=render_comment(f"Comment {n}"),
                status=CommentStatus.PENDING if n % 2 else CommentStatus.PUBLISHED,
            )
            for n in range(count)
        ]
    )
    Report.objects.bulk_create(
        [
            Report(comment=c, reporter=reporter, reason=ReportReason.HARASSMENT, snapshot="x")
            for c in comments
            if c.status == CommentStatus.PUBLISHED
            for reporter in reporters
        ]
    )
    bump_queue_version()  # written directly: the next request renders the queue afresh


def _queries_for_queue(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(20) as captured:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_queue_renders_with_the_same_few_queries_with_10_or_5000_items(
    mod_client, article, moderator, django_assert_max_num_queries
):
    authors = [UserFactory(username=f"author{n}") for n in range(2)]
    reporters = [UserFactory(username=f"rep{n}") for n in range(2)]
    sanctions.add_member_note(member=authors[0], moderator=moderator, text="note")
    sanctions.suspend_member(member=authors[1], moderator=moderator, days=1, reason="x")
    mod_client.get(QUEUE)  # the session's first request also records it (usersessions)
    _fill_queue(10, article, authors[0], reporters)
    small = _queries_for_queue(mod_client, django_assert_max_num_queries)
    _fill_queue(4990, article, authors[1], reporters)
    assert queue.queue_comments().count() == 5000
    large = _queries_for_queue(mod_client, django_assert_max_num_queries)
    assert small == large


def test_log_lists_and_filters_actions(mod_client, comment, moderator, second_moderator):
    decisions.hide_comment(comment_id=comment.pk, moderator=moderator)
    decisions.restore_comment(comment_id=comment.pk, moderator=second_moderator)
    sanctions.add_member_note(member=comment.author, moderator=moderator, text="Kind member.")
    html = mod_client.get("/moderation/log/").content.decode()
    assert html.count('class="mod-log__row"') == 3
    html = mod_client.get("/moderation/log/?moderator=mod_omar").content.decode()
    assert html.count('class="mod-log__row"') == 1
    assert "Restored" in html
    html = mod_client.get("/moderation/log/?kind=note&member=writer").content.decode()
    assert html.count('class="mod-log__row"') == 1
    assert "Kind member." in html
    other = ArticleFactory()
    html = mod_client.get(f"/moderation/log/?article={other.pk}").content.decode()
    assert "No entries match." in html


def test_log_rows_cannot_be_added_changed_or_deleted_in_the_admin(comment, staff, admin_client):
    decisions.hide_comment(comment_id=comment.pk, moderator=staff)
    action = ModerationAction.objects.get()
    model_admin = ModerationActionAdmin(ModerationAction, site)
    request = RequestFactory().get("/admin/")
    request.user = staff
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, action)
    assert not model_admin.has_delete_permission(request, action)
    change_url = reverse("admin:forum_moderationaction_change", args=[action.pk])
    response = admin_client.post(change_url, {"reason": "rewritten"})
    assert response.status_code in {302, 403}
    delete_url = reverse("admin:forum_moderationaction_delete", args=[action.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    action.refresh_from_db()
    assert action.reason == ""
    assert ModerationAction.objects.count() == 1


def test_moderators_manage_watched_words_in_the_admin(client, moderator):
    moderator.is_staff = True
    moderator.save()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:forum_watchedword_add"),
        {"pattern": "(unclosed", "is_regex": "on", "action": "hold", "note": ""},
    )
    assert "not a valid regular expression" in response.content.decode()
    response = client.post(
        reverse("admin:forum_watchedword_add"),
        {"pattern": "miracle cure", "action": "block", "note": "spam"},
    )
    assert response.status_code == 302
    assert WatchedWord.objects.get().created_by == moderator


def test_action_with_bad_input_shows_the_form_again_with_the_text(mod_client, comment):
    response = mod_client.post(
        f"/moderation/comments/{comment.pk}/remove/",
        {"version": "x", "reason": "", "message": "Please be <kind>."},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please choose the reason for removing this comment." in html
    assert "Please be &lt;kind&gt;." in html
    assert re.search(r'aria-describedby="id_reason_error"', html)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_stale_form_in_the_browser_gets_a_clear_message(mod_client, comment, second_moderator):
    decisions.hide_comment(comment_id=comment.pk, moderator=second_moderator)
    response = mod_client.post(
        f"/moderation/comments/{comment.pk}/hide/", {"version": "stale"}, follow=True
    )
    assert "Already handled by mod_omar (hidden). Nothing was changed." in (
        response.content.decode()
    )
    assert ModerationAction.objects.count() == 1


def test_form_without_the_state_it_was_made_for_changes_nothing(mod_client, comment):
    response = mod_client.post(f"/moderation/comments/{comment.pk}/hide/", {}, follow=True)
    assert "This form was incomplete or out of date. Nothing was changed." in (
        response.content.decode()
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_unknown_action_is_not_found(mod_client, comment):
    response = mod_client.post(f"/moderation/comments/{comment.pk}/delete/", {"version": "v"})
    assert response.status_code == 404


def test_missing_comment_gets_a_clear_message(mod_client):
    response = mod_client.post(
        "/moderation/comments/424242/approve/", {"version": "v"}, follow=True
    )
    assert "This comment no longer exists. Nothing was changed." in response.content.decode()


def test_bulk_view_needs_a_selection_and_a_removal_reason(mod_client, article, author):
    pending = make_comment(article, author, "p", status=CommentStatus.PENDING)
    response = mod_client.post("/moderation/bulk/", {"action": "approve"})
    assert "Select at least one item." in response.content.decode()
    response = mod_client.post(
        "/moderation/bulk/", {"action": "remove", "reason": "", "selected": [f"{pending.pk}:v"]}
    )
    assert response.status_code == 400
    assert "Choose the reason for removing the selected comments." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING


def test_appeal_page_shows_the_reason_and_takes_one_appeal(client, comment, author, moderator):
    decisions.remove_comment(
        comment_id=comment.pk, moderator=moderator, reason="medical_harm", message="Cite a source."
    )
    client.force_login(author)
    url = f"/comments/{comment.pk}/appeal/"
    html = client.get(url).content.decode()
    assert "Medical misinformation or dangerous advice" in html
    assert "Cite a source." in html
    response = client.post(url, {"message": ""})
    assert response.status_code == 400
    assert "Please say why the comment should be restored." in response.content.decode()
    response = client.post(url, {"message": "Here is the trial: doi 10.1/x"}, follow=True)
    html = response.content.decode()
    assert "Waiting for a moderator" in html
    assert "Here is the trial: doi 10.1/x" in html
    assert 'name="message"' not in html  # no second appeal


def test_only_the_author_can_open_the_appeal_page(client, comment, member, moderator):
    decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="off_topic")
    client.force_login(member)
    assert client.get(f"/comments/{comment.pk}/appeal/").status_code == 404


def _item_html(html: str, comment: Comment) -> str:
    item = html[html.index(f'id="item-{comment.pk}"') :]
    end = item.find('<li class="mod-item ', 1)
    return item if end == -1 else item[:end]


def test_item_is_headed_by_its_most_severe_open_reason_with_the_others_listed(
    mod_client, comment, settings
):
    settings.FORUM_HIDE_AFTER_REPORTS = 99
    report(comment, ReportReason.OFF_TOPIC)
    report(comment, ReportReason.MEDICAL_HARM)
    report(comment, ReportReason.CRISIS)
    item = _item_html(
        mod_client.get(f"/moderation/comments/{comment.pk}/").content.decode(), comment
    )
    title = item[item.index('class="mod-item__title"') :]
    assert title[: title.index("</h2>")].strip().endswith("Self-harm or crisis")
    assert "Also reported: Medical misinformation or dangerous advice, Off-topic" in item
    # The removal form suggests the heading's reason too.
    assert re.search(r'<option value="crisis" selected>', item)


def test_in_reply_to_quotes_the_comment_answered_not_the_thread_parent(mod_client, article, author):
    top = make_comment(article, UserFactory(username="top_author"), "Top of the thread.")
    middle = make_comment(
        article, UserFactory(username="middle_author"), "A reply.", parent=top, root=top, depth=1
    )
    deep = make_comment(
        article,
        UserFactory(username="deep_author"),
        "A reply to the reply.",
        parent=middle,
        root=top,
        depth=2,
    )
    # Past the nesting cap: sits under `middle`, answers `deep`.
    answer = make_comment(
        article,
        author,
        "Answering the deepest one.",
        parent=middle,
        in_reply_to=deep,
        root=top,
        depth=2,
        status=CommentStatus.PENDING,
    )
    item = _item_html(mod_client.get(f"/moderation/comments/{answer.pk}/").content.decode(), answer)
    assert "In reply to deep_author:" in item
    assert "A reply to the reply." in item
    assert "middle_author" not in item


def test_waiting_time_reads_as_a_duration(mod_client, comment):
    Comment.objects.filter(pk=comment.pk).update(
        status=CommentStatus.PENDING,
        status_changed_at=timezone.now() - datetime.timedelta(minutes=2),
    )
    bump_queue_version()
    item = _item_html(mod_client.get(QUEUE).content.decode(), comment)
    assert re.search(r"waiting <time [^>]*>2\xa0minutes</time>", item)
    assert " ago</time>" not in item
