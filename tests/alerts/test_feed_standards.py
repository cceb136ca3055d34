"""The Atom feeds against RFC 4287, with dates as precise as their sources, and conditional
GET so a feed reader polling every few minutes is answered 304 while nothing changed."""

import datetime

import pytest

from django.core.cache import cache

from assets_register.core.dates import DatePrecision
from assets_register.models import EventKind

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    PostcodeLocationFactory,
    durham_and_sacriston,
)
from .atom import ATOM, assert_valid_atom

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def pub():
    ward = durham_and_sacriston()[1]
    PostcodeLocationFactory(postcode="DH7 6LQ")
    return AssetFactory(name="The Red Lion", council=ward.parent, ward=ward)


def feed_urls(pub):
    return [
        "/areas/E05009076/feed.atom",
        f"/assets/{pub.pk}/feed.atom",
        "/feeds/nearby.atom?postcode=DH7+6LQ&km=2",
    ]


def test_every_feed_meets_rfc_4287_with_an_author(client, pub):
    AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    AssetEventFactory(asset=pub, kind=EventKind.AT_RISK, date=D(2021, 1, 5))
    for url in feed_urls(pub):
        feed = assert_valid_atom(client.get(url).content)
        assert feed.find(f"{ATOM}author/{ATOM}name").text == "Community Asset Register"
        assert len(feed.findall(ATOM + "entry")) == 2


def test_an_empty_feed_is_valid_too(client, pub):
    for url in feed_urls(pub):
        assert_valid_atom(client.get(url).content)


def test_entries_are_dated_and_titled_as_precisely_as_the_event(client, pub):
    """A closure a source dates only to 2022, imported today, reads "closed (2022)" and is
    dated 2022 in a reader, not today: old closures do not look new."""
    AssetEventFactory(
        asset=pub, kind=EventKind.CLOSED, date=D(2022, 1, 1), date_precision=DatePrecision.YEAR
    )
    AssetEventFactory(
        asset=pub, kind=EventKind.AT_RISK, date=D(2021, 5, 1), date_precision=DatePrecision.MONTH
    )
    feed = assert_valid_atom(client.get(f"/assets/{pub.pk}/feed.atom").content)
    entries = [
        (entry.find(ATOM + "title").text, entry.find(ATOM + "updated").text)
        for entry in feed.findall(ATOM + "entry")
    ]
    assert entries == [
        ("The Red Lion, Sacriston: closed (2022).", "2022-01-01T00:00:00+00:00"),
        ("The Red Lion, Sacriston: at risk (May 2021).", "2021-05-01T00:00:00+00:00"),
    ]
    assert feed.find(ATOM + "updated").text == "2022-01-01T00:00:00+00:00"


def test_an_unchanged_feed_is_answered_not_modified(client, pub):
    AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    url = f"/assets/{pub.pk}/feed.atom"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    # A closure backdated to 2015 but recorded now changes the feed: neither validator holds.
    AssetEventFactory(asset=pub, kind=EventKind.AT_RISK, date=D(2015, 6, 1))
    cache.clear()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
