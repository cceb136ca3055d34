"""Helpers shared by the browser tests: driving the Leaflet maps and running axe."""

from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe

from assets_register.models import Asset

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


def is_map_request(response, **params):
    """A finished /api/map/ request whose query string has these values."""
    if urlsplit(response.url).path != "/api/map/":
        return False
    query = parse_qs(urlsplit(response.url).query)
    return all(query.get(key) == [str(value)] for key, value in params.items())


def move_map(page, lat, lon, zoom, map_id="register-map"):
    """Pan and zoom a public map the way a person dragging it would, and return the
    /api/map/ response the map loads for its new view."""
    with page.expect_response(lambda r: is_map_request(r, zoom=zoom)) as info:
        page.evaluate(
            "([id, lat, lon, zoom]) =>"
            " window.__maps[id].setView([lat, lon], zoom, {animate: false})",
            [map_id, lat, lon, zoom],
        )
    return info.value


def map_zoom(page, map_id="register-map"):
    return page.evaluate("(id) => window.__maps[id].getZoom()", map_id)


def requested_bbox(response):
    """The (west, south, east, north) box a map asked /api/map/ for."""
    west, south, east, north = (
        float(v) for v in parse_qs(urlsplit(response.url).query)["bbox"][0].split(",")
    )
    return west, south, east, north


def places_in(bbox):
    """What the register holds inside a box: the oracle for what a map should show."""
    return Asset.objects.live().located().in_bbox(*bbox)


def marker_names(page, markers):
    """Hover over each marker, as a person would, and read the name in its tooltip."""
    names = []
    tooltip = page.locator(".leaflet-tooltip")
    for i in range(markers.count()):
        markers.nth(i).hover()
        names.append(tooltip.last.inner_text())
    page.mouse.move(0, 0)
    return names


def axe_violations(page, impacts=("minor", "moderate", "serious", "critical")):
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations of these impacts, formatted one per
    line for a readable assertion message."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(", ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in impacts
    ]


def serious_axe_violations(page):
    return axe_violations(page, impacts=("serious", "critical"))


@contextmanager
def document_status(page, path, status):
    """Expect the page at this path to answer with an error status (404, 429, 503, ...).

    The `page` fixture fails a test on any response of 400 or more, to catch a missing
    script or a failing API call. Here the document itself is meant to fail: its status
    is checked, then it is handed to the browser as a 200, so that its stylesheets,
    scripts and images are still held to that rule."""
    statuses = []

    def is_document(url):
        return urlsplit(url).path == urlsplit(path).path

    def serve(route):
        response = route.fetch(max_redirects=0)
        statuses.append(response.status)
        route.fulfill(response=response, status=200)

    # On the context, ahead of its guard against outside requests, and once only: a page
    # route that comes and goes while the page loads races with the guard for its
    # stylesheet and icon requests.
    page.context.route(is_document, serve, times=1)
    yield
    assert statuses == [status], f"{path} answered {statuses}, not {status}"
