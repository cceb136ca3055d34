"""Searching, a place's own page and an area's page, as a visitor sees them."""

import re

import pytest
from playwright.sync_api import expect

from assets_register.models import Area, AreaKind, Asset, AssetEvent
from assets_register.register.views import PLACES_PER_PAGE

pytestmark = pytest.mark.browser


def search_for(page, text):
    box = page.get_by_role("searchbox", name="Postcode, place or name")
    box.fill(text)
    box.press("Enter")


def test_postcode_search_lands_on_the_ward_with_the_nearest_places(demo_site, page):
    page.goto("/")
    search_for(page, "dh7 6lq")

    expect(page).to_have_url(re.compile(r"/areas/E05009076/\?postcode=DH7(%20|\+)6LQ$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sacriston")
    expect(page.locator(".lede")).to_contain_text("Ward in County Durham")
    callout = page.locator(".callout")
    expect(callout.get_by_role("heading", level=2)).to_have_text("Postcode DH7 6LQ")
    expect(callout).to_contain_text("DH7 6LQ is in Sacriston ward, County Durham")
    expect(callout.get_by_role("link", name="County Durham", exact=True)).to_have_attribute(
        "href", "/areas/E06000047/"
    )
    expect(callout.get_by_role("heading", level=3)).to_have_text("Nearest places")
    nearest = callout.locator(".asset-list > li")
    expect(nearest).to_have_count(10)
    expect(nearest.first.get_by_role("link")).to_have_text("Sacriston Library")
    distances = [
        float(km) for km in re.findall(r"([\d.]+) km", " ".join(nearest.all_inner_texts()))
    ]
    assert len(distances) == 10 and distances == sorted(distances), distances
    assert distances[0] < 1  # the library is a few hundred metres from DH7 6LQ

    assert page.external_requests == []


def test_unknown_postcode_is_reported(bare_site, page):
    page.goto("/")
    search_for(page, "ZZ9 9ZZ")
    expect(page).to_have_url(re.compile(r"/search/\?q=ZZ9\+9ZZ$"))
    expect(page.locator(".callout")).to_have_text(re.compile(r"ZZ9 9ZZ is not covered yet"))


def test_closed_library_page_shows_its_status_and_when_it_closed(burslem_library, page):
    library = burslem_library
    closure = AssetEvent.objects.get(asset=library, kind="closed")
    assert closure.date.year == 2011

    page.goto("/")
    search_for(page, "Burslem Library")
    results = page.get_by_role("region", name="Places")
    results.get_by_role("link", name="Burslem Library").click()

    expect(page).to_have_url(re.compile(rf"/assets/{library.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Burslem Library")
    expect(page.locator(".lede .status")).to_have_text("Closed")
    expect(page.locator(".lede .status")).to_have_class(re.compile(r"\bstatus-closed\b"))
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name="Stoke-on-Trent")).to_be_visible()
    status_row = page.locator(".facts dt", has_text=re.compile("^Status$"))
    expect(status_row.locator("xpath=following-sibling::dd[1]")).to_have_text("Closed")

    timeline = page.get_by_role("region", name="Timeline").locator("ol.timeline > li")
    closed_entry = timeline.filter(has_text="Closed")
    expect(closed_entry).to_have_count(1)
    expect(closed_entry.locator("time")).to_have_text("2011")
    expect(closed_entry.locator("time")).to_have_attribute("datetime", "2011-01-01")

    # Its map is centred on it, drawn as a closed place.
    expect(page.locator("#asset-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    marker_at_centre = page.evaluate(
        """() => {
          const box = document.getElementById("asset-map").getBoundingClientRect();
          const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          return hit && hit.getAttribute("class");
        }"""
    )
    assert marker_at_centre and "status-closed" in marker_at_centre, marker_at_centre
    assert page.external_requests == []


def test_council_page_draws_its_boundary_and_lists_its_places(demo_site, page):
    stoke = Area.objects.get(gss_code="E06000021")
    places = Asset.objects.live().in_area(stoke)
    assert 50 < places.count() <= 500

    page.goto("/areas/E06000021/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stoke-on-Trent")

    area_map = page.locator("#area-map")
    outline = area_map.locator(".leaflet-overlay-pane path[stroke='#005ea5']")
    expect(outline).to_have_count(1)
    expect(outline).to_have_attribute("d", re.compile(r"^M-?\d+ -?\d+(L-?\d+ -?\d+){10,}z"))
    map_box, outline_box = area_map.bounding_box(), outline.bounding_box()
    # The map is fitted to the boundary: the outline fills it along one axis at least.
    assert (
        outline_box["width"] > 0.6 * map_box["width"]
        or outline_box["height"] > 0.6 * map_box["height"]
    ), (map_box, outline_box)
    assert outline_box["x"] >= map_box["x"] - 1 and outline_box["y"] >= map_box["y"] - 1
    # Its places are drawn on it too.
    expect(area_map).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    expect(area_map.locator(".asset-marker, .cluster-marker").first).to_be_visible()

    summary = page.locator(".facts")
    expect(summary.locator("dt:has-text('Places on the register') + dd")).to_have_text(
        str(places.count())
    )
    region = page.get_by_role("region", name="Places in Stoke-on-Trent")
    listed = region.locator(".asset-list > li")
    expect(listed).to_have_count(PLACES_PER_PAGE)  # a page at a time, libraries first
    burslem = listed.filter(has=page.get_by_role("link", name="Burslem Library", exact=True))
    expect(burslem).to_contain_text("Closed")
    region.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"/areas/E06000021/\?page=2#assets-heading$"))
    expect(listed.first).to_be_visible()
    assert listed.count() == min(PLACES_PER_PAGE, places.count() - PLACES_PER_PAGE)
    wards = page.get_by_role("region", name="Wards").locator("ul a")
    expect(wards).to_have_count(stoke.children.current().filter(kind=AreaKind.WARD).count())
    closures = page.get_by_role("region", name="Recent closures").get_by_role("link")
    expect(closures.first).to_be_visible()
    assert page.external_requests == []
