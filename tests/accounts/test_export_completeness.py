"""The data export holds everything kept about the member (GDPR art. 15/20, issue 14),
and no model with a foreign key to the member can be forgotten."""

import datetime
import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from aposbook.accounts import EXPORT_FORMAT, EXPORTED, NOT_EXPORTED, export_member_data
from forum.models import (
    Appeal,
    ArticleFollow,
    CommentStatus,
    CrisisCase,
    EmergencyContact,
    ExpertCredential,
    MemberNote,
    ModerationAction,
    Notification,
    OnCallModerator,
    Reaction,
    Report,
    ReportingLimit,
    Sanction,
    StatementOfReasons,
    TrustedFlagger,
)
from tests.accounts.conftest import sign_in
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

User = get_user_model()


def relations_to_the_member():
    """Every concrete field of every installed model that points at a member."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is User:
                yield f"{model._meta.label}.{field.name}"


def test_every_relation_to_the_member_is_exported_or_excluded_with_a_reason():
    found = set(relations_to_the_member())

    forgotten = found - set(EXPORTED) - set(NOT_EXPORTED)
    assert forgotten == set(), f"add these to EXPORTED or NOT_EXPORTED: {sorted(forgotten)}"
    assert set(EXPORTED) & set(NOT_EXPORTED) == set()
    assert set(EXPORTED) | set(NOT_EXPORTED) <= found  # no stale entries either
    assert all(len(reason) > 20 for reason in NOT_EXPORTED.values())


@pytest.fixture
def everything(member, article):
    """alice with one of each thing the site keeps about a member."""
    moderator, other = UserFactory(username="mod_moritz"), UserFactory(username="bob")
    now = timezone.now()
    removed = make_comment(
        article,
        member,
        "Take forty pills.",
        status=CommentStatus.REMOVED,
        removal_reason="medical_harm",
        moderator_message="Dangerous dose.",
    )
    theirs = make_comment(article, other, "Bob's own words.")
    Report.objects.create(comment=theirs, reporter=member, reason="off_topic", snapshot="x")
    Appeal.objects.create(
        comment=removed,
        author=member,
        message="It was a joke.",
        status=Appeal.Status.UPHELD,
        decided_by=moderator,
        decided_at=now,
        answer="Still dangerous.",
    )
    removal = ModerationAction.objects.create(
        kind=ModerationAction.Kind.REMOVE,
        moderator=moderator,
        comment=removed,
        member=member,
        message="Dangerous dose.",
    )
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.APPEAL_UPHELD,
        moderator=moderator,
        comment=removed,
        member=member,
        message="Still dangerous.",
    )
    StatementOfReasons.objects.create(
        action=removal,
        member=member,
        comment=removed,
        restriction=StatementOfReasons.Restriction.REMOVAL,
        facts="Advised a dangerous dose.",
        clause_number=3,
        clause_title="Medical harm",
        clause_summary="No dangerous advice.",
        detected_automatically=False,
        decided_automatically=False,
        complaint_deadline=now + datetime.timedelta(days=180),
        redress="Appeal, dispute settlement, courts.",
    )
    TrustedFlagger.objects.create(member=member, organisation="Patients UK", since=now.date())
    ReportingLimit.objects.create(member=member, ends_at=now + datetime.timedelta(days=30))
    Sanction.objects.create(
        member=member,
        kind=Sanction.Kind.SUSPENSION,
        reason="Repeated",
        ends_at=now + datetime.timedelta(days=3),
        created_by=moderator,
    )
    MemberNote.objects.create(member=member, author=moderator, text="Warned once already.")
    Notification.objects.create(
        recipient=member,
        kind=Notification.Kind.SUPPORT,
        text="Support is there for you.",
        actor=other,
    )
    Reaction.objects.create(comment=theirs, member=member, kind=Reaction.Kind.HELPFUL)
    ArticleFollow.objects.create(member=member, article=theirs.article)
    ExpertCredential.objects.create(
        member=member,
        profession="Dietitian",
        registration_body="HCPC",
        registration_number="DT123",
        registry_url="https://registry.example/DT123",
    )
    case = CrisisCase.objects.create(
        comment=removed,
        source=CrisisCase.Source.LANGUAGE,
        matched_text="forty pills",
        matched_rule=r"secret\s+rule",
    )
    EmergencyContact.objects.create(
        case=case, moderator=moderator, service="112", contacted_at=now, reason="Imminent risk."
    )
    UserSession.objects.create(
        user=member, ip="192.0.2.7", user_agent="Firefox/140", session_key="secret-session-key"
    )
    Authenticator.objects.create(
        user=member, type=Authenticator.Type.TOTP, data={"secret": "TOTPSECRETVALUE"}
    )
    OnCallModerator.objects.create(moderator=member)
    return {"moderator": moderator, "other": other, "removed": removed}


@pytest.mark.django_db
def test_the_export_holds_every_kind_of_row_kept_about_the_member(member, everything):
    data = export_member_data(member=member)

    assert data["format"] == EXPORT_FORMAT == "aposbook-member-export/2"
    for key in set(EXPORTED.values()):
        assert data[key], f"{key} is empty"
    [appeal] = data["appeals"]
    assert (appeal["message"], appeal["status"], appeal["answer"]) == (
        "It was a joke.",
        "upheld",
        "Still dangerous.",
    )
    assert data["sanctions"][0]["kind"] == "suspension"
    assert {row["kind"] for row in data["moderation_log"]} == {"remove", "appeal_upheld"}
    assert data["moderator_notes"] == [
        {"text": "Warned once already.", "created_at": data["moderator_notes"][0]["created_at"]}
    ]
    [session] = data["sessions"]
    assert (session["ip_address"], session["browser"]) == ("192.0.2.7", "Firefox/140")
    assert data["notifications"][0]["kind"] == "support"
    assert data["reactions"][0]["kind"] == "helpful"
    assert data["expert_credentials"][0]["registration_number"] == "DT123"
    [case] = data["crisis_follow_up"]
    assert case["emergency_contacts"][0]["service"] == "112"
    assert data["two_factor"][0]["type"] == "totp"


@pytest.mark.django_db
def test_the_export_leaves_out_secrets_moderators_and_other_members(member, everything):
    text = json.dumps(export_member_data(member=member))

    for absent in (
        "secret-session-key",
        "TOTPSECRETVALUE",
        r"secret\\s+rule",
        "mod_moritz",
        "Bob's own words",
        '"bob"',
    ):
        assert absent not in text, absent


@pytest.mark.django_db
def test_the_download_is_the_export(client, member, everything):
    client.force_login(member)  # alice is suspended: sign-in through the form would refuse
    data = json.loads(client.get(reverse("account-export")).content)
    assert data["format"] == EXPORT_FORMAT
    assert data["crisis_follow_up"][0]["matched_text"] == "forty pills"


@pytest.mark.django_db
def test_the_settings_page_says_what_the_export_holds(client, member):
    sign_in(client, "alice")
    page = client.get(reverse("account-settings")).content.decode()
    for word in ("sessions", "appeals", "sanctions", "notifications", "moderators' notes"):
        assert word in page.replace("&#x27;", "'"), word
