"""An area's map and a council's list may be framed by other sites; nothing else may."""

import datetime

import pytest

from django.utils import timezone

from ..core.test_security_headers import policy
from ..factories import AssetFactory, CouncilFactory, ListEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    ListEntryFactory(
        council=council,
        asset=AssetFactory(name="The Robin Hood"),
        reference="A-1",
        listed_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    return council


def embeds(council):
    return ["/embed/areas/E06000047/", "/embed/acv/E06000047/"]


def test_embeddable_pages_may_be_framed_by_any_site(client, council):
    for url in embeds(council):
        for _ in range(2):  # a copy from the page cache too
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Frame-Options" not in response, url
            directives = policy(response)
            assert directives["frame-ancestors"] == "*", url
            assert directives["script-src"] == "'self'", url  # the rest of the policy stands


def test_every_other_page_still_refuses_framing(client, council):
    for url in ["/", "/areas/E06000047/", "/acv/E06000047/", "/alerts/", "/admin/login/"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        if "Content-Security-Policy" in response:
            assert policy(response)["frame-ancestors"] == "'none'", url


def test_the_embedded_map_and_list_open_links_outside_the_frame(client, council):
    area = client.get("/embed/areas/E06000047/").content.decode()
    assert 'id="area-map"' in area and 'data-api="/api/map/"' in area
    assert 'id="area-boundary"' in area and '<base target="_top">' in area
    assert 'class="site-header"' not in area and "search-form" not in area
    listing = client.get("/embed/acv/E06000047/").content.decode()
    assert "The Robin Hood" in listing and '<base target="_top">' in listing
    assert "<form" not in listing
    assert 'href="/embed/areas/E06000047/"' in client.get("/areas/E06000047/").content.decode()
    assert 'href="/embed/acv/E06000047/"' in client.get("/acv/E06000047/").content.decode()
    assert client.get("/embed/areas/E06999999/").status_code == 404
    assert client.get("/embed/acv/E06999999/").status_code == 404
