"""Who may report a comment: one rule (forum.permissions.report_refusal, in a member's
half and a comment's half), and the page, the report view and report_comment agree."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from aposbook.models import User
from articles.models import Article
from forum import permissions
from forum.models import Appeal, Comment, CommentStatus, Report, ReportReason
from forum.moderation import decisions, sanctions
from forum.moderation.appeals import submit_appeal
from forum.moderation.errors import AppealRefused, ReportRefused
from forum.moderation.forms import AppealForm
from forum.moderation.reports import report_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db


def report_url(comment: Comment) -> str:
    return reverse("forum:comment-report", args=[comment.pk])


def hidden_by_three_reports(comment: Comment, settings: Any) -> None:
    settings.FORUM_HIDE_AFTER_REPORTS = 3
    for number in range(3):
        report_comment(
            comment=comment, reporter=UserFactory(username=f"r{number}"), reason="off_topic"
        )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN


CRISIS_NOTE = "They wrote goodbye to everyone, please check on them."


def test_crisis_report_on_a_comment_hidden_a_moment_earlier_is_kept_with_its_note(
    comment: Comment, member: User, settings: Any
) -> None:
    hidden_by_three_reports(comment, settings)
    report = report_comment(
        comment=comment, reporter=member, reason=ReportReason.CRISIS, note=CRISIS_NOTE
    )
    report.refresh_from_db()
    assert (report.reason, report.note, report.reporter) == ("crisis", CRISIS_NOTE, member)
    assert report.snapshot == "Magnesium helped my sleep a little."


def test_crisis_report_through_the_view_on_a_just_hidden_comment_is_kept(
    client: Client, comment: Comment, member: User, settings: Any
) -> None:
    client.force_login(member)
    assert client.get(report_url(comment)).status_code == 200  # the form, while published
    hidden_by_three_reports(comment, settings)
    response = client.post(report_url(comment), {"reason": "crisis", "note": CRISIS_NOTE})
    assert response.status_code == 302
    report = Report.objects.get(reporter=member)
    assert (report.reason, report.note) == ("crisis", CRISIS_NOTE)


def test_the_report_form_of_a_hidden_comment_does_not_show_its_text_to_others(
    client: Client, comment: Comment, member: User, settings: Any
) -> None:
    hidden_by_three_reports(comment, settings)
    client.force_login(member)
    response = client.get(report_url(comment))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="reason"' in html
    assert "Magnesium helped my sleep" not in html
    assert "hidden while a moderator reviews it" in html


def test_report_service_refuses_what_the_report_form_refuses(
    comment: Comment, member: User
) -> None:
    for reason, note, message in [
        ("", "", "Please choose a reason."),
        ("rude", "", "Select a valid choice. rude is not one of the available choices."),
        ("other", "   ", "Please say what is wrong when you choose “Other”."),
        ("off_topic", "x" * 1001, "Ensure this value has at most 1000 characters"),
        ("off_topic", "nul\x00", "Null characters are not allowed."),
    ]:
        with pytest.raises(ReportRefused, match=message):
            report_comment(comment=comment, reporter=member, reason=reason, note=note)
    assert not Report.objects.exists()


SITUATIONS = [
    "may report",
    "own comment",
    "unverified",
    "suspended",
    "anonymous",
    "hidden",
    "removed",
    "deleted",
    "pending",
    "already reported",
]
REFUSALS = {
    "may report": "",
    "own comment": permissions.REPORT_OWN,
    "unverified": "Please verify your email address before reporting comments.",
    "suspended": "Your account is restricted, so you cannot report comments now.",
    "anonymous": permissions.REPORT_SIGN_IN,
    "hidden": "",
    "removed": permissions.REPORT_GONE,
    "deleted": permissions.REPORT_GONE,
    "pending": permissions.REPORT_WAITING,
    "already reported": permissions.REPORT_TWICE,
}


def situation(
    name: str, *, article: Article, author: User, moderator: User, settings: Any
) -> tuple[Comment, Any]:
    """A comment to report, with a reply keeping its thread on the page, and a reader."""
    status = {"pending": CommentStatus.PENDING, "removed": CommentStatus.REMOVED}.get(
        name, CommentStatus.DELETED if name == "deleted" else CommentStatus.PUBLISHED
    )
    comment = make_comment(article, author, "The comment in question.", status=status)
    make_comment(article, moderator, "A reply.", parent=comment, root=comment, depth=1)
    reader: Any = UserFactory(username="reader", verified=name != "unverified")
    if name == "own comment":
        reader = author
    if name == "anonymous":
        reader = AnonymousUser()
    if name == "suspended":
        sanctions.suspend_member(member=reader, moderator=moderator, days=2, reason="Insults")
    if name == "hidden":
        hidden_by_three_reports(comment, settings)
    if name == "already reported":
        report_comment(comment=comment, reporter=reader, reason="off_topic")
    return comment, reader


@pytest.mark.parametrize("name", SITUATIONS)
def test_page_view_and_service_agree_on_who_may_report(
    name: str, client: Client, article: Article, author: User, moderator: User, settings: Any
) -> None:
    comment, reader = situation(
        name, article=article, author=author, moderator=moderator, settings=settings
    )
    expected = str(REFUSALS[name])
    assert permissions.report_refusal(reader, comment) == expected

    # The page: a Report link only where the rule allows it and the reader sees the text.
    if reader.is_authenticated:
        client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    shown = "The comment in question." in page
    assert (f'href="{report_url(comment)}"' in page) == (not expected and shown)
    assert ("You reported this" in page) == (name == "already reported")

    # The view: the form where the rule allows it, else the rule's words (and never a
    # 404 for a comment the reader could see).
    response = client.get(report_url(comment), follow=True)
    html = response.content.decode()
    if name == "anonymous":
        # A signed-out visitor's Report link is the notice form (forum/moderation/notices).
        assert response.redirect_chain[-1][0] == f"/comments/{comment.pk}/notice/"
        assert 'name="good_faith"' in html
    elif name == "pending":
        assert response.status_code == 404
    elif expected:
        assert 'name="reason"' not in html
        assert expected in html.replace("&#x27;", "'")
    else:
        assert 'name="reason"' in html
    before = Report.objects.count()
    posted = client.post(report_url(comment), {"reason": "harassment", "note": "my note"})
    if expected and name not in ("anonymous", "pending"):
        assert posted.status_code == 400
        assert "my note" in posted.content.decode()
        assert expected in posted.content.decode().replace("&#x27;", "'")
    assert Report.objects.count() == before + (0 if expected else 1)

    # The service.
    if expected:
        with pytest.raises(ReportRefused, match=expected):
            report_comment(comment=comment, reporter=reader, reason="harassment")
    assert Report.objects.count() == before + (0 if expected else 1)


def test_a_member_who_reported_sees_it_on_the_page_at_once(
    client: Client, comment: Comment, member: User, article: Article
) -> None:
    client.force_login(member)
    before = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{report_url(comment)}"' in before
    client.post(report_url(comment), {"reason": "off_topic", "note": ""})
    after = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{report_url(comment)}"' not in after
    assert "You reported this" in after
    # Others still get the Report link from the shared page.
    client.force_login(UserFactory(username="someone_else"))
    other = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{report_url(comment)}"' in other
    assert "You reported this" not in other


# --- The appeal service refuses what the appeal form refuses --------------------------

APPEAL_INPUTS = {
    "empty": "  \n ",
    "too long": "x" * 1001,
    "nul": "please\x00",
}


@pytest.mark.parametrize("case", APPEAL_INPUTS)
def test_submit_appeal_refuses_what_the_appeal_form_refuses(
    case: str, client: Client, comment: Comment, author: User, moderator: User
) -> None:
    decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason="off_topic")
    form = AppealForm({"message": APPEAL_INPUTS[case]})
    assert not form.is_valid()
    message = form.errors["message"][0]
    with pytest.raises(AppealRefused) as refusal:
        submit_appeal(comment=comment, author=author, message=APPEAL_INPUTS[case])
    assert str(refusal.value) == message
    assert not Appeal.objects.exists()
    client.force_login(author)
    response = client.post(
        reverse("forum:comment-appeal", args=[comment.pk]), {"message": APPEAL_INPUTS[case]}
    )
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_moderator_who_reported_sees_it_on_their_live_page(
    client: Client, comment: Comment, moderator: User, article: Article
) -> None:
    report_comment(comment=comment, reporter=moderator, reason="off_topic")
    client.force_login(moderator)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "You reported this" in page
    assert f'href="{report_url(comment)}"' not in page
