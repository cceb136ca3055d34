"""A closure known only to lie between two snapshots counts from the range's midpoint."""

import datetime

import pytest

from assets_register.indicators.compute import History, load_places, recompute
from assets_register.models import Asset, DatePrecision, EventKind

from ..factories import AreaFactory, AssetEventFactory, AssetFactory

pytestmark = pytest.mark.django_db


def test_a_closure_between_two_snapshots_counts_from_the_midpoint():
    pub = AssetFactory(name="The Nore")
    event = AssetEventFactory(
        asset=pub,
        kind=EventKind.CLOSED,
        date=datetime.date(2019, 6, 15),
        date_until=datetime.date(2022, 1, 28),
        date_precision=DatePrecision.DAY,
    )
    assert event.display_date == "between Jun 2019 and Jan 2022"
    history = History(*load_places(Asset.objects.all()), on=datetime.date(2025, 3, 1))
    # The midpoint is 6 October 2020: open the day before, closed on it.
    assert history.open_on(datetime.date(2020, 10, 5)).tolist() == [True]
    assert history.open_on(datetime.date(2020, 10, 6)).tolist() == [False]
    assert history.open_on(datetime.date(2019, 7, 1)).tolist() == [True]


def test_a_range_known_to_the_year_reads_as_years():
    event = AssetEventFactory(
        date=datetime.date(2016, 1, 1),
        date_until=datetime.date(2023, 1, 1),
        date_precision=DatePrecision.YEAR,
    )
    assert event.display_date == "between 2016 and 2023"


def test_the_indicators_page_says_how_a_range_counts(client):
    recompute()
    page = client.get("/indicators/").content.decode()
    assert "counts from halfway between them" in page


def test_an_area_page_lists_a_closure_known_to_a_range_as_that_range(client):
    ward = AreaFactory(gss_code="E05000970", name="Quay")
    today = datetime.date.today()
    AssetEventFactory(
        asset=AssetFactory(name="The Nore", ward=ward),
        kind=EventKind.CLOSED,
        date=today.replace(day=1, year=today.year - 6),
        date_until=today.replace(day=1, year=today.year - 3),
        date_precision=DatePrecision.DAY,
    )
    recompute()
    section = client.get(ward.get_absolute_url()).content.decode().split("that closed since")[1]
    lost = section.split("</ul>")[0]
    assert "The Nore" in lost
    assert f"closed between {today:%b} {today.year - 6} and {today:%b} {today.year - 3}" in lost
