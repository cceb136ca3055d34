"""The list beside the home page map: the places in view as links, for people who use a
keyboard or a screen reader rather than pick markers out of a picture."""

import re

import pytest
from playwright.sync_api import expect

from assets_register.models import Asset, Category

from .support import is_map_request, move_map, places_in, requested_bbox

pytestmark = pytest.mark.browser

SACRISTON = (54.82, -1.63)
NORTH_SEA = (55.5, 2.5)


def open_home(page):
    page.goto("/")
    expect(page.locator("#map-status")).to_have_text(re.compile(r"^\d+ places? in view"))


def places_list(page):
    return page.get_by_role("region", name="Places in view")


def test_the_places_in_view_are_listed_by_name_with_links(demo_site, page):
    open_home(page)
    response = move_map(page, *SACRISTON, 13)
    expected = places_in(requested_bbox(response))
    names = sorted(expected.values_list("name", flat=True))
    assert "Sacriston Library" in names and len(names) >= 4, names

    status = page.locator("#map-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(f"{len(names)} places in view.")
    listed = places_list(page).get_by_role("listitem")
    expect(listed).to_have_count(len(names))
    assert sorted(listed.get_by_role("link").all_inner_texts()) == names
    library = Asset.objects.get(name="Sacriston Library")
    item = listed.filter(has=page.get_by_role("link", name="Sacriston Library", exact=True))
    expect(item).to_have_text("Sacriston Library library, open")
    # It sits under the map, and what follows it on the page starts below it.
    map_box = page.locator("#register-map").bounding_box()
    list_box = places_list(page).bounding_box()
    next_box = page.get_by_role("heading", name="Open data").bounding_box()
    assert map_box["y"] + map_box["height"] < list_box["y"]
    assert list_box["y"] + list_box["height"] <= next_box["y"]

    # Ticking a kind of place narrows the list with the markers.
    libraries = sorted(expected.filter(category=Category.LIBRARY).values_list("name", flat=True))
    assert 0 < len(libraries) < len(names)
    with page.expect_response(lambda r: is_map_request(r, category="library")):
        page.get_by_role("checkbox", name="Library", exact=True).check()
    expect(status).to_have_text(f"{len(libraries)} places in view.")
    expect(listed).to_have_count(len(libraries))
    assert sorted(listed.get_by_role("link").all_inner_texts()) == libraries

    # From the keyboard, a place's link opens its page.
    link = places_list(page).get_by_role("link", name="Sacriston Library", exact=True)
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/assets/{library.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sacriston Library")
    assert page.external_requests == []


def test_too_many_or_no_places_are_said_rather_than_listed(demo_site, page):
    # All of England is in view at first: more places than a list can usefully hold.
    assert Asset.objects.live().located().count() > 100
    open_home(page)
    region = places_list(page)
    expect(region).to_contain_text("Too many places to list here: zoom in on the map")
    expect(region.get_by_role("listitem")).to_have_count(0)

    move_map(page, *SACRISTON, 13)
    expect(region.get_by_role("listitem").first).to_be_visible()
    expect(region).not_to_contain_text("Too many places")

    move_map(page, *NORTH_SEA, 12)
    expect(page.locator("#map-status")).to_have_text("0 places in view.")
    expect(region).to_contain_text("No places in view.")
    expect(region.get_by_role("listitem")).to_have_count(0)
