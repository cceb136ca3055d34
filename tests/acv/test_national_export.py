"""The council's export against the planning.data.gov.uk asset-of-community-value
specification (tests/data/planning_data_acv_spec_fields.csv, a copy of the working draft
in the shared data): its fields in order, each value of its datatype, the decision's two
values, records of entries that left the list ended with an end-date rather than dropped,
and a point and geometry for every located place."""

import csv
import datetime
import io
import json
import re

import pytest
import shapely.wkt

from django.urls import reverse

from assets_register.acv import workflow as acv_workflow

from ..conftest import DATA
from ..factories import AssetFactory, CouncilFactory, ListEntryFactory, NominationFactory
from ..geojson import assert_valid_geojson

D = datetime.date
pytestmark = pytest.mark.django_db
SPEC = list(csv.DictReader((DATA / "planning_data_acv_spec_fields.csv").open()))
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TODAY = D(2024, 6, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def council():
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    listed = acv_workflow.decide_nomination(
        acv_workflow.receive_nomination(
            NominationFactory.build(
                council=council,
                asset=AssetFactory(name="The Robin Hood"),
                received_on=D(2023, 11, 2),
            )
        ),
        listed=True,
        decided_on=D(2023, 12, 14),
        reference="A-CV-1",
    )
    ListEntryFactory(
        council=council,
        reference="A-CV-OLD",
        asset=AssetFactory(name="The Sold Arms", latitude=None, longitude=None),
        listed_on=D(2019, 3, 1),
        removed_on=D(2022, 7, 4),
        removal_reason="disposed",
        recorded_on=D(2019, 3, 8),
    )
    ListEntryFactory(
        council=council,
        reference="A-CV-EXPIRED",
        listed_on=D(2018, 5, 1),
        expires_on=D(2023, 4, 30),
        recorded_on=D(2018, 5, 2),
    )
    acv_workflow.decide_nomination(
        acv_workflow.receive_nomination(
            NominationFactory.build(council=council, asset=None, received_on=D(2024, 1, 4))
        ),
        listed=False,
        decided_on=D(2024, 2, 20),
        reasons="Not used for the community's wellbeing.",
    )
    return listed.council


def exported(client):
    response = client.get(reverse("acv_export_csv", args=["E06000047"]))
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def test_the_export_has_the_specifications_fields_each_of_its_datatype(client, council):
    fields, rows = exported(client)
    assert fields == [field["field"] for field in SPEC]
    assert len(rows) == 4
    for row in rows:
        for field in SPEC:
            value = row[field["field"]]
            if field["datatype"] == "datetime" and value:
                assert ISO_DATE.match(value), (field["field"], value)
            elif field["datatype"] == "point" and value:
                assert shapely.wkt.loads(value).geom_type == "Point"
            elif field["datatype"] == "multipolygon" and value:
                assert shapely.wkt.loads(value).is_valid
            elif field["datatype"] == "curie":
                assert re.fullmatch(r"[a-z-]+:[A-Z]{3}", value), value
        assert row["decision"] in ("successful", "unsuccessful")
        assert row["entry-date"] != TODAY.isoformat()
        for required in ("reference", "name", "organisation", "entry-date", "start-date"):
            assert row[required], (row["reference"], required)


def test_entries_that_left_the_list_are_ended_not_dropped(client, council):
    rows = {row["reference"]: row for row in exported(client)[1]}
    assert rows["A-CV-1"]["end-date"] == ""
    assert rows["A-CV-OLD"]["end-date"] == "2022-07-04"
    assert rows["A-CV-OLD"]["entry-date"] == "2019-03-08"
    assert rows["A-CV-EXPIRED"]["end-date"] == "2023-05-01"  # the day after the last day
    assert {row["decision"] for row in rows.values()} == {"successful", "unsuccessful"}
    statutory = client.get(
        reverse("acv_export_csv", args=["E06000047"]), {"part": "statutory"}
    ).content.decode()
    old = next(r for r in csv.DictReader(io.StringIO(statutory)) if r["reference"] == "A-CV-OLD")
    assert (old["removed-date"], old["removal-reason"]) == ("2022-07-04", "disposed")


def test_located_places_have_a_wkt_point_and_geometry(client, council):
    rows = {row["reference"]: row for row in exported(client)[1]}
    point = shapely.wkt.loads(rows["A-CV-1"]["point"])
    assert (round(point.x, 3), round(point.y, 3)) == (-1.626, 54.816)
    assert shapely.wkt.loads(rows["A-CV-1"]["geometry"]).equals(point)
    assert rows["A-CV-OLD"]["point"] == rows["A-CV-OLD"]["geometry"] == ""
    data = json.loads(client.get(reverse("acv_export_geojson", args=["E06000047"])).content)
    assert_valid_geojson(data)
    ended = next(f for f in data["features"] if f["properties"]["reference"] == "A-CV-OLD")
    assert ended["geometry"] is None and ended["properties"]["end-date"] == "2022-07-04"
