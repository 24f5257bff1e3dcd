"""Layout at phone and tall-desktop sizes: the header stays one line, the footer stays down."""

import pytest

from tests.browser.test_moderation_journey import signed_in
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db(transaction=True)


def test_moderator_header_is_one_line_at_390_px_and_its_menu_opens(
    browser, live_server, assert_accessible
):
    moderator = make_moderator("moderator_with_a_long_name")
    page = signed_in(browser, live_server, moderator, width=390)
    page.goto(f"{live_server.url}/moderation/")
    brand = page.locator(".brand").bounding_box()
    header = page.locator(".site-header__inner").bounding_box()
    # One line: the header is no taller than the brand plus its padding.
    assert header["height"] < brand["height"] * 2.2
    assert page.get_by_role("link", name="Moderation", exact=True).is_hidden()
    page.get_by_text("Menu", exact=True).click()
    assert page.get_by_role("link", name="Moderation", exact=True).is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)


def test_header_links_show_in_a_row_on_a_wide_screen(browser, live_server):
    page = signed_in(browser, live_server, make_moderator("wide_moderator"), width=1280)
    page.goto(f"{live_server.url}/moderation/")
    assert page.get_by_role("link", name="Moderation", exact=True).is_visible()
    assert page.get_by_text("Menu", exact=True).is_hidden()


def test_home_footer_sits_at_the_foot_of_a_tall_window(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.goto(f"{live_server.url}/")
    footer = page.locator(".site-footer").bounding_box()
    assert abs(footer["y"] + footer["height"] - 2400) <= 1, footer
    main = page.locator("main").bounding_box()
    assert main["width"] > 900  # the content keeps its full measure
