"""The real-source importers: libraries, Open Pubs, OpenStreetMap pubs."""

import datetime

import pytest

from assets_register.importers.libraries import PublicLibrariesImporter
from assets_register.importers.pubs import OpenPubsImporter, OsmPubsImporter
from assets_register.models import Asset, EventKind, LocationSource, Ownership, Status

from ..conftest import DATA
from ..factories import PostcodeLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stoke_postcodes(db):
    for postcode, lat, lon in [
        ("ST2 8JE", "53.035", "-2.142"),
        ("ST2 0EU", "53.013", "-2.129"),
        ("ST4 4SZ", "53.004", "-2.185"),
    ]:
        PostcodeLocationFactory(postcode=postcode, latitude=lat, longitude=lon)


def test_libraries_become_assets_with_dated_closures(stoke_postcodes):
    report = PublicLibrariesImporter(DATA / "libraries_sample.csv").run()
    assert (report.created, report.rejected) == (3, 0)
    abbey = Asset.objects.get(name="Abbey Hulton (Book Collection)")
    assert abbey.source == "ace-libraries"
    assert abbey.status == Status.CLOSED
    closure = abbey.events.get(kind=EventKind.CLOSED)
    assert (closure.date, closure.display_date) == (datetime.date(2018, 1, 1), "2018")
    assert abbey.location_source == LocationSource.POSTCODE
    stoke = Asset.objects.get(name="Stoke Library")
    assert stoke.status == Status.OPEN and stoke.ownership == Ownership.PUBLIC
    assert stoke.events.get().kind == EventKind.OPENED


def test_operating_model_changes_between_returns_become_events():
    events = PublicLibrariesImporter.changes_between_returns(
        ["LAU", "CR", "LAU", "Closed", "Closed"], known_opening=False, known_closure=False
    )
    kinds = [(kind, date.year) for kind, date, _precision, _note in events]
    assert kinds == [
        (EventKind.OWNERSHIP_CHANGED, 2019),
        (EventKind.OWNERSHIP_CHANGED, 2021),
        (EventKind.CLOSED, 2022),
    ]
    assert "DCMS returns for 2021 and 2022" in events[2][3]
    # a year in the `closed` column wins over the inferred one
    assert (
        PublicLibrariesImporter.changes_between_returns(
            ["LA", "Closed", "", "", ""], known_opening=False, known_closure=True
        )
        == []
    )
    reopened = PublicLibrariesImporter.changes_between_returns(
        ["LA", "Temporary Closure", "LA", "", ""], known_opening=False, known_closure=False
    )
    assert [e[0] for e in reopened] == [EventKind.TEMPORARILY_CLOSED, EventKind.REOPENED]


def test_libraries_second_run_is_unchanged(stoke_postcodes):
    PublicLibrariesImporter(DATA / "libraries_sample.csv").run()
    report = PublicLibrariesImporter(DATA / "libraries_sample.csv").run()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_open_pubs_without_a_location_use_their_postcode():
    PostcodeLocationFactory(postcode="DH7 6LQ")
    report = OpenPubsImporter(DATA / "open_pubs_sample.csv").run()
    assert report.created == 2
    abbey = Asset.objects.get(source_ref="505554")
    assert (float(abbey.latitude), abbey.location_source) == (51.432473, LocationSource.SOURCE_DATA)
    sentinel = Asset.objects.get(source_ref="900001")
    assert sentinel.location_source == LocationSource.POSTCODE
    assert float(sentinel.latitude) == 54.816


def test_osm_pubs_need_coordinates_and_keep_their_osm_id():
    report = OsmPubsImporter(DATA / "osm_pubs_sample.tsv").run()
    assert report.created == 2
    assert str(report.problems[0]) == (
        "line 3, latitude: no coordinates (mapped as a building outline)"
    )
    robin = Asset.objects.get(source_ref="123456")
    assert (robin.osm_id, robin.source) == ("123456", "osm-pubs")
    assert Asset.objects.filter(name='"Quoted" Inn').exists()
