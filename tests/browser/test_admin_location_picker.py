"""The admin's pin picker: an editor clicks a map and the coordinates fill themselves in."""

import re

import pytest
from playwright.sync_api import expect

from django.contrib.auth import get_user_model

from assets_register.models import Asset, LocationSource

pytestmark = pytest.mark.browser

ADD_URL = "/admin/snippets/assets_register/asset/add/"
PASSWORD = "correct-horse-battery-staple"
# The picker opens on England at zoom 6: at that zoom one screen pixel is
# 360 / 2**14 degrees of longitude, and somewhat less of latitude.
DEGREES_PER_PIXEL = 360 / 2**14


def log_in(page):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page.goto(ADD_URL)
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(ADD_URL)}$"))


def coordinates(page):
    return (
        float(page.locator("#id_latitude").input_value()),
        float(page.locator("#id_longitude").input_value()),
    )


def test_clicking_the_picker_map_fills_in_latitude_and_longitude(bare_site, page):
    log_in(page)
    picker = page.get_by_role("application", name="Map: click to place the pin")
    picker.scroll_into_view_if_needed()
    expect(picker.locator(".leaflet-map-pane")).to_be_attached()
    expect(page.locator("#id_latitude")).to_have_value("")
    expect(page.locator("#id_longitude")).to_have_value("")
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(0)

    # Its centre is the picker's starting point, 53.0 N 1.5 W.
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    expect(page.locator("#id_longitude")).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    lat, lon = coordinates(page)
    assert lat == pytest.approx(53.0, abs=2 * DEGREES_PER_PIXEL)
    assert lon == pytest.approx(-1.5, abs=2 * DEGREES_PER_PIXEL)
    expect(picker.locator(".leaflet-marker-icon[title='Location pin']")).to_have_count(1)

    # A click 100 px right and 50 px up moves the pin east and north, by that much.
    picker.click(position={"x": box["width"] / 2 + 100, "y": box["height"] / 2 - 50})
    expect(page.locator("#id_longitude")).not_to_have_value(f"{lon:.6f}")
    east_lat, east_lon = coordinates(page)
    assert east_lon - lon == pytest.approx(100 * DEGREES_PER_PIXEL, abs=2 * DEGREES_PER_PIXEL)
    assert 0 < east_lat - lat < 50 * DEGREES_PER_PIXEL
    expect(picker.locator(".leaflet-marker-icon[title='Location pin']")).to_have_count(1)


def test_a_place_pinned_and_published_in_the_admin_appears_on_the_public_site(bare_site, page):
    log_in(page)
    page.get_by_role("textbox", name=re.compile(r"^Name\b")).fill("Browser Test Village Hall")
    page.get_by_role("combobox", name=re.compile(r"^Category\b")).select_option(
        label="Community centre or village hall"
    )
    picker = page.get_by_role("application", name="Map: click to place the pin")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    lat, lon = coordinates(page)

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Browser Test Village Hall")

    asset = Asset.objects.get(name="Browser Test Village Hall")
    assert asset.live
    assert (float(asset.latitude), float(asset.longitude)) == (lat, lon)
    assert asset.location_source == LocationSource.MAP_PIN

    # The public site finds it by name, and its page shows where the pin was put.
    page.goto("/")
    box = page.get_by_role("searchbox", name="Postcode, place or name")
    box.fill("Browser Test Village")
    box.press("Enter")
    page.get_by_role("region", name="Places").get_by_role(
        "link", name="Browser Test Village Hall"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Browser Test Village Hall")
    location = page.locator(".facts dt", has_text="Location").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(location).to_have_text(f"{lat:.6f}, {lon:.6f} (pin placed on the map)")
    expect(page.locator(".lede .status")).to_have_text("Open")
    expect(page.locator("#asset-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
