"""The public transparency report in a browser: accessible, and no sideways scrolling
on a phone (issue 14)."""

import datetime

import pytest

from forum.models import ModerationAction, Report
from forum.moderation.transparency import last_complete_month
from tests.factories import ArticleFactory, UserFactory
from tests.moderation.conftest import make_comment

pytestmark = pytest.mark.django_db(transaction=True)


def seed_last_month():
    """Reports and decisions dated in the last complete month (dates set after writing:
    time_machine would stop the live server's clock too)."""
    comment = make_comment(ArticleFactory(), UserFactory())
    for reason in ["harassment"] * 6 + ["medical_harm"] * 2:
        Report.objects.create(
            comment=comment,
            reporter=UserFactory(),
            reason=reason,
            snapshot="x",
        )
    for _ in range(7):
        ModerationAction.objects.create(kind=ModerationAction.Kind.HOLD, automated=True)
    moment = last_complete_month().start + datetime.timedelta(days=3)
    Report.objects.update(created_at=moment)
    ModerationAction.objects.update(created_at=moment)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_report_reads_on_a_phone_and_a_desktop(page, live_server, assert_accessible, width):
    seed_last_month()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Transparency report").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Transparency report"
    row = page.get_by_role("row", name="Disrespectful or harassing")
    assert row.get_by_role("cell").inner_text() == "6"
    assert (
        page.get_by_role("row", name="Medical misinformation or dangerous advice")
        .get_by_role("cell")
        .inner_text()
        == "< 5"
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)

    # The chooser works without JavaScript: a plain GET form.
    page.get_by_label("Period").select_option(str(last_complete_month().start.year))
    page.get_by_role("button", name="Show").click()
    assert "period=" in page.url
    assert (
        page.get_by_role("row", name="Disrespectful or harassing").get_by_role("cell").inner_text()
        == "6"
    )
