"""DSA duties of issue 14: statements of reasons (Art. 17), complaints (Art. 20), trusted
flaggers (Art. 22) and misuse of reporting (Art. 23)."""

import datetime

import pytest
import time_machine
from django.core import mail

from aposbook.accounts import export_member_data
from forum import services
from forum.models import (
    Appeal,
    CommentStatus,
    ModerationAction,
    Notification,
    Report,
    ReportingLimit,
    ReportReason,
    Sanction,
    StatementOfReasons,
    TrustedFlagger,
)
from forum.moderation import (
    appeals,
    contest_links,
    decisions,
    queue,
    reports,
    sanctions,
    statements,
    trusted,
)
from forum.moderation.errors import ActionRefused, AppealRefused
from tests.factories import UserFactory, sign_in_with_second_factor
from tests.moderation.conftest import make_comment

Kind = ModerationAction.Kind
Restriction = StatementOfReasons.Restriction
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the emails' task) and return the outbox."""

    class Sent:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return mailoutbox

        def __exit__(self, *exc):
            return self.capture.__exit__(*exc)

    return Sent()


def _remove(comment, moderator, reason=ReportReason.HARASSMENT):
    return decisions.remove_comment(comment_id=comment.pk, moderator=moderator, reason=reason)


# --- Statements of reasons (Art. 17) -----------------------------------------------------


def test_a_removal_carries_a_statement_with_facts_clause_automation_and_routes(
    comment, moderator, sent
):
    with sent as outbox:
        _remove(comment, moderator, ReportReason.MEDICAL_HARM)
    statement = StatementOfReasons.objects.get()
    assert statement.action.kind == Kind.REMOVE
    assert statement.restriction == Restriction.REMOVAL
    assert statement.member == comment.author
    assert statement.comment == comment
    # The comment is referenced by number and article, its text is not re-published.
    assert f"no. {comment.pk}" in statement.facts
    assert comment.article.title in statement.facts
    assert comment.body_source not in statement.facts
    assert (statement.clause_number, statement.clause_title) == (
        3,
        "No dosing advice or dangerous claims",
    )
    assert not statement.detected_automatically
    assert not statement.decided_automatically
    assert statement.complaint_deadline == datetime.datetime(2026, 9, 2, 9, 0, tzinfo=datetime.UTC)
    assert f"/comments/{comment.pk}/appeal/" in statement.redress
    assert "Article 21" in statement.redress
    assert "court" in statement.redress
    body = outbox[-1].body
    assert "Statement of reasons" in body
    assert "clause 3 of the community guidelines" in body
    assert "Decided by automated means: no, by a moderator." in body


def test_a_statement_keeps_what_it_said_when_settings_change_later(comment, moderator, settings):
    _remove(comment, moderator)
    settings.FORUM_COMPLAINT_MONTHS = 1
    statement = StatementOfReasons.objects.get()
    assert statement.complaint_deadline.month == 9
    assert "2 September 2026" in statement.redress


def test_the_author_sees_the_statement_on_their_removed_comment(client, comment, moderator):
    _remove(comment, moderator)
    client.force_login(comment.author)
    page = client.get(comment.article.get_absolute_url()).content.decode()
    assert "Statement of reasons" in page
    assert "Clause 4 of the community guidelines" in page
    assert "Decided by a moderator." in page
    # A sanction naming the comment keeps its statement with the sanction notice.
    sanctions.suspend_member(
        member=comment.author, moderator=moderator, days=3, reason="Rude.", comment=comment
    )
    page = client.get(comment.article.get_absolute_url()).content.decode()
    assert "a moderator removed your comment no." in page
    # Nobody else sees it.
    client.force_login(UserFactory())
    other = client.get(comment.article.get_absolute_url()).content.decode()
    assert "Statement of reasons" not in other


