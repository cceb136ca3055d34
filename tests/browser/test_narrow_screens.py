"""At 390 CSS pixels (a phone): the council's list shows its countdowns without sideways
scrolling and without one word a line; a place's map is big enough to use; the home map
comes before its filters, which offer only the kinds of place there are."""

import datetime

import pytest
from playwright.sync_api import expect

from ..factories import DisposalNoticeFactory, ListEntryFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def page_fits(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def listed_library(sacriston_library):
    today = datetime.date.today()
    entry = ListEntryFactory(
        council=sacriston_library.council,
        asset=sacriston_library,
        listed_on=today - datetime.timedelta(days=100),
    )
    DisposalNoticeFactory(entry=entry, received_on=today - datetime.timedelta(days=3))
    return entry


def test_the_council_list_shows_its_countdown_on_a_phone(listed_library, page):
    page.set_viewport_size(PHONE)
    page.goto(f"/acv/{listed_library.council.gss_code}/")
    countdown = page.locator(".acv-list td").filter(has_text="A community group can ask to bid")
    expect(countdown).to_be_visible()
    assert page_fits(page)
    box = countdown.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["width"] >= 250, f"the countdown is squeezed into {box['width']}px"
    # Nothing in the table runs past the screen (its own scrolling box included).
    overflow = page.evaluate(
        "() => { const s = document.querySelector('.table-scroll');"
        " return s.scrollWidth - s.clientWidth; }"
    )
    assert overflow <= 0


def test_a_place_map_is_big_enough_on_a_phone(sacriston_library, page):
    page.set_viewport_size(PHONE)
    page.goto(sacriston_library.get_absolute_url())
    box = page.locator("#asset-map").bounding_box()
    assert box["height"] >= 300 and box["width"] >= 300, box
    assert page_fits(page)


def test_the_home_map_comes_before_the_filters_on_a_phone(sacriston_library, page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    map_box = page.locator("#register-map").bounding_box()
    filters_box = page.locator("#map-filters").bounding_box()
    assert map_box["y"] + map_box["height"] <= filters_box["y"], (map_box, filters_box)
    kinds = page.locator("#map-filters input[name=category]")
    expect(kinds).to_have_count(1)  # only libraries are on this register
    expect(kinds.first).to_have_attribute("value", "library")
    assert page_fits(page)
