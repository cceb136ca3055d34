"""Another site frames the map of an area: the map loads its places inside the frame, and
the area's own page, which is not made to be framed, is refused."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import launched_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    """Chromium as conftest starts it, without Local Network Access checks: the framing
    page here is made up by the test, so Chrome counts it as a public site framing a local
    server, which it refuses whatever the headers say. Deployed, both are public."""
    with launched_chromium("--disable-features=LocalNetworkAccessChecks") as chromium:
        yield chromium


def other_site(live_server):
    """Another origin on this machine (Chrome would not let a public address frame a
    local one): the live server's port under the other name for the loopback address."""
    parts = urlsplit(live_server.url)
    other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
    return f"http://{other}:{parts.port}/our-village/"


def test_another_site_can_frame_the_area_map_and_nothing_else(sacriston_library, page, live_server):
    host_page = other_site(live_server)
    embed = f"{live_server.url}/embed/areas/E05009076/"
    framed_page = f"{live_server.url}/areas/E05009076/"
    page.route(
        host_page,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<h1>Our village</h1><iframe id="map" src="{embed}" width="600" height="500">'
            f'</iframe><iframe id="page" src="{framed_page}"></iframe>',
        ),
    )
    page.goto(host_page)
    frame = page.frame_locator("#map")
    expect(frame.locator("#map-status")).to_have_text(re.compile(r"^1 place in view"))
    expect(frame.locator(".asset-marker")).to_have_count(1)
    expect(frame.get_by_role("link", name="Places to meet in Sacriston")).to_have_attribute(
        "href", "/areas/E05009076/"
    )
    page.wait_for_load_state("load")
    refused = [f.url for f in page.frames if f.parent_frame and "embed" not in f.url]
    assert refused == ["chrome-error://chromewebdata/"], refused
