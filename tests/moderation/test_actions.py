import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from forum import permissions
from forum.models import (
    Appeal,
    Comment,
    CommentStatus,
    MemberNote,
    ModerationAction,
    Report,
    ReportReason,
    Sanction,
)
from forum.moderation import appeals, decisions, queue, reports, sanctions
from forum.moderation.errors import ActionRefused, AppealRefused
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db
Kind = ModerationAction.Kind


@pytest.fixture
def reported(comment):
    reporters = [UserFactory(username=f"reporter{n}") for n in range(2)]
    for reporter in reporters:
        reports.report_comment(comment=comment, reporter=reporter, reason=ReportReason.HARASSMENT)
    return comment


@pytest.fixture
def pending(article, author):
    return make_comment(article, author, "New here!", status=CommentStatus.PENDING)


def version(comment):
    return (
        queue.queue_page(moderator=UserFactory(username="viewer"), page_number=1)
        .object_list[0]
        .version
    )


def test_approve_publishes_and_logs(pending, moderator):
    decisions.approve_comment(comment_id=pending.pk, moderator=moderator)
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PUBLISHED
    assert ModerationAction.objects.get().kind == Kind.APPROVE


def test_remove_tells_author_and_reporters(
    reported, moderator, author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.remove_comment(
            comment_id=reported.pk,
            moderator=moderator,
            reason=ReportReason.HARASSMENT,
            message="Please attack ideas, not people.",
        )
    reported.refresh_from_db()
    assert (reported.status, reported.removal_reason) == ("removed", "harassment")
    assert reported.moderator_message == "Please attack ideas, not people."
    assert set(Report.objects.values_list("resolution", flat=True)) == {"actioned"}
    action = ModerationAction.objects.get(kind=Kind.REMOVE)
    assert (action.moderator, action.reason) == (moderator, "harassment")
    to_author = [mail for mail in mailoutbox if mail.to == [author.email]]
    assert len(to_author) == 1
    assert "Disrespectful or harassing" in to_author[0].body
    assert "Please attack ideas, not people." in to_author[0].body
    assert f"/comments/{reported.pk}/appeal/" in to_author[0].body
    to_reporters = [mail for mail in mailoutbox if mail.to != [author.email]]
    assert len(to_reporters) == 2
    assert all("took action" in mail.body for mail in to_reporters)


def test_dismiss_tells_reporters_no_action_was_needed(
    reported, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.dismiss_reports(comment_id=reported.pk, moderator=moderator)
    assert set(Report.objects.values_list("resolution", flat=True)) == {"dismissed"}
    assert len(mailoutbox) == 2
    assert all(
        "within the discussion guidelines, so it stays up" in mail.body for mail in mailoutbox
    )
    assert reported not in queue.queue_comments()


def test_dismissing_reports_on_a_hidden_comment_publishes_it(reported, moderator):
    decisions.hide_comment(comment_id=reported.pk, moderator=moderator)
    decisions.dismiss_reports(comment_id=reported.pk, moderator=moderator)
    reported.refresh_from_db()
    assert reported.status == CommentStatus.PUBLISHED


def test_hide_and_restore(comment, moderator):
    decisions.hide_comment(comment_id=comment.pk, moderator=moderator, reason="Checking a claim")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    decisions.restore_comment(comment_id=comment.pk, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == [
        Kind.RESTORE,
        Kind.HIDE,
    ]


def test_remove_requires_a_reason_from_the_list(comment, moderator):
    with pytest.raises(ActionRefused, match="reason"):
        decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="rude")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_second_moderator_with_the_same_form_sees_who_handled_it(
    pending, moderator, second_moderator
):
    seen = version(pending)
    decisions.approve_comment(comment_id=pending.pk, moderator=moderator, expected_version=seen)
    with pytest.raises(ActionRefused, match="Already handled by mod_maria"):
        decisions.remove_comment(
            comment_id=pending.pk,
            moderator=second_moderator,
            reason=ReportReason.OFF_TOPIC,
            expected_version=seen,
        )
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PUBLISHED
    assert ModerationAction.objects.count() == 1


def test_a_new_report_makes_an_open_form_stale(reported, moderator):
    seen = version(reported)
    reports.report_comment(
        comment=reported, reporter=UserFactory(username="late"), reason=ReportReason.CRISIS
    )
    with pytest.raises(ActionRefused, match="changed since you opened it"):
        decisions.dismiss_reports(
            comment_id=reported.pk, moderator=moderator, expected_version=seen
        )
    assert Report.objects.filter(resolution="open").count() == 3


def test_forged_forms_change_nothing(pending, moderator):
    with pytest.raises(ActionRefused, match="no longer exists"):
        decisions.approve_comment(comment_id=987654, moderator=moderator)
    with pytest.raises(ActionRefused, match="cannot dismiss"):
        decisions.dismiss_reports(comment_id=pending.pk, moderator=moderator)
    with pytest.raises(ActionRefused, match="cannot restore"):
        decisions.restore_comment(comment_id=pending.pk, moderator=moderator)
    assert not ModerationAction.objects.exists()


def test_bulk_approve_skips_stale_items_and_reports_them(article, author, moderator):
    items = [make_comment(article, author, f"c{n}", status="pending") for n in range(3)]
    page = queue.queue_page(moderator=moderator, page_number=1)
    versions = {item.comment.pk: item.version for item in page.object_list}
    decisions.remove_comment(comment_id=items[0].pk, moderator=moderator, reason="off_topic")
    result = decisions.bulk_moderate(moderator=moderator, action="approve", items=versions)
    assert result.done == 2
    assert len(result.refused) == 1
    assert "Already handled by mod_maria" in result.refused[0]
    statuses = sorted(Comment.objects.values_list("status", flat=True))
    assert statuses == ["published", "published", "removed"]


def test_bulk_remove(article, author, moderator):
    items = [make_comment(article, author, f"c{n}", status="pending") for n in range(2)]
    result = decisions.bulk_moderate(
        moderator=moderator,
        action="remove",
        items={item.pk: None for item in items},
        reason=ReportReason.INAUTHENTIC,
    )
    assert result.done == 2
    assert ModerationAction.objects.filter(kind=Kind.REMOVE).count() == 2


@pytest.fixture
def removed(comment, moderator):
    decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="off_topic")
    comment.refresh_from_db()
    return comment


def test_author_appeals_once(removed, author, member):
    with pytest.raises(AppealRefused, match="Only the author"):
        appeals.submit_appeal(comment=removed, author=member, message="Please")
    with pytest.raises(AppealRefused, match="say why"):
        appeals.submit_appeal(comment=removed, author=author, message="  ")
    appeals.submit_appeal(comment=removed, author=author, message="It was on topic.")
    with pytest.raises(AppealRefused, match="already appealed"):
        appeals.submit_appeal(comment=removed, author=author, message="Again")
    assert Appeal.objects.count() == 1
    assert removed in queue.queue_comments(state="appeal")


def test_appeal_is_decided_by_another_moderator_when_there_is_one(
    removed, author, moderator, second_moderator, mailoutbox, django_capture_on_commit_callbacks
):
    appeals.submit_appeal(comment=removed, author=author, message="It was on topic.")
    with pytest.raises(ActionRefused, match="another moderator decides"):
        appeals.decide_appeal(comment_id=removed.pk, moderator=moderator, overturn=True)
    with django_capture_on_commit_callbacks(execute=True):
        appeals.decide_appeal(
            comment_id=removed.pk, moderator=second_moderator, overturn=True, message="Fair."
        )
    removed.refresh_from_db()
    assert removed.status == CommentStatus.PUBLISHED
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.decided_by) == ("overturned", second_moderator)
    assert ModerationAction.objects.filter(kind=Kind.APPEAL_OVERTURNED).count() == 1
    assert "restored your comment" in mailoutbox[-1].body
    assert f"/comments/{removed.pk}/" in mailoutbox[-1].body


