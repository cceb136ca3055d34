"""OpenStreetMap pub snapshots: one place per pub across re-mapping, closures between two
snapshot dates, places located from another snapshot or another source, and one marker
for a pub that Open Pubs also lists. The rows are real (tests/data/national/pubs.md)."""

import datetime
from decimal import Decimal

import pytest

from assets_register.importers.areas import PostcodeImporter
from assets_register.importers.pubs import OpenPubsImporter
from assets_register.importers.snapshots import OsmSnapshotImporter
from assets_register.models import (
    Asset,
    AssetEvent,
    AssetSource,
    EventKind,
    LocationSource,
    Status,
)

from ..conftest import DATA
from ..factories import CouncilFactory, square

pytestmark = pytest.mark.django_db
PUBS = DATA / "national" / "pubs"
SNAPSHOTS = sorted(PUBS.glob("osm_pubs_gb_*.tsv"))
JUN_2019, JAN_2022 = datetime.date(2019, 6, 15), datetime.date(2022, 1, 28)


@pytest.fixture
def kent(db):
    """Boxes for Swale and Canterbury; the fixture's postcodes; its Open Pubs rows."""
    CouncilFactory(gss_code="E07000113", name="Swale", boundary=square(0.6, 51.25, 0.96, 51.47))
    CouncilFactory(gss_code="E07000106", name="Canterbury", boundary=square(0.96, 51.2, 1.3, 51.4))
    PostcodeImporter(DATA / "national/postcodes/codepoint_open_2025_10_england.csv.gz").run()
    OpenPubsImporter(PUBS / "open_pubs_swale.csv").run()


@pytest.fixture
def imported(kent):
    return OsmSnapshotImporter(SNAPSHOTS).run()


def pub(name):
    return Asset.objects.live().get(name=name)


def test_a_pub_gone_from_the_next_snapshot_closed_between_the_two_dates(imported):
    nore = pub("The Nore")
    assert nore.status == Status.CLOSED
    closure = nore.events.get()
    assert (closure.kind, closure.date, closure.date_until) == (
        EventKind.CLOSED,
        JUN_2019,
        JAN_2022,
    )
    assert closure.display_date == "between Jun 2019 and Jan 2022"
    assert closure.source == "osm-pubs" and "509693445" in closure.note


def test_a_node_remapped_as_a_building_is_the_same_open_pub_placed_by_the_old_node(imported):
    fruiterers = pub("Fruiterers Arms")
    assert fruiterers.status == Status.OPEN and not fruiterers.events.exists()
    assert (fruiterers.latitude, fruiterers.longitude) == (
        Decimal("51.318090"),
        Decimal("0.746826"),
    )
    # Linked as the node it was (OpenStreetMap keeps its history); the building it is
    # mapped as now is among its records.
    assert fruiterers.osm_id == "634164840"
    seen = {
        s.source_ref: (s.first_seen, s.last_seen)
        for s in fruiterers.sources.filter(source="osm-pubs")
    }
    assert seen == {
        "634164840": (datetime.date(2016, 10, 30), JUN_2019),
        "68303761": (JAN_2022, JAN_2022),
    }


def test_a_slight_rename_a_new_id_and_a_move_of_metres_are_the_same_pub(imported):
    sun = pub("the Sun inn")  # was 'The Sun', node 575044001, 55 m away
    assert sun.status == Status.OPEN and sun.osm_id == "7726284287"
    assert not Asset.objects.filter(name="The Sun").exists()
    duke = pub("Duke William")  # a new node 10 m from the old one
    assert duke.status == Status.OPEN and duke.latitude == Decimal("51.278430")
    assert set(duke.sources.values_list("source_ref", flat=True)) == {"29861537", "5396208913"}
    assert pub("The White Horse Inn").status == Status.OPEN
    assert imported.remapped == 3 and imported.closures == 1


def test_a_building_never_located_is_placed_by_its_open_pubs_row_or_postcode(imported):
    long_hop = pub("The Long Hop")  # Open Pubs has no coordinates for it: its postcode's
    assert long_hop.location_source == LocationSource.POSTCODE
    assert (long_hop.latitude, long_hop.longitude) == (Decimal("51.345493"), Decimal("0.702466"))
    assert long_hop.source == "osm-pubs" and long_hop.postcode == "ME10 1YU"
    assert long_hop.osm_id == ""  # a building: no node to link to; its records name it
    beauty = pub("Beauty Of Bath")
    assert (beauty.latitude, beauty.location_source) == (
        Decimal("51.334415"),
        LocationSource.SOURCE_DATA,
    )
    assert imported.located_from_open_pubs == 2
    assert imported.located_from_another_snapshot == 1  # Fruiterers Arms


def test_a_pub_in_open_pubs_too_is_one_place_citing_both(imported):
    for name in ("The Alma", "Fruiterers Arms", "The Long Hop", "Beauty Of Bath"):
        assert Asset.objects.live().filter(name=name).count() == 1, name
        place = pub(name)
        assert place.source == "osm-pubs"
        cited = place.sources.get(source="open-pubs")
        assert cited.record.source == "open-pubs" and not cited.record.live
    alma = pub("The Alma")
    assert alma.address == "Painters Forstal Road, Ospringe, Faversham, Kent"
    assert pub("Abbey Hotel").source == "open-pubs"  # in Open Pubs only: its own place
    assert imported.merged_with_open_pubs == 4


def test_a_pub_gone_where_one_of_its_name_appeared_without_a_location_is_not_a_closure(
    imported,
):
    sportsman = pub("The Sportsman")
    assert sportsman.status == Status.OPEN and not sportsman.events.exists()
    assert imported.ambiguous == 1


def test_pubs_without_a_location_or_outside_the_councils_are_reported_not_placed(imported):
    assert not Asset.objects.filter(name__in=["The Chequers Inn", "012 Bar & Grill Restaurant"])
    unlocated = sorted(name for _ids, name, _first, _last in imported.unlocated)
    assert unlocated == ["The Chequers Inn", "The Sportsman", "The Sportsman"]
    assert any("The Chequers Inn" in notice for notice in imported.notices)
    assert imported.outside == 1


def test_importing_the_snapshots_again_changes_nothing(imported):
    events, sources = AssetEvent.objects.count(), AssetSource.objects.count()
    again = OsmSnapshotImporter(SNAPSHOTS).run()
    assert (again.created, again.updated, again.unchanged) == (0, 0, imported.created)
    assert (AssetEvent.objects.count(), AssetSource.objects.count()) == (events, sources)


def test_a_closure_the_snapshots_no_longer_support_is_taken_back(imported):
    OsmSnapshotImporter(SNAPSHOTS[:2]).run()  # as if 2022 had not been published
    nore = pub("The Nore")
    assert nore.status == Status.OPEN and not nore.events.exists()


def test_a_dry_run_writes_nothing(kent):
    report = OsmSnapshotImporter(SNAPSHOTS, dry_run=True).run()
    assert report.created == 9 and not Asset.objects.filter(source="osm-pubs").exists()


def test_the_place_page_cites_every_source(imported, client):
    page = client.get(pub("Fruiterers Arms").get_absolute_url()).content.decode()
    assert "Open Pubs" in page and "505889" in page
    assert "OpenStreetMap: 634164840 (Oct 2016 to Jun 2019)" in page
