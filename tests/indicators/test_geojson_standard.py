"""Boundaries wound clockwise in the source (shapefile order) are served wound as RFC 7946
requires: exterior rings counter-clockwise, holes clockwise."""

import datetime
import importlib
import json

import pytest

from django.apps import apps

from assets_register.importers.areas import BoundaryImporter
from assets_register.indicators.compute import recompute
from assets_register.models import Area, AreaKind

from ..factories import AreaFactory, CouncilFactory, square
from ..geojson import assert_valid_geojson, assert_valid_geometry

pytestmark = pytest.mark.django_db

CLOCKWISE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[-2, 54], [-2, 55], [-1, 55], [-1, 54], [-2, 54]],
        [[-1.8, 54.2], [-1.2, 54.2], [-1.2, 54.8], [-1.8, 54.8], [-1.8, 54.2]],
    ],
}
CLOCKWISE_PARTS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[-1, 54], [-1, 54.5], [0, 54.5], [0, 54], [-1, 54]]],
        [[[-1, 54.6], [-1, 55], [0, 55], [0, 54.6], [-1, 54.6]]],
    ],
}


def feature(code, name, geometry):
    properties = {"WD13CD": code, "WD13NM": name, "LAD_CD": "E06000047"}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


@pytest.fixture
def clockwise_wards(tmp_path):
    CouncilFactory(gss_code="E06000047", boundary=square(-2, 54, 0, 55))
    path = tmp_path / "wards.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    feature("E05000001", "West Ward", CLOCKWISE_WITH_HOLE),
                    feature("E05000002", "East Ward", CLOCKWISE_PARTS),
                ],
            }
        )
    )
    report = BoundaryImporter(path, kind=AreaKind.WARD, valid_from=datetime.date(2013, 5, 2)).run()
    assert (report.created, report.rejected) == (2, 0)


def test_boundaries_are_wound_right_hand_on_import(clockwise_wards):
    for area in Area.objects.filter(kind=AreaKind.WARD):
        assert_valid_geometry(area.boundary)
        assert_valid_geometry(area.boundary_display)
    west = Area.objects.get(gss_code="E05000001")
    assert len(west.boundary["coordinates"]) == 2  # the hole is kept


def test_the_ward_map_data_is_standard_geojson(client, clockwise_wards):
    recompute()
    data = assert_valid_geojson(json.loads(client.get("/indicators/ward.geojson").content))
    assert {f["properties"]["gss"] for f in data["features"]} == {"E05000001", "E05000002"}
    assert {f["geometry"]["type"] for f in data["features"]} == {"Polygon", "MultiPolygon"}


def test_boundaries_stored_before_are_rewound_by_the_migration():
    ward = AreaFactory(boundary=CLOCKWISE_WITH_HOLE, boundary_display=CLOCKWISE_PARTS)
    unreadable = AreaFactory(boundary={"type": "Polygon", "coordinates": [[[0, 0]]]})
    migration = importlib.import_module(
        "assets_register.migrations.0034_opendata_right_hand_boundaries"
    )
    migration.rewind(apps, None)
    ward.refresh_from_db()
    assert_valid_geometry(ward.boundary)
    assert_valid_geometry(ward.boundary_display)
    unreadable.refresh_from_db()
    assert unreadable.boundary == {"type": "Polygon", "coordinates": [[[0, 0]]]}
