"""axe-core on every kind of public page: no serious or critical WCAG 2.x A/AA failures."""

import re

import pytest
from playwright.sync_api import expect

from assets_register.models import Asset

from .support import serious_axe_violations

pytestmark = pytest.mark.browser


def burslem_library():
    return f"/assets/{Asset.objects.get(name='Burslem Library').pk}/"


PAGES = {
    "home": lambda: "/",
    "search results": lambda: "/search/?q=library",
    "unknown postcode": lambda: "/search/?q=ZZ9+9ZZ",
    "postcode district": lambda: "/search/?q=DH7",
    "closed library": burslem_library,
    "ward with postcode": lambda: "/areas/E05009076/?postcode=DH7+6LQ",
    "council": lambda: "/areas/E06000021/",
    "about the data": lambda: "/about/data/",
    "assets of community value": lambda: "/acv/E06000047/",
    "unsuccessful nominations": lambda: "/acv/E06000047/unsuccessful/",
    "alerts for a ward": lambda: "/alerts/?area=E05009076",
    "alerts near a postcode": lambda: "/alerts/",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_failures(demo_site, page, name):
    response = page.goto(PAGES[name]())
    assert response.ok, response.status
    # Check the page as people meet it: maps drawn and their markers loaded.
    for map_element in page.locator(".map").all():
        expect(map_element).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
        expect(map_element.locator(".leaflet-map-pane")).to_be_attached()
    violations = serious_axe_violations(page)
    assert not violations, "\n".join(violations)

    # WCAG 1.4.10 Reflow: at 320 CSS pixels wide nothing needs scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px window"
    assert page.external_requests == []
