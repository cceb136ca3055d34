"""NUL characters, which PostgreSQL refuses in text, never reach the database."""

import pytest

from assets_register.models import Subscription

from ..factories import AreaFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def test_an_address_with_a_nul_is_not_found(client):
    assert client.get("/acv/E06\x00000047/nominate/").status_code == 404


def test_nuls_are_dropped_from_queries_and_forms(client):
    assert client.get("/search/", {"q": "Red\x00 Lion"}).status_code == 200
    ward = AreaFactory(gss_code="E05009076", parent=CouncilFactory())
    client.post(
        "/alerts/",
        {
            "area": "E05009076",
            "email": "a\x00b@example.net",
            "wants_closures": "on",
            "frequency": "daily",
        },
    )
    assert Subscription.objects.get().email == "ab@example.net"
    assert Subscription.objects.get().area == ward


@pytest.mark.parametrize("honeypot", ["\x00", " ", "\t"])
def test_a_honeypot_filled_with_nothing_visible_is_still_filled(client, honeypot):
    AreaFactory(gss_code="E05009076", parent=CouncilFactory())
    form = {"area": "E05009076", "email": "bot@example.net", "wants_closures": "on"}
    client.post("/alerts/", {**form, "frequency": "daily", "website": honeypot})
    assert not Subscription.objects.exists()
