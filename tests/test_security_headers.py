"""Security headers on public pages: a Content Security Policy the map works under (the
browser tests load every map page with it), no framing, a referrer policy."""

import re

import pytest

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


def policy(response):
    header = response["Content-Security-Policy"]
    return dict((part.split(" ", 1) + [""])[:2] for part in
                (p.strip() for p in header.split(";")) if part)


def test_pages_carry_a_strict_script_policy_and_the_map_set_up_its_nonce(client):
    asset = AssetFactory()
    response = client.get(asset.get_absolute_url())
    directives = policy(response)
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert directives["script-src"].startswith("'self'")
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    html = response.content.decode()
    inline_scripts = [attributes for attributes in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>",
                                                              html)
                      if 'type="application/json"' not in attributes]  # data, never run
    assert inline_scripts, "the map's set-up script is inline"
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline_scripts)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_each_response_has_its_own_nonce(client):
    first = policy(client.get("/"))["script-src"]
    second = policy(client.get("/"))["script-src"]
    assert first != second


def test_tiles_may_load_only_from_the_configured_tile_server(client, settings):
    assert "tile.openstreetmap.org" not in client.get("/")["Content-Security-Policy"]
