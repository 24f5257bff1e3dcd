import pytest
from django.core.management import call_command
from playwright.sync_api import expect

NOTICE = (
    "Please remain authentic and respectful. Aposbook does not endorse any comment and is not "
    "responsible for any wrong information provided by users."
)


@pytest.fixture
def article_url(live_server):
    call_command("load_content", verbosity=0)
    return f"{live_server.url}/science/magnesium-for-fibromyalgia/"


def test_reader_opens_the_article_and_follows_the_table_of_contents(
    page, article_url, assert_accessible
):
    page.goto(article_url)
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == "What science says about Magnesium For Fibromyalgia"
    toc = page.get_by_role("navigation", name="On this page")
    toc.get_by_role("link", name="Skeptical Views on Magnesium for Fibromyalgia").click()
    page.wait_for_url("**#skeptical-views-on-magnesium-for-fibromyalgia")
    heading = page.locator("#skeptical-views-on-magnesium-for-fibromyalgia")
    expect(heading).to_be_in_viewport()
    assert NOTICE in page.locator("#discussion").inner_text()
    assert_accessible(page)


def test_article_reads_on_a_phone_without_sideways_scrolling(page, article_url, assert_accessible):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(article_url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.get_by_role("link", name="Science Center").first.is_visible()
    assert_accessible(page)


def test_home_and_science_center_pass_axe(page, live_server, article_url, assert_accessible):
    for path in ("/", "/science/", "/science/topics/vitamins-and-minerals/", "/nope/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
