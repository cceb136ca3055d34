"""Helpers shared by the browser tests: driving the Leaflet maps and running axe."""

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


def serious_axe_violations(page):
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations whose impact is serious or critical,
    formatted one per line for a readable assertion message."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(", ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