def test_an_automatic_hide_after_reports_has_an_automated_statement_and_an_email(
    comment, settings, sent
):
    settings.FORUM_HIDE_AFTER_REPORTS = 2
    with sent as outbox:
        for _ in range(2):
            reports.report_comment(
                comment=comment, reporter=UserFactory(), reason=ReportReason.INAUTHENTIC
            )
    statement = StatementOfReasons.objects.get()
    assert statement.restriction == Restriction.HIDING
    assert statement.action.kind == Kind.AUTO_HIDE
    assert statement.decided_automatically
    assert statement.clause_number == 5
    assert "2 members reported it" in statement.facts
    hidden = [m for m in outbox if m.to == [comment.author.email]]
    assert hidden
    assert "Statement of reasons" in hidden[0].body


def test_a_moderators_hide_has_a_statement_decided_by_a_person(comment, moderator):
    decisions.hide_comment(comment_id=comment.pk, moderator=moderator, reason="Checking")
    statement = StatementOfReasons.objects.get()
    assert (statement.restriction, statement.decided_automatically) == (Restriction.HIDING, False)


def test_a_hold_at_posting_has_a_statement_the_author_sees(client, article, member):
    comment = services.post_comment(author=member, article=article, body="My first thought.")
    assert comment.status == CommentStatus.PENDING
    statement = StatementOfReasons.objects.get(comment=comment)
    assert statement.restriction == Restriction.HOLDING
    assert statement.decided_automatically
    assert not statement.detected_automatically
    assert statement.clause_number == 5  # a new member's first comments (clause_for_hold)
    assert statement.action.automated
    client.force_login(member)
    assert "Statement of reasons" in client.get(article.get_absolute_url()).content.decode()


def test_a_dosing_hold_was_detected_by_automated_means(article, member, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0
    comment = services.post_comment(
        author=member,
        article=article,
        body="Everyone should take 400 mg of magnesium every night.",
        dosing_confirmed=True,
    )
    assert comment.hold_reason == "dosing_advice"
    statement = StatementOfReasons.objects.get(comment=comment)
    assert statement.detected_automatically
    assert statement.clause_number == 3


def test_suspension_and_ban_carry_statements_in_their_emails(author, moderator, sent):
    with sent as outbox:
        suspension = sanctions.suspend_member(
            member=author, moderator=moderator, days=3, reason="Insults."
        )
        ban = sanctions.ban_member(member=author, moderator=moderator, reason="Again.")
    assert suspension.statement.restriction == Restriction.SUSPENSION
    assert suspension.statement.ends_at == suspension.ends_at
    assert ban.statement.restriction == Restriction.BAN
    assert f"/complaints/{ban.statement.action_id}/" in ban.statement.redress
    assert all("Statement of reasons" in message.body for message in outbox)


def test_a_ban_that_removes_comments_issues_a_statement_for_each(comment, moderator):
    sanctions.ban_member(
        member=comment.author,
        moderator=moderator,
        reason="Spam.",
        remove_comments=True,
        removal_reason=ReportReason.INAUTHENTIC,
    )
    kinds = set(StatementOfReasons.objects.values_list("restriction", flat=True))
    assert kinds == {Restriction.BAN, Restriction.REMOVAL}


def test_redaction_can_issue_its_statement(comment, moderator):
    """The door issue 19's redaction calls, inside its own transaction."""
    action = ModerationAction.objects.create(kind=Kind.HIDE, moderator=moderator, comment=comment)
    statement = statements.for_redaction(
        action=action, comment=comment, reason=ReportReason.PRIVATE_INFO, ground="A phone number"
    )
    assert (statement.restriction, statement.clause_number) == (Restriction.REDACTION, 2)
    assert f"/complaints/{action.pk}/" in statement.redress


def test_the_data_export_lists_the_members_statements(comment, moderator):
    _remove(comment, moderator)
    data = export_member_data(member=comment.author)
    [row] = data["statements_of_reasons"]
    assert row["restriction"] == "removal"
    assert row["clause_number"] == 4
    assert row["comment_id"] == comment.pk
    assert row["decided_automatically"] is False
    assert "Article 21" in row["redress"]


# --- Complaints (Art. 20) -----------------------------------------------------------------


def test_a_removal_appeal_needs_reasons_and_a_different_moderator(
    comment, moderator, second_moderator, sent
):
    _remove(comment, moderator)
    appeals.submit_appeal(comment=comment, author=comment.author, message="I was kind.")
    with pytest.raises(ActionRefused, match="another moderator decides"):
        appeals.decide_appeal(
            comment_id=comment.pk, moderator=moderator, overturn=True, message="Fine."
        )
    with pytest.raises(ActionRefused, match="give the reasons"):
        appeals.decide_appeal(
            comment_id=comment.pk, moderator=second_moderator, overturn=True, message="  "
        )
    assert Appeal.objects.get().status == Appeal.Status.OPEN
    with sent as outbox:
        appeals.decide_appeal(
            comment_id=comment.pk, moderator=second_moderator, overturn=False, message="Rude."
        )
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.answer) == (Appeal.Status.UPHELD, "Rude.")
    assert "Rude." in outbox[-1].body
    note = Notification.objects.get(recipient=comment.author, kind="appeal_outcome")
    assert "declined" in note.text
    assert "Rude." in note.text


