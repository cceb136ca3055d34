"""Current status is derived from the event history, never edited on its own."""

import datetime

import pytest

from assets_register.models import Asset, AssetEvent, DatePrecision, EventKind, Status
from assets_register.models.assets import derive_status

from ..factories import AssetEventFactory, AssetFactory

D = datetime.date


@pytest.mark.parametrize(
    "events, expected",
    [
        ([], Status.OPEN),
        ([(D(2015, 1, 1), EventKind.OPENED)], Status.OPEN),
        ([(D(2019, 6, 1), EventKind.CLOSED)], Status.CLOSED),
        ([(D(2019, 6, 1), EventKind.CLOSED), (D(2021, 3, 1), EventKind.REOPENED)], Status.OPEN),
        # out of order input is read in date order
        ([(D(2021, 3, 1), EventKind.REOPENED), (D(2019, 6, 1), EventKind.CLOSED)], Status.OPEN),
        ([(D(2020, 1, 1), EventKind.AT_RISK)], Status.AT_RISK),
        ([(D(2020, 1, 1), EventKind.LISTED_FOR_SALE)], Status.FOR_SALE),
        # a threat to a closed place does not reopen it
        (
            [(D(2019, 1, 1), EventKind.CLOSED), (D(2020, 1, 1), EventKind.LISTED_FOR_SALE)],
            Status.CLOSED,
        ),
        (
            [(D(2019, 1, 1), EventKind.CLOSED), (D(2022, 1, 1), EventKind.BOUGHT_BY_COMMUNITY)],
            Status.OPEN,
        ),
        (
            [(D(2019, 1, 1), EventKind.CLOSED), (D(2020, 1, 1), EventKind.DEMOLISHED)],
            Status.DEMOLISHED,
        ),
        ([(D(2019, 1, 1), EventKind.CLOSED), (D(2020, 1, 1), EventKind.NOTE)], Status.CLOSED),
        ([(D(2019, 1, 1), EventKind.OWNERSHIP_CHANGED)], Status.OPEN),
    ],
)
def test_derive_status(events, expected):
    assert derive_status(events) == expected


@pytest.mark.django_db
def test_year_only_closure_then_dated_reopening_in_the_same_year_leaves_it_open():
    """A year-only date stands for the first day of that year, so a reopening later
    in the year comes after it."""
    asset = AssetFactory()
    AssetEventFactory(
        asset=asset, kind=EventKind.CLOSED, date=D(2013, 1, 1), date_precision=DatePrecision.YEAR
    )
    AssetEventFactory(asset=asset, kind=EventKind.REOPENED, date=D(2013, 9, 14))
    asset.refresh_from_db()
    assert asset.status == Status.OPEN
    assert [e.display_date for e in asset.timeline()] == ["14 September 2013", "2013"]


@pytest.mark.django_db
def test_stored_status_follows_event_edits_and_deletions():
    asset = AssetFactory()
    closure = AssetEventFactory(asset=asset, kind=EventKind.CLOSED)
    asset.refresh_from_db()
    assert asset.status == Status.CLOSED
    closure.delete()
    asset.refresh_from_db()
    assert asset.status == Status.OPEN


@pytest.mark.django_db
def test_refresh_statuses_repairs_bulk_written_history():
    asset = AssetFactory()
    AssetEvent.objects.bulk_create(
        [AssetEvent(asset=asset, kind=EventKind.CONVERTED, date=D(2018, 1, 1))]
    )
    assert Asset.objects.get(pk=asset.pk).status == Status.OPEN  # bulk writes skip signals
    assert Asset.objects.filter(pk=asset.pk).refresh_statuses() == 1
    assert Asset.objects.get(pk=asset.pk).status == Status.CONVERTED


@pytest.mark.django_db
def test_month_and_year_precision_snap_to_the_first_day():
    event = AssetEventFactory.build(
        asset=AssetFactory(), date=D(2014, 7, 19), date_precision=DatePrecision.MONTH
    )
    event.full_clean()
    assert event.date == D(2014, 7, 1) and event.display_date == "July 2014"
    event.date_precision = DatePrecision.YEAR
    event.full_clean()
    assert event.date == D(2014, 1, 1) and event.display_date == "2014"


@pytest.mark.django_db
def test_places_to_meet_and_open_now_querysets():
    pub = AssetFactory(category="pub")
    AssetFactory(category="police_station")
    closed_library = AssetFactory(category="library")
    AssetEventFactory(asset=closed_library, kind=EventKind.CLOSED)
    assert set(Asset.objects.places_to_meet()) == {pub, closed_library}
    assert set(Asset.objects.places_to_meet().open_now()) == {pub}
    assert (
        pub.is_place_to_meet and pub.is_open and not Asset.objects.get(pk=closed_library.pk).is_open
    )
