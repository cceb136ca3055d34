"""Boundaries, postcodes and deprivation."""

import datetime
import json
import warnings

import pytest

from assets_register.importers.areas import BoundaryImporter, DeprivationImporter, PostcodeImporter
from assets_register.importers.base import ImportFileError
from assets_register.models import Area, AreaKind, PostcodeLocation

from ..conftest import DATA
from ..factories import AreaFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def test_wards_are_imported_with_bbox_display_copy_and_parent():
    council = CouncilFactory(gss_code="E06000047")
    report = BoundaryImporter(
        DATA / "wards_ok.geojson", kind=AreaKind.WARD, valid_from=datetime.date(2013, 5, 2)
    ).run()
    assert (report.created, report.rejected) == (2, 0)
    west = Area.objects.get(gss_code="E05000001")
    assert (west.name, west.kind, west.parent) == ("West Ward", "ward", council)
    assert west.bbox == (-2, 54, -1, 55)
    assert west.boundary_display["type"] == "Polygon"
    again = BoundaryImporter(
        DATA / "wards_ok.geojson", kind=AreaKind.WARD, valid_from=datetime.date(2013, 5, 2)
    ).run()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_new_boundary_generation_coexists_with_the_old():
    BoundaryImporter(
        DATA / "wards_ok.geojson", kind="ward", valid_from=datetime.date(2013, 5, 2)
    ).run()
    BoundaryImporter(
        DATA / "wards_ok.geojson", kind="ward", valid_from=datetime.date(2025, 5, 1)
    ).run()
    assert Area.objects.filter(gss_code="E05000001").count() == 2


def test_missing_parent_council_is_a_notice():
    report = BoundaryImporter(DATA / "wards_ok.geojson", kind="ward").run()
    assert report.created == 2
    assert "E06000047" in report.notices[0]


def test_bad_features_are_rejected_one_by_one():
    report = BoundaryImporter(DATA / "wards_bad_features.geojson", kind="ward").run()
    assert report.created == 1
    messages = [str(p) for p in report.problems]
    assert messages[0] == "row 3, geometry: a Point is not an area"
    assert messages[1] == "row 4, WD13CD: no area code"
    assert "not in WGS84" in messages[2]


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_coordinate_that_is_not_a_number_rejects_its_feature_quietly(tmp_path, bad):
    ring = [[-1.66, 54.80], [-1.60, bad], [-1.60, 54.83], [-1.66, 54.80]]
    features = [
        {
            "type": "Feature",
            "properties": {"WD13CD": "E05000001", "WD13NM": "Broken"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
    ]
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarning on NaN, before
        report = BoundaryImporter(path, kind="ward").run()
    assert (report.created, report.rejected) == (0, 1)
    assert "row 2, geometry: not a usable geometry" in str(report.problems[0])
    assert not Area.objects.exists()


def test_a_file_that_is_not_a_feature_collection_is_refused(tmp_path):
    with pytest.raises(ImportFileError, match="FeatureCollection"):
        BoundaryImporter(DATA / "not_a_collection.geojson", kind="ward").run()
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ not json")
    with pytest.raises(ImportFileError, match="not GeoJSON"):
        BoundaryImporter(broken, kind="ward").run()
    with pytest.raises(ImportFileError, match="Unknown area kind"):
        BoundaryImporter(broken, kind="parish")


def test_postcodes_import_and_upsert():
    report = PostcodeImporter(DATA / "postcodes_sample.csv").run()
    assert (report.created, report.rejected) == (2, 2)
    assert [str(p) for p in report.problems] == [
        "line 4, latitude: no coordinates for this postcode",
        "line 5, postcode: 'NOT A CODE' is not a valid UK postcode",
    ]
    row = PostcodeLocation.objects.get(postcode="DH7 6LQ")
    assert (row.council_code, row.ward_code, row.positional_quality) == (
        "E06000047",
        "E05016190",
        10,
    )
    again = PostcodeImporter(DATA / "postcodes_sample.csv").run()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_deprivation_sets_rank_and_decile_on_known_lsoas_only():
    lsoa = AreaFactory(gss_code="E01000001", kind=AreaKind.LSOA)
    AreaFactory(gss_code="E01000002", kind=AreaKind.LSOA)
    report = DeprivationImporter(DATA / "imd_sample.csv").run()
    assert (report.updated, report.skipped, report.rejected) == (1, 1, 1)
    assert str(report.problems[0]) == "line 4, IMD_decile: 11 is not a decile (1 to 10)"
    lsoa.refresh_from_db()
    assert (lsoa.imd_rank, lsoa.imd_decile) == (1200, 1)