def test_a_lone_moderator_never_decides_their_own_removal_appeal(removed, author, moderator):
    """DSA Art. 20 as this product reads it: a different moderator, always; with one
    moderator the appeal waits for a second."""
    appeals.submit_appeal(comment=removed, author=author, message="Please look again.")
    with pytest.raises(ActionRefused, match="another moderator decides"):
        appeals.decide_appeal(
            comment_id=removed.pk, moderator=moderator, overturn=False, message="Still off."
        )
    removed.refresh_from_db()
    assert removed.status == CommentStatus.REMOVED
    assert Appeal.objects.get().status == Appeal.Status.OPEN


def test_suspension_and_lift(author, moderator, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sanction = sanctions.suspend_member(
            member=author, moderator=moderator, days=7, reason="Repeated insults."
        )
    assert permissions.active_sanction(author) == sanction
    assert sanction.ends_at > timezone.now() + datetime.timedelta(days=6)
    assert "suspended" in mailoutbox[0].subject
    assert "Repeated insults." in mailoutbox[0].body
    notice = render_to_string("moderation/_sanction_notice.html", {"sanction": sanction})
    assert "Your account is suspended until" in notice
    assert "Repeated insults." in notice
    sanctions.lift_sanction(sanction_id=sanction.pk, moderator=moderator)
    assert permissions.active_sanction(author) is None
    with pytest.raises(ActionRefused, match="already lifted"):
        sanctions.lift_sanction(sanction_id=sanction.pk, moderator=moderator)
    kinds = list(ModerationAction.objects.values_list("kind", flat=True))
    assert kinds == [Kind.LIFT, Kind.SUSPEND]


def test_expired_suspension_is_not_active(author, moderator):
    sanction = sanctions.suspend_member(member=author, moderator=moderator, days=1, reason="x")
    Sanction.objects.filter(pk=sanction.pk).update(ends_at=timezone.now())
    assert permissions.active_sanction(author) is None


def test_ban_removing_all_comments_needs_a_removal_reason(article, author, moderator):
    for text in ["one", "two"]:
        make_comment(article, author, text)
    with pytest.raises(ActionRefused, match="reason shown on the removed"):
        sanctions.ban_member(
            member=author, moderator=moderator, reason="Spam account", remove_comments=True
        )
    assert not Sanction.objects.exists()
    sanctions.ban_member(
        member=author,
        moderator=moderator,
        reason="Spam account",
        remove_comments=True,
        removal_reason=ReportReason.INAUTHENTIC,
    )
    assert set(Comment.objects.values_list("status", "removal_reason")) == {
        ("removed", "inauthentic")
    }
    assert permissions.active_sanction(author).kind == Sanction.Kind.BAN
    assert ModerationAction.objects.filter(kind=Kind.REMOVE).count() == 2
    assert ModerationAction.objects.filter(kind=Kind.BAN).count() == 1


def test_moderators_cannot_sanction_themselves(moderator):
    with pytest.raises(ActionRefused, match="yourself"):
        sanctions.ban_member(member=moderator, moderator=moderator, reason="oops")


def test_note_on_member(author, moderator):
    sanctions.add_member_note(member=author, moderator=moderator, text="Warned in October.")
    assert MemberNote.objects.get().text == "Warned in October."
    assert ModerationAction.objects.get().kind == Kind.NOTE
    with pytest.raises(ActionRefused, match="empty"):
        sanctions.add_member_note(member=author, moderator=moderator, text=" ")


def test_removal_notice_partial_shows_reason_message_and_appeal_link(removed):
    removed.moderator_message = "Please <cite> a source."
    html = render_to_string(
        "moderation/_removal_notice.html", {"comment": removed, "appeal_link": True}
    )
    assert "Removed by a moderator: Off-topic." in html
    assert "Please &lt;cite&gt; a source." in html
    assert f'href="/comments/{removed.pk}/appeal/"' in html


def test_crisis_reporter_hears_the_outcome_kindly(
    comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reports.report_comment(comment=comment, reporter=UserFactory(), reason=ReportReason.CRISIS)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    (mail,) = [mail for mail in mailoutbox if "reviewed" in mail.subject]
    assert "Thank you for looking out for someone" in mail.body
    assert "left it in place" in mail.body
    assert "local emergency number" in mail.body
    assert "no action was needed" not in mail.body
