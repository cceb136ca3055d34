"""The home page map: what a visitor sees when they look around, zoom and filter."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assets_register.models import Asset, Category, Status

from .support import is_map_request, map_zoom, marker_names, move_map, places_in, requested_bbox

pytestmark = pytest.mark.browser

SACRISTON = (54.82, -1.63)
STOKE = (53.02, -2.18)


def open_home(page):
    page.goto("/")
    expect(page.locator("#map-status")).to_have_text(re.compile(r"^\d+ places? in view"))


def test_zooming_to_sacriston_shows_each_place_and_its_name(demo_site, page):
    open_home(page)
    response = move_map(page, *SACRISTON, 13)
    expected = places_in(requested_bbox(response))
    names = sorted(expected.values_list("name", flat=True))
    assert "Sacriston Library" in names and len(names) >= 4, names

    status = page.locator("#map-status")
    expect(status).to_have_text(f"{len(names)} places in view.")
    markers = page.locator("#register-map .asset-marker")
    expect(markers).to_have_count(len(names))
    expect(page.locator("#register-map .cluster-marker")).to_have_count(0)
    shown = marker_names(page, markers)
    assert sorted(shown) == names

    # A marker opens a popup whose link leads to the place's own page.
    markers.nth(shown.index("Sacriston Library")).click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("library · open")
    popup.get_by_role("link", name="Sacriston Library").click()
    library = Asset.objects.get(name="Sacriston Library")
    expect(page).to_have_url(re.compile(rf"/assets/{library.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sacriston Library")
    assert page.external_requests == []


def test_ticking_a_category_shows_only_that_kind_of_place(demo_site, page):
    open_home(page)
    response = move_map(page, *SACRISTON, 13)
    everything = places_in(requested_bbox(response))
    libraries = sorted(everything.filter(category=Category.LIBRARY).values_list("name", flat=True))
    assert 0 < len(libraries) < everything.count()

    status = page.locator("#map-status")
    markers = page.locator("#register-map .asset-marker")
    expect(markers).to_have_count(everything.count())
    with page.expect_response(lambda r: is_map_request(r, category="library")):
        page.get_by_role("checkbox", name="Library", exact=True).check()
    expect(status).to_have_text(f"{len(libraries)} places in view.")
    expect(markers).to_have_count(len(libraries))
    assert sorted(marker_names(page, markers)) == libraries

    # Unticking brings every kind of place back.
    with page.expect_response(lambda r: is_map_request(r) and "category=" not in r.url):
        page.get_by_role("checkbox", name="Library", exact=True).uncheck()
    expect(status).to_have_text(f"{everything.count()} places in view.")
    expect(markers).to_have_count(everything.count())


def test_closed_places_are_drawn_in_red_and_can_be_picked_out(demo_site, page):
    open_home(page)
    response = move_map(page, *STOKE, 12)
    closed = places_in(requested_bbox(response)).filter(status=Status.CLOSED)
    assert closed.count() >= 5

    with page.expect_response(lambda r: is_map_request(r, status="closed")):
        page.get_by_role("checkbox", name="Closed", exact=True).check()
    expect(page.locator("#map-status")).to_have_text(f"{closed.count()} places in view.")
    markers = page.locator("#register-map .asset-marker")
    expect(markers).to_have_count(closed.count())
    expect(page.locator("#register-map .asset-marker.status-closed")).to_have_count(closed.count())
    fills = markers.evaluate_all("els => els.map(el => getComputedStyle(el).fill)")
    assert set(fills) == {"rgb(212, 53, 28)"}, fills
    open_fill = page.evaluate(
        """() => {
          const probe = document.createElementNS("http://www.w3.org/2000/svg", "path");
          probe.setAttribute("class", "asset-marker status-open");
          document.querySelector("#register-map svg").appendChild(probe);
          const fill = getComputedStyle(probe).fill;
          probe.remove();
          return fill;
        }"""
    )
    assert open_fill != fills[0]


def test_national_view_groups_places_into_counted_clusters(demo_site, page):
    # The demo data alone fits under the server's 500-marker limit; a hundred and fifty
    # more places around Sittingbourne push England's view over it.
    Asset.objects.bulk_create(
        Asset(
            name=f"Extra hall {n}",
            category=Category.COMMUNITY_CENTRE,
            live=True,
            latitude=Decimal("51.30") + Decimal(n % 15) / 100,
            longitude=Decimal("0.70") + Decimal(n // 15) / 100,
        )
        for n in range(150)
    )
    open_home(page)
    status = page.locator("#map-status")
    expect(status).to_contain_text("(grouped: zoom in to see each one)")
    total = int(status.inner_text().split()[0])
    assert total == Asset.objects.live().located().count()  # all of England is in view

    clusters = page.locator("#register-map .cluster-marker")
    expect(clusters.first).to_be_visible()
    counts = [int(text) for text in clusters.all_inner_texts()]
    assert all(count > 1 for count in counts)
    singles = page.locator("#register-map .asset-marker").count()
    assert sum(counts) + singles == total
    assert max(counts) >= 150  # the Sittingbourne pile is one group at this zoom

    # Clicking a group zooms in on it.
    zoom = map_zoom(page)
    biggest = clusters.filter(has_text=re.compile(rf"^{max(counts)}$"))
    with page.expect_response(lambda r: is_map_request(r, zoom=zoom + 2)):
        biggest.click()
    assert map_zoom(page) == zoom + 2
    expect(status).not_to_have_text(f"{total} places in view (grouped: zoom in to see each one).")
    assert page.external_requests == []


def test_a_popup_stays_open_when_the_map_pans_to_show_it(demo_site, page):
    open_home(page)
    # Just south of Sacriston, close in: a place sits near the top edge of the 540 px map.
    move_map(page, SACRISTON[0] - 0.01, SACRISTON[1], 14)
    markers = page.locator("#register-map .asset-marker")
    names = marker_names(page, markers)
    # The place nearest the top edge: its popup does not fit above it, so Leaflet pans
    # the map down to show it, and the map then redraws its markers.
    tops = [markers.nth(i).bounding_box()["y"] for i in range(len(names))]
    top = tops.index(min(tops))
    map_top = page.locator("#register-map").bounding_box()["y"]
    assert tops[top] - map_top < 100, "expected a place near the top of the map"
    old_marker = markers.nth(top).element_handle()
    with page.expect_response(lambda r: is_map_request(r, zoom=14)):
        markers.nth(top).click()
    page.wait_for_function("marker => !marker.isConnected", arg=old_marker)
    expect(page.locator("#register-map .asset-marker")).to_have_count(
        int(page.locator("#map-status").inner_text().split()[0])
    )
    # A closed popup fades out over 200 ms before it leaves the page: wait for exactly
    # one, fully opaque, and still there once any fading has finished.
    popup = page.locator(".leaflet-popup")
    expect(popup).to_have_count(1)
    expect(popup).to_have_css("opacity", "1")
    expect(popup.get_by_role("link")).to_have_text(names[top])
    page.wait_for_timeout(300)
    expect(popup).to_have_count(1)
    assert popup.bounding_box()["y"] >= map_top  # now wholly inside the map


def test_places_on_the_map_can_be_opened_from_the_keyboard(demo_site, page):
    open_home(page)
    response = move_map(page, *SACRISTON, 13)
    count = places_in(requested_bbox(response)).count()
    expect(page.locator("#register-map .asset-marker")).to_have_count(count)
    library = page.get_by_role("button", name="Sacriston Library (library, open)")
    expect(library).to_have_count(1)

    page.locator("#register-map").focus()
    for _ in range(count):
        page.keyboard.press("Tab")
        if library.evaluate("el => el === document.activeElement"):
            break
    expect(library).to_be_focused()
    # Its name shows beside it (older tooltips fade out over 200 ms, so pick this one).
    expect(page.get_by_role("tooltip", name="Sacriston Library")).to_be_visible()

    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup").get_by_role("link", name="Sacriston Library")
    expect(link).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(library).to_be_focused()

    page.keyboard.press("Space")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sacriston Library")