def test_a_removal_appeal_after_six_months_is_refused_calmly(comment, moderator):
    _remove(comment, moderator)
    with (
        time_machine.travel(NOW + datetime.timedelta(days=185), tick=False),
        pytest.raises(AppealRefused, match="can no longer be reviewed here"),
    ):
        appeals.submit_appeal(comment=comment, author=comment.author, message="Late.")
    assert not Appeal.objects.exists()


@pytest.fixture
def suspension(author, moderator):
    return sanctions.suspend_member(member=author, moderator=moderator, days=30, reason="Rude.")


def test_an_author_appeals_a_sanction_and_a_different_moderator_lifts_it(
    suspension, author, moderator, second_moderator, sent
):
    action_id = suspension.statement.action_id
    complaint = appeals.submit_complaint(action_id=action_id, member=author, message="Sorry.")
    with pytest.raises(AppealRefused, match="already sent a complaint"):
        appeals.submit_complaint(action_id=action_id, member=author, message="Again.")
    with pytest.raises(ActionRefused, match="another moderator decides"):
        appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=moderator, grant=True, answer="Ok."
        )
    with pytest.raises(ActionRefused, match="give the reasons"):
        appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=second_moderator, grant=True, answer=""
        )
    assert Appeal.objects.get().status == Appeal.Status.OPEN
    with sent as outbox:
        appeals.decide_complaint(
            complaint_id=complaint.pk,
            moderator=second_moderator,
            grant=True,
            answer="A first time; it is lifted.",
        )
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None
    assert not Sanction.objects.active().exists()
    assert ModerationAction.objects.filter(kind=Kind.COMPLAINT_GRANTED).count() == 1
    assert "A first time; it is lifted." in outbox[-1].body
    assert outbox[-1].to == [author.email]
    assert Notification.objects.filter(recipient=author, kind="appeal_outcome").exists()
    with pytest.raises(ActionRefused, match="already decided"):
        appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=second_moderator, grant=False, answer="No."
        )


def test_only_the_member_concerned_may_complain_and_only_in_time(suspension, author, member):
    action_id = suspension.statement.action_id
    with pytest.raises(AppealRefused, match="no decision about you"):
        appeals.submit_complaint(action_id=action_id, member=member, message="Me too.")
    with pytest.raises(AppealRefused, match="say why"):
        appeals.submit_complaint(action_id=action_id, member=author, message=" ")
    with (
        time_machine.travel(NOW + datetime.timedelta(days=190), tick=False),
        pytest.raises(AppealRefused, match="6 months after a decision"),
    ):
        appeals.submit_complaint(action_id=action_id, member=author, message="Late.")
    assert not Appeal.objects.exists()


@pytest.fixture
def dismissed(comment, member, moderator):
    report = reports.report_comment(comment=comment, reporter=member, reason="harassment")
    decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    report.refresh_from_db()
    return report


