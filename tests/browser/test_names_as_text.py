"""Names on the maps are text. A place or an area is named by whoever published the data
imported, or by a resident's report: markup in a name shows as the characters it is made
of, in tooltips, popups and the list of places, and never becomes part of the page."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assets_register.indicators.compute import Rules, recompute
from assets_register.models import Area

from ..factories import AssetFactory, durham_and_sacriston
from .support import move_map

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=\"document.title='pwned'\"><b>Bold</b>"


def planted_elements(page):
    """Elements the name would have made, had it been read as HTML."""
    return page.locator("img[src='x'], b").count()


def test_a_place_named_with_markup_shows_its_name_as_text(bare_site, page):
    durham, sacriston = durham_and_sacriston()
    AssetFactory(
        name=MARKUP,
        latitude=Decimal("54.819500"),
        longitude=Decimal("-1.626500"),
        council=durham,
        ward=sacriston,
    )
    page.goto("/")
    move_map(page, 54.8195, -1.6265, 15)
    marker = page.locator("#register-map .asset-marker")
    expect(marker).to_have_count(1)

    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(MARKUP)
    marker.click()
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link")).to_have_text(MARKUP)
    listed = page.get_by_role("region", name="Places in view").get_by_role("link")
    expect(listed).to_have_text([MARKUP])

    assert planted_elements(page) == 0
    assert page.title() != "pwned"


def test_an_area_named_with_markup_shows_its_name_as_text_on_the_indicator_map(bare_site, page):
    durham, sacriston = durham_and_sacriston()
    Area.objects.filter(pk=sacriston.pk).update(name=MARKUP)
    recompute(datetime.date(2025, 3, 1), Rules())
    page.goto(f"/indicators/?kind=ward&council={durham.gss_code}")
    expect(page.locator("#indicator-map")).to_have_attribute("data-loaded", "1")

    page.locator("#indicator-map path.leaflet-interactive").hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"{MARKUP}: Not flagged")
    assert planted_elements(page) == 0
