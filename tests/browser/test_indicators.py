"""The 'losing places to meet' choropleth, as a visitor sees it, on the real demo data.

Each test recomputes the figures as of 1 March 2025, so the expected flags do not move
with the calendar. In Stoke-on-Trent the libraries dataset records book collections and
libraries closing in 2018, 2019, 2022 and 2023 (all known only by year). Over the ten
years to 1 March 2025 only one ward lost two: Abbey Hulton and Townsend (E05008714), where
the Abbey Hulton and the Wallace Sport & Education Centre book collections closed in 2018.
The demo data has no population figures, so only the net-loss rule can flag anything.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from assets_register.indicators.compute import Rules, recompute
from assets_register.models import Area, AreaKind

from .support import serious_axe_violations

pytestmark = pytest.mark.browser

ON = datetime.date(2025, 3, 1)
STOKE = "E06000021"
LOSING, LEFT_BEHIND = "#ef8a62", "#b2182b"


def stoke_wards():
    return set(
        Area.objects.filter(kind=AreaKind.WARD, parent__gss_code=STOKE).values_list(
            "gss_code", flat=True
        )
    )


def coloured(page, colour):
    """The GSS codes of the map's outlines filled with this colour."""
    return set(
        page.evaluate(
            "(colour) => Array.from(document.querySelectorAll('#indicator-map path'))"
            ".filter(p => p.getAttribute('fill') === colour).map(p => p.dataset.gss)",
            colour,
        )
    )


def open_stoke_map(page):
    page.goto(f"/indicators/?kind=ward&council={STOKE}")
    expect(page.locator("#indicator-map")).to_have_attribute("data-loaded", str(len(stoke_wards())))


def test_the_choropleth_draws_every_ward_with_its_legend_and_flags(demo_site, page):
    recompute(ON, Rules())
    open_stoke_map(page)

    outlines = page.locator("#indicator-map path.leaflet-interactive")
    expect(outlines).to_have_count(len(stoke_wards()))
    legend = page.locator("#indicator-legend li")
    expect(legend).to_have_text(["Left-behind risk", "Losing places to meet", "Not flagged"])
    swatch = legend.first.locator(".swatch")
    assert swatch.evaluate("s => getComputedStyle(s).backgroundColor") == "rgb(178, 24, 43)"
    assert coloured(page, LOSING) == {"E05008714"}
    assert coloured(page, LEFT_BEHIND) == set()
    expect(page.locator("#map-status")).to_have_text(
        f"{len(stoke_wards())} areas on the map. Select an area to open its page."
    )

    # The ranking table says the same, and why.
    row = page.locator("tr.losing")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link")).to_have_text("Abbey Hulton and Townsend")
    expect(row).to_contain_text("net loss of 2 places to meet in 10 years (threshold: 2)")

    # Hovering names the ward; selecting it opens its page with its history.
    flagged = page.locator('#indicator-map path[data-gss="E05008714"]')
    flagged.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(
        "Abbey Hulton and Townsend: Losing places to meet"
        " · IMD 2019 decile 2 (its LSOAs’ average rank 4,415)"
    )
    flagged.click()
    expect(page).to_have_url(re.compile(r"/areas/E05008714/$"))
    history = page.get_by_role("region", name="Places to meet over time")
    chart = history.get_by_role("img", name=re.compile("Open places to meet over time"))
    expect(chart).to_be_visible()
    expect(history.locator("li")).to_have_text(
        [
            re.compile(
                r"^Wallace Sport & Education Centre \(Book Collection\) library, closed 2018"
            ),
            re.compile(r"^Abbey Hulton \(Book Collection\) library, closed 2018"),
        ]
    )
    assert page.external_requests == []


def test_a_lower_threshold_shows_the_left_behind_ward(demo_site, page):
    """With a net loss of 1 place enough, the nine Stoke wards that lost a library are
    losing places to meet. Of those, Etruria and Hanley (E05008727; the city archives closed
    'temporarily' in 2023) is the only one whose LSOAs' average IMD rank is in decile 1."""
    recompute(ON, Rules(min_net_loss=1))
    open_stoke_map(page)
    assert coloured(page, LEFT_BEHIND) == {"E05008727"}
    assert coloured(page, LOSING) == {
        "E05008714",
        "E05008715",
        "E05008717",
        "E05008718",
        "E05008719",
        "E05008724",
        "E05008729",
        "E05008732",
    }
    expect(page.get_by_role("region", name="How areas are flagged")).to_contain_text(
        "fell by at least 1"
    )

    page.get_by_label("Table lists").select_option("left_behind")
    page.get_by_role("button", name="Show").click()
    ranked = page.get_by_role("region", name=re.compile("ranked")).first.locator("tbody tr")
    expect(ranked).to_have_count(1)
    expect(ranked).to_contain_text("Etruria and Hanley")
    expect(page.locator("#indicator-map")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    assert coloured(page, LEFT_BEHIND) == {"E05008727"}  # the map still shows every ward


def test_two_areas_compared_from_an_area_page(demo_site, page):
    recompute(ON, Rules())
    page.goto("/areas/E05008714/")
    page.get_by_role("link", name="Compare Abbey Hulton and Townsend with Stoke-on-Trent").click()
    table = page.get_by_role("region", name="Comparison")
    expect(table.locator("thead th")).to_have_text(
        ["Figure", re.compile("^Abbey Hulton and Townsend"), re.compile("^Stoke-on-Trent")]
    )
    row = table.locator("tr", has=page.get_by_role("rowheader", name="Net change, 10 years"))
    expect(row.locator("td")).to_have_text(["-2", "-9"])


def test_the_indicator_pages_have_no_serious_accessibility_failures(demo_site, page):
    recompute(ON, Rules(min_net_loss=1))
    for url in (
        f"/indicators/?kind=ward&council={STOKE}",
        f"/indicators/?kind=lsoa&council={STOKE}&indicator=imd_decile",
        "/indicators/compare/?a=E05008727&b=E06000021",
        "/areas/E05008727/",
    ):
        page.goto(url)
        for map_element in page.locator(".map").all():
            expect(map_element).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
        violations = serious_axe_violations(page)
        assert not violations, f"{url}:\n" + "\n".join(violations)
        page.set_viewport_size({"width": 320, "height": 640})
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{url} is {widths[0]}px wide in a {widths[1]}px window"
        page.set_viewport_size({"width": 1280, "height": 900})
