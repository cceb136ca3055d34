"""Security headers on public pages: a Content Security Policy the map works under (the
browser tests load every map page with it), no framing, a referrer policy."""

import re

import pytest

from ..factories import AssetFactory

pytestmark = pytest.mark.django_db


def policy(response):
    header = response["Content-Security-Policy"]
    return dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in header.split(";")) if part
    )


def test_pages_carry_a_strict_script_policy_and_no_inline_script(client):
    asset = AssetFactory()
    response = client.get(asset.get_absolute_url())
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    html = response.content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    # Inline script tags hold JSON data only (the map's options), which browsers never run.
    assert scripts and all('type="application/json"' in attributes for attributes in scripts)
    assert 'id="asset-map-options"' in html
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_tiles_may_load_only_from_the_configured_tile_server(client):
    assert "tile.openstreetmap.org" not in client.get("/")["Content-Security-Policy"]
