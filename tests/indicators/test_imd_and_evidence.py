"""Every area's deprivation beside its figures, in the edition published for its
geography; what the history rests on, and what is assumed; counts until there is a
population."""

import csv
import datetime
import io
import json

import pytest

from assets_register.indicators.compute import compute, recompute
from assets_register.models import AreaKind, EventKind

from ..factories import AreaFactory, AssetEventFactory, AssetFactory, AssetSourceFactory
from .conftest import ON

pytestmark = pytest.mark.django_db


def rows(client, kind):
    text = client.get(f"/indicators/{kind}.csv").content.decode("utf-8-sig")
    return {row["gss_code"]: row for row in csv.DictReader(io.StringIO(text))}


def test_every_area_has_its_imd_rank_and_edition_in_the_csv(client, register):
    AreaFactory(
        gss_code="E01035000",
        name="New Town 2021",
        kind=AreaKind.LSOA,
        parent=register["Southby"],
        imd_2025_rank=100,
        imd_2025_decile=1,
    )
    recompute(ON)
    lsoas = rows(client, "lsoa")
    north = lsoas["E01000901"]
    assert (north["imd_decile"], north["imd_rank"], north["imd_edition"]) == (
        "1",
        "1000.0",
        "IMD 2019",
    )
    assert north["imd_decile_source"] == "IMD 2019"
    # A 2021 LSOA has only the IMD 2025: that is its edition.
    new_town = lsoas["E01035000"]
    assert (new_town["imd_decile"], new_town["imd_rank"], new_town["imd_edition"]) == (
        "1",
        "100.0",
        "IMD 2025",
    )
    # A ward's rank is its LSOAs' population-weighted average: (1000*3000 + 5000*1000) / 4000.
    abbey = rows(client, "ward")["E05000901"]
    assert (abbey["imd_decile"], abbey["imd_rank"], abbey["imd_edition"]) == (
        "1",
        "2000.0",
        "IMD 2019",
    )
    assert abbey["imd_decile_source"] == "average rank of its LSOAs"
    councils = rows(client, "council")
    assert councils["E06000901"]["imd_edition"] == "IMD 2019"


def test_the_map_data_carries_the_deprivation(client, register):
    recompute(ON)
    body = json.loads(client.get("/indicators/ward.geojson").content)
    abbey = next(f["properties"] for f in body["features"] if f["properties"]["gss"] == "E05000901")
    assert (abbey["imd_decile"], abbey["imd_rank"], abbey["imd_edition"]) == (1, 2000.0, "IMD 2019")
    assert abbey["deprivation"] == "IMD 2019 decile 1 (its LSOAs’ average rank 2,000)"
    assert abbey["open_now"] == 4 and abbey["change_10y"] == -2


def test_a_list_of_what_exists_now_is_assumed_not_known_in_the_past(client):
    """Three pubs open today in one ward: one seen in OpenStreetMap since 2014, one known
    only from Open Pubs (a list of what exists now), one closed and reopened since."""
    ward = AreaFactory(gss_code="E05000960", name="Harbour")
    today = datetime.date.today()
    AssetSourceFactory(asset=AssetFactory(name="The Ship", ward=ward, source="osm-pubs"))
    AssetFactory(name="The Lamb", ward=ward, source="open-pubs")
    reopened = AssetFactory(name="The Bell", ward=ward)
    for kind, years_ago in ((EventKind.CLOSED, 5), (EventKind.REOPENED, 3)):
        day = today.replace(day=1, year=today.year - years_ago)
        AssetEventFactory(asset=reopened, kind=kind, date=day)
    frames = compute(today)
    row = frames[AreaKind.WARD].loc[ward.pk]
    # Ten years ago: The Ship known (OSM 2014), The Lamb assumed, The Bell assumed open
    # before the first thing known of it (its closure five years ago).
    assert (row["open_10"], row["assumed_10"], row["open_0"], row["assumed_0"]) == (3, 2, 3, 0)
    evidence = {(e["category"], e["source"]): e for e in frames.evidence}
    assert evidence[("pub", "open-pubs")]["known_at_start"] == 0
    assert evidence[("pub", "osm-pubs")]["earliest"] == "2014-12-21"

    recompute(today)
    page = " ".join(client.get(ward.get_absolute_url()).content.decode().split())
    assert "Ten years ago</dt> <dd>3, of which 2 assumed (no dated record of them then)" in page
    assert "OpenStreetMap" in page and "December 2014" in page
    assert "all 1: no dated record of any before" in page
    assert "2 assumed)" in page  # the chart's description, year by year
    indicators = " ".join(client.get("/indicators/?kind=ward").content.decode().split())
    assert "What the history rests on" in indicators
    assert "Open Pubs" in indicators or "open-pubs" in indicators
    csv_row = rows(client, "ward")["E05000960"]
    assert (csv_row["open_10y_ago"], csv_row["open_10y_ago_assumed"]) == ("3", "2")


def test_counts_are_shown_until_a_population_is_loaded_and_it_says_where_from(client, register):
    recompute(ON)
    page = " ".join(client.get("/areas/E05000903/").content.decode().split())
    assert "Not loaded yet: rates per 1,000 residents need the" in page
    assert "ONS mid-year population estimates for wards and LSOAs" in page
    assert "ons.gov.uk" in page
    assert "per 1,000 residents)" not in page
    rules = " ".join(client.get("/indicators/").content.decode().split())
    assert "which are not loaded yet for England's wards and LSOAs" in rules


def test_a_place_in_an_older_edition_of_another_dataset_is_known_from_that_edition():
    ward = AreaFactory(gss_code="E05000961", name="Mill")
    library = AssetFactory(
        name="Mill Library",
        category="library",
        ward=ward,
        source="ace-libraries",
        source_edition="2023",
    )
    old_row = AssetFactory(
        name="Mill Library", category="library", source_edition="2016", live=False
    )
    AssetSourceFactory(
        asset=library, source="libraries-2016", source_ref="m1", first_seen=None, record=old_row
    )
    on = datetime.date(2025, 3, 1)  # ten years back: 1 March 2015, before either edition
    frames = compute(on)
    row = frames[AreaKind.WARD].loc[ward.pk]
    assert [row[f"assumed_{y}"] for y in (10, 9, 8)] == [1, 1, 0]  # known from July 2016