def test_a_reporter_contests_a_dismissal_and_the_report_returns_to_the_queue(
    dismissed, member, moderator, second_moderator, sent
):
    complaint = appeals.contest_report(report_id=dismissed.pk, member=member, message="Insult.")
    assert complaint.kind == Appeal.Kind.INACTION
    with pytest.raises(AppealRefused, match="already sent a complaint"):
        appeals.contest_report(report_id=dismissed.pk, member=member, message="Again.")
    with pytest.raises(ActionRefused, match="another moderator decides"):
        appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=moderator, grant=True, answer="Yes."
        )
    with sent as outbox:
        appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=second_moderator, grant=True, answer="A look."
        )
    dismissed.refresh_from_db()
    assert dismissed.resolution == Report.Resolution.OPEN
    assert dismissed.comment in queue.queue_comments()
    assert "back with the moderators" in outbox[-1].body
    assert outbox[-1].to == [member.email]


def test_only_a_dismissed_report_of_ones_own_can_be_contested(comment, member, moderator):
    report = reports.report_comment(comment=comment, reporter=member, reason="harassment")
    with pytest.raises(AppealRefused, match="decided not to act"):
        appeals.contest_report(report_id=report.pk, member=member, message="Why?")
    decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    with pytest.raises(AppealRefused, match="no report of yours"):
        appeals.contest_report(report_id=report.pk, member=UserFactory(), message="Why?")
    with (
        time_machine.travel(NOW + datetime.timedelta(days=200), tick=False),
        pytest.raises(AppealRefused, match="no longer be reviewed"),
    ):
        appeals.contest_report(report_id=report.pk, member=member, message="Why?")
    assert not Appeal.objects.exists()


def test_the_report_handled_email_links_to_the_contest_page(
    comment, member, moderator, django_capture_on_commit_callbacks
):
    report = reports.report_comment(comment=comment, reporter=member, reason="harassment")
    with django_capture_on_commit_callbacks(execute=True):
        decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    assert f"/reports/{report.pk}/contest/" in mail.outbox[-1].body


def test_a_visitor_contests_through_a_signed_link_and_is_answered_by_email(
    client, dismissed, second_moderator, sent
):
    url = contest_links.contest_url(report=dismissed, email="visitor@example.org")
    assert client.get(url).status_code == 200
    response = client.post(url, {"message": "It mocks ill people."})
    assert response.status_code == 302
    complaint = Appeal.objects.get()
    assert (complaint.author, complaint.contact_email) == (None, "visitor@example.org")
    with sent as outbox:
        appeals.decide_complaint(
            complaint_id=complaint.pk, moderator=second_moderator, grant=False, answer="Fine."
        )
    assert outbox[-1].to == ["visitor@example.org"]
    assert "Fine." in outbox[-1].body
    # A forged or altered link does nothing.
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_the_complaint_form_keeps_the_text_and_explains(client, suspension, author):
    client.force_login(author)
    url = f"/complaints/{suspension.statement.action_id}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Statement of reasons" in page.content.decode()
    refused = client.post(url, {"message": ""})
    assert refused.status_code == 400
    assert "Please say why the decision should be looked at again." in refused.content.decode()
    assert client.post(url, {"message": "I apologised."}).status_code == 302
    # The page now shows the complaint sent; a second one changes nothing.
    page = client.get(url).content.decode()
    assert "I apologised." in page
    assert "Waiting for a moderator" in page
    assert client.post(url, {"message": "Second try"}).status_code == 400
    assert Appeal.objects.count() == 1
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_decision_page_refuses_a_missing_answer_and_keeps_the_choice(
    client, suspension, author, second_moderator
):
    complaint = appeals.submit_complaint(
        action_id=suspension.statement.action_id, member=author, message="Sorry."
    )
    sign_in_with_second_factor(client, second_moderator)
    assert "Sorry." in client.get("/moderation/complaints/").content.decode()
    url = f"/moderation/complaints/{complaint.pk}/"
    refused = client.post(url, {"decision": "grant", "answer": ""})
    assert refused.status_code == 400
    assert "Please give the reasons for your decision" in refused.content.decode()
    assert 'value="grant"' in refused.content.decode()
    assert "checked" in refused.content.decode()
    assert Appeal.objects.get().status == Appeal.Status.OPEN
    assert client.post(url, {"decision": "keep", "answer": "It stands."}).status_code == 302
    assert Appeal.objects.get().answer == "It stands."


