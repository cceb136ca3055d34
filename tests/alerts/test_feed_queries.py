"""An area's or a place's Atom feed reads the same few queries however many events it
has: the law's periods once, whether places are listed once, and no query per item."""

import datetime

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets_register.alerts.feeds import AreaFeed
from assets_register.models import EventKind

from ..factories import AssetEventFactory, AssetFactory, ListEntryFactory, durham_and_sacriston
from .atom import ATOM, assert_valid_atom

D = datetime.date
pytestmark = pytest.mark.django_db
KINDS = [EventKind.CLOSED, EventKind.ACV_LISTED, EventKind.AT_RISK, EventKind.ACV_REMOVED]


@pytest.fixture
def ward(settings):
    settings.PAGE_CACHE_SECONDS = 0
    return durham_and_sacriston()[1]


def happenings(ward, places, start=0):
    """Places in the ward, every other one listed, each with an event of a kind in turn."""
    for number in range(start, start + places):
        place = AssetFactory(name=f"Place {number:03d}", council=ward.parent, ward=ward)
        if number % 2:
            ListEntryFactory(council=ward.parent, asset=place)
        AssetEventFactory(
            asset=place, kind=KINDS[number % len(KINDS)], date=D(2021, 1, 1 + number % 28)
        )
    return place


def fetched(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), assert_valid_atom(response.content)


@pytest.mark.parametrize("area", ["ward", "council"])
def test_an_area_feed_takes_the_same_queries_for_4_or_40_events(client, ward, area):
    url = f"/areas/{(ward if area == 'ward' else ward.parent).gss_code}/feed.atom"
    happenings(ward, 4)
    small, feed = fetched(client, url)
    happenings(ward, 36, start=4)
    large, feed = fetched(client, url)
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 40
    assert large == small


def test_each_item_links_to_its_place_and_words_it_as_before(client, ward):
    place = happenings(ward, 4)  # Place 003: listed, closed on 4 January 2021
    _, feed = fetched(client, f"/assets/{place.pk}/feed.atom")
    (entry,) = feed.findall(ATOM + "entry")
    link = entry.find(ATOM + "link").get("href")
    assert link.endswith(f"{place.get_absolute_url()}#event-{place.events.get().pk}")
    assert entry.find(ATOM + "title").text == (
        "Place 003, Sacriston: removed from the list of assets of community value (4 January 2021)."
    )


def test_a_closure_says_whether_its_place_can_still_be_nominated(client, ward):
    happenings(ward, 3)  # Place 000 closed, not listed; Place 001 listed
    _, feed = fetched(client, f"/areas/{ward.gss_code}/feed.atom")
    summaries = {
        entry.find(ATOM + "title").text: entry.find(ATOM + "summary").text
        for entry in feed.findall(ATOM + "entry")
    }
    closed = summaries["Place 000, Sacriston: closed (1 January 2021)."]
    assert closed.startswith("A community group can nominate it")
    listed = summaries["Place 001, Sacriston is now listed as an asset of community value."]
    assert "six weeks to ask to bid" in listed


def test_a_feed_keeps_each_answer_to_itself(rf, ward):
    """One feed instance serves every thread: an answer's state is kept on a copy."""
    happenings(ward, 2)
    feed = AreaFeed()
    response = feed(rf.get(f"/areas/{ward.gss_code}/feed.atom?topics=closures"), ward.gss_code)
    assert response.status_code == 200
    assert not {"request", "kinds", "today", "listed"} & set(vars(feed))
