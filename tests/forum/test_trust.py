"""Issue 16: "Helpful" / "Same for me", the "Most helpful" order, verified experts' badge.

Who counts, what never ranks up, the rate limit and the daily notification, the
cached pages (anonymous and member stencil) and the member page's queries."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.models import (
    CommentStatus,
    ExpertCredential,
    Notification,
    Reaction,
    Report,
    ReportReason,
    Sanction,
)
from forum.moderation import experts, reports
from forum.moderation.screening import screen_comment
from forum.services import ReactionRefused, toggle_reaction
from forum.trust import counted_reactions
from tests.factories import CommentFactory, UserFactory
from tests.moderation.conftest import make_moderator

DAY = datetime.timedelta(days=1)


def old_member(**fields):
    """An account past the day before its reactions count."""
    user = UserFactory(**fields)
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - 2 * DAY)
    user.refresh_from_db()
    return user


def _order(client, article, **query) -> list[int]:
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 200
    return [
        int(pk)
        for pk in re.findall(
            r'class="thread">\s*<article[^>]*id="comment-(\d+)"', response.content.decode()
        )
    ]


@pytest.fixture
def thread(article):
    return [CommentFactory(article=article, author=old_member()) for _ in range(3)]


def test_a_reaction_toggles_and_counts_once_per_member(thread):
    voter = old_member()
    on = toggle_reaction(comment=thread[0], member=voter, kind="helpful")
    assert (on.on, on.counts, on.helpful) == (True, True, 1)
    assert toggle_reaction(comment=thread[0], member=voter, kind="same").same == 1
    off = toggle_reaction(comment=thread[0], member=voter, kind="helpful")
    assert (off.on, off.helpful, off.same) == (False, 0, 1)
    assert Reaction.objects.filter(member=voter).count() == 1


def test_reactions_from_new_or_unverified_accounts_do_not_count(thread):
    new = UserFactory()
    change = toggle_reaction(comment=thread[0], member=new, kind="helpful")
    assert change.on
    assert not change.counts
    assert change.helpful == 0
    was_verified = old_member()
    toggle_reaction(comment=thread[0], member=was_verified, kind="helpful")
    assert counted_reactions().count() == 1
    EmailAddress.objects.filter(user=was_verified).update(verified=False)
    assert counted_reactions().count() == 0


def test_who_may_not_react(thread, unverified_member):
    author = thread[0].author
    with pytest.raises(ReactionRefused, match="your own comment"):
        toggle_reaction(comment=thread[0], member=author, kind="helpful")
    with pytest.raises(ReactionRefused, match="verify your email"):
        toggle_reaction(comment=thread[0], member=unverified_member, kind="helpful")
    voter = old_member()
    Sanction.objects.create(member=voter, kind=Sanction.Kind.BAN, reason="Spam.")
    with pytest.raises(ReactionRefused, match="restricted"):
        toggle_reaction(comment=thread[0], member=voter, kind="helpful")
    held = CommentFactory(article=thread[0].article, status=CommentStatus.PENDING)
    with pytest.raises(ReactionRefused, match="cannot be marked"):
        toggle_reaction(comment=held, member=old_member(), kind="helpful")
    with pytest.raises(ReactionRefused):
        toggle_reaction(comment=thread[0], member=old_member(), kind="love")
    assert not Reaction.objects.exists()


def test_reacting_is_rate_limited(thread, settings):
    settings.FORUM_REACTION_RATE = ["3/m"]
    voter = old_member()
    for _ in range(3):
        toggle_reaction(comment=thread[0], member=voter, kind="helpful")
    with pytest.raises(ReactionRefused, match="too fast") as refused:
        toggle_reaction(comment=thread[0], member=voter, kind="helpful")
    assert refused.value.status == 429
    assert Reaction.objects.filter(member=voter).count() == 1


def test_the_author_is_told_at_most_once_a_day_per_comment(thread, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(3):
        toggle_reaction(comment=thread[0], member=old_member(), kind="helpful")
    toggle_reaction(comment=thread[0], member=UserFactory(), kind="helpful")  # uncounted
    told = Notification.objects.filter(recipient=thread[0].author, kind="reaction")
    assert told.count() == 1
    assert told.get().actor is None  # who marked it is never shown
    time_machine.shift(DAY + datetime.timedelta(minutes=1))
    toggle_reaction(comment=thread[0], member=old_member(), kind="same")
    assert told.count() == 2


def _mark(comment, count, kind="helpful"):
    for _ in range(count):
        toggle_reaction(comment=comment, member=old_member(), kind=kind)


def test_most_helpful_order(client, article, thread):
    _mark(thread[2], 2)
    _mark(thread[1], 1)
    _mark(thread[0], 3, kind="same")
    assert _order(client, article, sort="helpful") == [thread[2].pk, thread[1].pk, thread[0].pk]
    assert _order(client, article) == [c.pk for c in thread]


@pytest.mark.parametrize(
    "reason", [ReportReason.MEDICAL_HARM, ReportReason.CRISIS, ReportReason.PRIVATE_INFO]
)
def test_an_open_report_for_harm_drops_a_comment_from_the_top(
    client, article, thread, reason, django_capture_on_commit_callbacks
):
    _mark(thread[2], 2)
    assert _order(client, article, sort="helpful")[0] == thread[2].pk  # kept in the cache
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_comment(comment=thread[2], reporter=old_member(), reason=reason)
    assert _order(client, article, sort="helpful") == [c.pk for c in thread]


def test_an_off_topic_report_does_not_change_the_order(client, article, thread):
    _mark(thread[2], 2)
    reports.report_comment(comment=thread[2], reporter=old_member(), reason=ReportReason.OFF_TOPIC)
    assert _order(client, article, sort="helpful")[0] == thread[2].pk


def test_sanctioned_authors_and_hidden_comments_never_rank_up(client, article, thread):
    _mark(thread[2], 2)
    _mark(thread[1], 1)
    Sanction.objects.create(
        member=thread[2].author,
        kind=Sanction.Kind.SUSPENSION,
        reason="Cool off.",
        ends_at=timezone.now() + DAY,
    )
    assert _order(client, article, sort="helpful") == [thread[1].pk, thread[0].pk, thread[2].pk]
    type(thread[1]).objects.filter(pk=thread[1].pk).update(status=CommentStatus.HIDDEN)
    from forum.pagecache.versions import bump_discussion_version

    bump_discussion_version(article.pk)
    assert thread[1].pk not in _order(client, article, sort="helpful")[:1]


def test_counts_show_on_the_cached_anonymous_page_after_a_reaction(
    client, article, thread, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    assert "Helpful: 1" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        toggle_reaction(comment=thread[0], member=old_member(), kind="helpful")
    page = client.get(url)
    assert "Helpful: 1" in page.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_the_members_pressed_button_never_reaches_another_member(
    client, article, thread, django_capture_on_commit_callbacks
):
    voter, other = old_member(), old_member()
    with django_capture_on_commit_callbacks(execute=True):
        toggle_reaction(comment=thread[0], member=voter, kind="helpful")
    url = article.get_absolute_url()
    client.force_login(other)
    client.get(url)
    page = client.get(url)
    assert page["X-Page-Stencil"] == "hit"
    assert 'aria-pressed="true"' not in page.content.decode()
    assert 'data-count="helpful">1<' in page.content.decode()
    client.force_login(voter)
    mine = client.get(url)
    assert mine["X-Page-Stencil"] == "hit"
    assert mine.content.decode().count('aria-pressed="true"') == 1
    client.force_login(other)
    assert 'aria-pressed="true"' not in client.get(url).content.decode()


def test_the_member_page_costs_the_same_queries_with_reactions(client, article, thread):
    member = old_member()
    client.force_login(member)
    url = article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url)["X-Page-Stencil"] == "hit"
    for comment in thread:
        toggle_reaction(comment=comment, member=member, kind="helpful")
        toggle_reaction(comment=comment, member=old_member(), kind="same")
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url)["X-Page-Stencil"] == "hit"
    assert len(after) == len(before) <= 3


def test_the_form_works_without_javascript(client, article, thread):
    member = old_member()
    client.force_login(member)
    response = client.post(
        f"/comments/{thread[0].pk}/react/",
        {"kind": "helpful", "next": article.get_absolute_url() + "?sort=helpful"},
    )
    assert response.status_code == 302
    assert (
        response["Location"] == f"{article.get_absolute_url()}?sort=helpful#comment-{thread[0].pk}"
    )
    assert Reaction.objects.filter(member=member, comment=thread[0]).exists()
    answer = client.post(
        f"/comments/{thread[0].pk}/react/", {"kind": "same"}, HTTP_ACCEPT="application/json"
    ).json()
    assert answer == {"kind": "same", "on": True, "counts": True, "helpful": 1, "same": 1}
    offsite = client.post(
        f"/comments/{thread[0].pk}/react/", {"kind": "same", "next": "https://evil.example/"}
    )
    assert offsite["Location"].startswith("/comments/")


def test_anonymous_readers_see_counts_but_no_buttons(client, article, thread):
    _mark(thread[0], 1)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Helpful: 1" in html
    assert 'id="reaction-form"' not in html
    assert client.post(f"/comments/{thread[0].pk}/react/", {"kind": "helpful"}).status_code == 302
    assert Reaction.objects.count() == 1


# --- Verified experts -------------------------------------------------------------


def _apply(member, **fields):
    data = {
        "profession": "Registered dietitian",
        "registration_body": "Health and Care Professions Council",
        "registration_number": "DT012345",
        "registry_url": "https://www.hcpc-uk.org/check-the-register/",
    } | fields
    return experts.apply_for_verification(member=member, **data)


def test_badge_shows_on_comments_and_goes_on_revocation_even_from_cached_pages(
    client, article, django_capture_on_commit_callbacks
):
    expert = old_member()
    CommentFactory(article=article, author=expert, body_source="Magnesium glycinate is gentler.")
    moderator = make_moderator("mod_maria")
    url = article.get_absolute_url()
    viewer = old_member()
    member_client = type(client)()
    member_client.force_login(viewer)
    for each in (client, member_client):
        assert "· verified" not in each.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        credential = experts.verify_expert(credential_id=_apply(expert).pk, moderator=moderator)
    for each in (client, member_client):
        html = each.get(url).content.decode()
        assert "Registered dietitian · verified" in html
        assert 'href="/experts/"' in html
    filtered = client.get(url, {"type": "expert"}).content.decode()
    assert "Magnesium glycinate is gentler." in filtered
    with django_capture_on_commit_callbacks(execute=True):
        experts.revoke_expert(credential_id=credential.pk, moderator=moderator, reason="Lapsed.")
    for each in (client, member_client):
        html = each.get(url).content.decode()
        assert "· verified" not in html
    assert (
        "Magnesium glycinate is gentler."
        not in client.get(url, {"type": "expert"}).content.decode()
    )


def test_every_step_is_logged_and_the_member_is_emailed(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    from forum.models import ModerationAction

    member = old_member()
    moderator = make_moderator("mod_maria")
    with django_capture_on_commit_callbacks(execute=True):
        declined = experts.decline_expert(
            credential_id=_apply(member).pk, moderator=moderator, reason="No such entry."
        )
        verified = experts.verify_expert(credential_id=_apply(member).pk, moderator=moderator)
        experts.revoke_expert(credential_id=verified.pk, moderator=moderator, reason="Struck off.")
    kinds = list(
        ModerationAction.objects.filter(member=member).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [
        "expert_apply",
        "expert_decline",
        "expert_apply",
        "expert_verify",
        "expert_revoke",
    ]
    verified.refresh_from_db()
    assert verified.decided_by == moderator
    assert verified.verified_at is not None
    assert (verified.expires_at - verified.verified_at).days == 365
    assert declined.reason == "No such entry."
    assert any("No such entry." in mail.body for mail in mailoutbox)
    assert any("Struck off." in mail.body for mail in mailoutbox)


def test_application_rules(db):
    member = old_member()
    with pytest.raises(experts.ApplicationRefused, match="registry"):
        _apply(member, registry_url="not a link")
    with pytest.raises(experts.ApplicationRefused, match="every field"):
        _apply(member, registration_number=" ")
    _apply(member)
    with pytest.raises(experts.ApplicationRefused, match="already waiting"):
        _apply(member)
    moderator = make_moderator("mod_self")
    own = _apply(moderator)
    with pytest.raises(experts.ActionRefused, match="Another moderator"):
        experts.verify_expert(credential_id=own.pk, moderator=moderator)
    assert ExpertCredential.objects.filter(status="verified").count() == 0


def test_reminder_a_month_before_and_expiry_after_a_year(
    db, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
    member = old_member()
    moderator = make_moderator("mod_maria")
    credential = experts.verify_expert(credential_id=_apply(member).pk, moderator=moderator)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    assert experts.review_credentials() == (0, 0)
    time_machine.move_to(datetime.datetime(2026, 12, 11, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert experts.review_credentials() == (1, 0)
        assert experts.review_credentials() == (0, 0)  # once
    assert [m.subject for m in mailoutbox][-1].startswith("Your verification on")
    _apply(member)  # renewal opens in the last month
    time_machine.move_to(datetime.datetime(2027, 1, 10, 9, 1, tzinfo=datetime.UTC), tick=False)
    assert not ExpertCredential.objects.current().exists()  # the badge is gone at once
    with django_capture_on_commit_callbacks(execute=True):
        assert experts.review_credentials() == (0, 1)
    credential.refresh_from_db()
    assert credential.status == "expired"


def test_the_worker_queues_the_periodic_review_once(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks import default_task_backend
    from django_tasks_db.models import DBTaskResult

    # The database backend (what `make serve` runs) can defer; the test's own cannot.
    assert default_task_backend.supports_defer, "the task backend setting did not take"
    assert experts.schedule_review() is True
    assert experts.schedule_review() is False
    assert DBTaskResult.objects.filter(task_path__endswith="review_expert_credentials").count() == 1


def test_a_verified_expert_still_gets_the_dosing_prompt(article):
    expert = old_member()
    experts.verify_expert(credential_id=_apply(expert).pk, moderator=make_moderator("mod_maria"))
    screening = screen_comment(
        author=expert,
        article=article,
        body_source="You should take 400 mg of magnesium every night.",
        dosing_confirmed=False,
        cites_source=False,
    )
    assert screening.action == "confirm_dosing"
    comment = CommentFactory(article=article, author=expert)
    reports.report_comment(comment=comment, reporter=old_member(), reason=ReportReason.MEDICAL_HARM)
    assert Report.objects.filter(comment=comment).exists()  # reported like anyone