def test_the_decision_page_tells_the_deciding_moderator_to_leave_it(
    client, suspension, author, moderator
):
    complaint = appeals.submit_complaint(
        action_id=suspension.statement.action_id, member=author, message="Sorry."
    )
    sign_in_with_second_factor(client, moderator)
    page = client.get(f"/moderation/complaints/{complaint.pk}/").content.decode()
    assert "another moderator decides it" in page
    assert 'name="answer"' not in page


# --- Trusted flaggers (Art. 22) -------------------------------------------------------------


def test_trusted_flaggers_are_logged_and_their_reports_come_first_within_a_severity(
    article, author, moderator
):
    flagger = UserFactory(username="ngo")
    trusted.add_trusted_flagger(
        member=flagger, moderator=moderator, organisation="Pain UK", since=datetime.date(2026, 1, 5)
    )
    with pytest.raises(ActionRefused, match="already a trusted flagger"):
        trusted.add_trusted_flagger(
            member=flagger,
            moderator=moderator,
            organisation="Again",
            since=datetime.date(2026, 2, 1),
        )
    older = make_comment(article, author, "First")
    newer = make_comment(article, author, "Second")
    for _ in range(2):
        reports.report_comment(comment=older, reporter=UserFactory(), reason="off_topic")
    report = reports.report_comment(comment=newer, reporter=flagger, reason="off_topic")
    assert report.source == Report.Source.TRUSTED_FLAGGER
    assert list(queue.queue_comments())[:2] == [newer, older]
    # A more severe member report still comes before.
    severe = make_comment(article, author, "Third")
    reports.report_comment(comment=severe, reporter=UserFactory(), reason="harassment")
    assert queue.queue_comments().first() == severe
    flagger_id = TrustedFlagger.objects.get(member=flagger).pk
    trusted.remove_trusted_flagger(flagger_id=flagger_id, moderator=moderator)
    kinds = list(ModerationAction.objects.filter(member=flagger).values_list("kind", flat=True))
    assert kinds == [Kind.TRUSTED_REMOVE, Kind.TRUSTED_ADD]
    with pytest.raises(ActionRefused, match="already removed"):
        trusted.remove_trusted_flagger(flagger_id=999, moderator=moderator)


def test_the_trusted_flaggers_page_adds_with_errors_kept(client, moderator, member):
    sign_in_with_second_factor(client, moderator)
    refused = client.post(
        "/moderation/trusted-flaggers/",
        {"username": "nobody", "organisation": "Pain UK", "since": "2026-01-05"},
    )
    assert refused.status_code == 400
    assert "There is no member with that username." in refused.content.decode()
    assert 'value="Pain UK"' in refused.content.decode()
    added = client.post(
        "/moderation/trusted-flaggers/",
        {"username": member.username, "organisation": "Pain UK", "since": "2026-01-05"},
    )
    assert added.status_code == 302
    assert "Pain UK" in client.get("/moderation/trusted-flaggers/").content.decode()
    client.force_login(UserFactory())
    assert client.get("/moderation/trusted-flaggers/").status_code in (302, 403)


# --- Misuse (Art. 23) ------------------------------------------------------------------------


@pytest.fixture
def misuse_settings(settings):
    settings.FORUM_MISUSE_WARN_AFTER = 2
    settings.FORUM_MISUSE_LIMIT_AFTER = 3
    settings.FORUM_MISUSE_MIN_SHARE = 50
    settings.FORUM_MISUSE_LIMIT_DAYS = 30
    settings.FORUM_HIDE_AFTER_REPORTS = 2
    return settings


def _unfounded_report(article, author, reporter, moderator):
    comment = make_comment(article, author, "Fine words.")
    report = reports.report_comment(comment=comment, reporter=reporter, reason="harassment")
    decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator, unfounded=[report.pk])
    return report


