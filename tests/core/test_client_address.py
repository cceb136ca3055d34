"""Every rate limit counts per client address, taken from the configured number of trusted
proxies: never from a header a visitor can write, and never a crash when there is none."""

import pytest

from django.test import RequestFactory

from assets_register.core.client_address import NO_ADDRESS, client_ip

from ..acv.test_nominations import answers
from ..factories import AssetFactory, CouncilFactory

PROXY = "127.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", "", "203.0.113.5"),
        (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # a header anyone can send
        (0, "", "", NO_ADDRESS),  # gunicorn on a Unix socket
        (0, "unix:/run/gunicorn.sock", "", NO_ADDRESS),
        (1, PROXY, "198.51.100.1", "198.51.100.1"),
        (1, PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote 6.6.6.6
        (1, "", " 198.51.100.1 ", "198.51.100.1"),
        (2, PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, PROXY, "10.0.0.2", NO_ADDRESS),  # fewer hops than proxies: not to be trusted
        (1, PROXY, "", NO_ADDRESS),
        (1, PROXY, "not-an-address", NO_ADDRESS),
        (0, "2001:db8::1", "", "2001:db8::1"),
        (0, "::ffff:203.0.113.5", "", "203.0.113.5"),  # dual-stack sockets map IPv4 so
    ],
)
def test_the_client_address_comes_from_the_trusted_hop(
    settings, proxies, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    if forwarded_for:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_ip(request) == expected


def behind_proxy(client_address, forged=""):
    hops = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": hops}


@pytest.mark.django_db
def test_two_visitors_behind_one_proxy_have_their_own_allowances(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.API_RATE_PER_IP = "2/m"
    url = f"/api/assets/{AssetFactory().pk}"
    first, second = behind_proxy("198.51.100.1"), behind_proxy("198.51.100.2")
    assert [client.get(url, **first).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, **second).status_code == 200
    # Whatever a visitor writes at the left of the header, the proxy's entry counts.
    assert client.get(url, **behind_proxy("198.51.100.1", forged="6.6.6.6")).status_code == 429


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_changes_nothing_without_trusted_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.DOWNLOAD_RATE_PER_IP = "2/h"
    codes = [
        client.get(
            "/downloads/register.csv", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=forged
        ).status_code
        for forged in ("198.51.100.1", "198.51.100.2", "198.51.100.3")
    ]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_the_forms_count_per_visitor_behind_the_proxy_too(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.NOMINATION_RATE_PER_IP = "1/h"
    settings.NOMINATION_RATE_PER_EMAIL = "100/h"
    pub = AssetFactory(council=CouncilFactory())
    url = f"/assets/{pub.pk}/nominate/"
    assert client.post(url, answers(), **behind_proxy("198.51.100.1")).status_code == 302
    assert client.post(url, answers(), **behind_proxy("198.51.100.1")).status_code == 429
    assert client.post(url, answers(), **behind_proxy("198.51.100.2")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("setting", ["API_RATE_PER_IP", "DOWNLOAD_RATE_PER_IP"])
def test_requests_with_no_address_are_answered_and_limited_together(client, settings, setting):
    """gunicorn on a Unix socket with no proxy configured leaves REMOTE_ADDR empty."""
    setattr(settings, setting, "2/h")
    url = (
        f"/api/assets/{AssetFactory().pk}"
        if setting == "API_RATE_PER_IP"
        else "/downloads/register.csv"
    )
    codes = [client.get(url, REMOTE_ADDR="").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="203.0.113.5").status_code == 200