def test_often_unfounded_reports_warn_then_stop_counting_toward_auto_hide(
    misuse_settings, article, author, member, moderator, second_moderator, sent
):
    _unfounded_report(article, author, member, moderator)
    assert not ModerationAction.objects.filter(kind=Kind.MISUSE_WARN).exists()
    with sent as outbox:
        _unfounded_report(article, author, member, moderator)
    assert ModerationAction.objects.filter(kind=Kind.MISUSE_WARN, member=member).count() == 1
    assert Notification.objects.filter(recipient=member, kind="moderator_message").exists()
    assert any("manifestly unfounded" in m.body for m in outbox if m.to == [member.email])
    assert not ReportingLimit.objects.exists()
    with sent as outbox:
        _unfounded_report(article, author, member, moderator)
    limit = ReportingLimit.objects.active().get(member=member)
    assert limit.ends_at == NOW + datetime.timedelta(days=30)
    statement = StatementOfReasons.objects.get(restriction=Restriction.REPORTS_LIMITED)
    assert statement.member == member
    assert statement.decided_automatically
    assert any("Statement of reasons" in m.body for m in outbox if m.to == [member.email])

    # Their report reaches the queue but does not count toward hiding.
    target = make_comment(article, author, "Reported twice.")
    reports.report_comment(comment=target, reporter=member, reason="harassment")
    reports.report_comment(comment=target, reporter=UserFactory(), reason="harassment")
    target.refresh_from_db()
    assert target.status == CommentStatus.PUBLISHED
    assert target in queue.queue_comments()

    # Appealable: a moderator grants it and the limit ends.
    complaint = appeals.submit_complaint(
        action_id=statement.action_id, member=member, message="They were rude."
    )
    appeals.decide_complaint(
        complaint_id=complaint.pk, moderator=second_moderator, grant=True, answer="Fair."
    )
    assert not ReportingLimit.objects.active().exists()


def test_dismissing_without_marking_never_counts_as_misuse(
    misuse_settings, article, author, member, moderator
):
    for _ in range(4):
        comment = make_comment(article, author, "Fine.")
        reports.report_comment(comment=comment, reporter=member, reason="harassment")
        decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    assert not ModerationAction.objects.filter(kind=Kind.MISUSE_WARN).exists()
    assert not Report.objects.filter(manifestly_unfounded=True).exists()


def test_the_item_page_shows_a_reporters_standing_and_the_unfounded_boxes(
    misuse_settings, client, article, author, member, moderator
):
    _unfounded_report(article, author, member, moderator)
    _unfounded_report(article, author, member, moderator)
    comment = make_comment(article, author, "Another.")
    report = reports.report_comment(comment=comment, reporter=member, reason="harassment")
    sign_in_with_second_factor(client, moderator)
    page = client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "2 of 2 decided reports recently dismissed as manifestly unfounded" in page
    assert "warned" in page
    assert f'name="unfounded" value="{report.pk}"' in page
    version = queue.queue_item(moderator=moderator, pk=comment.pk).version
    client.post(
        f"/moderation/comments/{comment.pk}/dismiss/",
        {"version": version, "unfounded": [str(report.pk)]},
    )
    report.refresh_from_db()
    assert report.manifestly_unfounded
    assert report.resolution == Report.Resolution.DISMISSED


def test_a_sanction_cites_the_clause_the_moderator_chose(client, comment, moderator):
    sign_in_with_second_factor(client, moderator)
    page = client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert "This comment is not in the queue" in page
    reports.report_comment(comment=comment, reporter=UserFactory(), reason="harassment")
    page = client.get(f"/moderation/comments/{comment.pk}/").content.decode()
    assert 'name="clause"' in page
    assert "5. Be authentic" in page
    response = client.post(
        f"/moderation/members/{comment.author.pk}/suspend/",
        {"days": "3", "reason": "Several accounts.", "clause": "5", "comment": str(comment.pk)},
    )
    assert response.status_code == 302
    statement = StatementOfReasons.objects.get(restriction=Restriction.SUSPENSION)
    assert (statement.clause_number, statement.clause_title) == (5, "Be authentic")
    with pytest.raises(ActionRefused, match="Choose a clause"):
        sanctions.ban_member(member=comment.author, moderator=moderator, reason="X", clause=99)
    assert not Sanction.objects.filter(kind=Sanction.Kind.BAN).exists()
