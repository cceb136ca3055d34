import datetime

import pytest

from assets_register.geo.lookup import council_at
from assets_register.geo.spatial import AreaIndex, assign_areas, locate_point
from assets_register.models import Area, AreaKind, Asset

from ..factories import (
    AreaFactory,
    AssetFactory,
    CouncilFactory,
    PostcodeLocationFactory,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    council = CouncilFactory(boundary=square(-2, 54, 0, 55), name="Council")
    west = AreaFactory(boundary=square(-2, 54, -1, 55), name="West", parent=council)
    east = AreaFactory(boundary=square(-1, 54, 0, 55), name="East", parent=council)
    return council, west, east


def test_points_fall_in_their_council_and_ward(areas):
    council, west, east = areas
    index = AreaIndex()
    assert index.locate(-1.5, 54.5) == {"council": council.pk, "ward": west.pk, "lsoa": None}
    assert index.locate(-0.5, 54.5)["ward"] == east.pk
    assert index.locate(1.5, 54.5) == {"council": None, "ward": None, "lsoa": None}


def test_a_point_on_a_shared_edge_gets_exactly_one_ward(areas):
    _, west, east = areas
    assert AreaIndex().locate(-1.0, 54.5)["ward"] in (west.pk, east.pk)


def test_self_intersecting_boundaries_are_repaired():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 50], [1, 51], [1, 50], [0, 51], [0, 50]]]}
    ward = AreaFactory(boundary=bowtie)
    assert AreaIndex().locate(0.1, 50.5)["ward"] == ward.pk


def test_only_the_boundary_generation_in_force_is_used():
    AreaFactory(
        boundary=square(-2, 54, 0, 55),
        name="Old",
        valid_from=datetime.date(2013, 5, 2),
        valid_to=datetime.date(2025, 5, 1),
    )
    new = AreaFactory(
        boundary=square(-2, 54, 0, 55), name="New", valid_from=datetime.date(2025, 5, 2)
    )
    assert AreaIndex(on=datetime.date(2026, 1, 1)).locate(-1, 54.5)["ward"] == new.pk
    old_index = AreaIndex(on=datetime.date(2020, 1, 1))
    assert old_index.locate(-1, 54.5)["ward"] != new.pk


def test_assign_areas_sets_and_clears_derived_areas(areas):
    council, west, east = areas
    inside = AssetFactory(latitude=54.5, longitude=-1.5)
    outside = AssetFactory(latitude=52.0, longitude=-1.5)
    unlocated = AssetFactory(latitude=None, longitude=None)
    assert assign_areas(Asset.objects.all()) == 1
    inside.refresh_from_db()
    assert (inside.council, inside.ward, inside.lsoa) == (council, west, None)
    assert Asset.objects.get(pk=outside.pk).ward is None
    assert Asset.objects.get(pk=unlocated.pk).council is None
    assert assign_areas(Asset.objects.all()) == 0  # nothing changes the second time
    assert Asset.objects.in_area(west).get() == inside
    assert west.kind == AreaKind.WARD


def test_the_council_of_a_point_or_failing_that_of_its_postcode(areas):
    council, _, _ = areas
    PostcodeLocationFactory(postcode="DH7 6LQ", latitude="54.5", longitude="-0.5")
    assert council_at(54.5, -1.5) == council.pk
    assert council_at(54.5, 1.5, postcode="DH7 6LQ") is None  # the point wins
    assert council_at(postcode="dh76lq") == council.pk
    assert council_at(postcode="not a postcode") is None
    assert council_at() is None


def test_one_point_is_located_from_the_boundaries_round_it(areas, django_assert_max_num_queries):
    council, west, east = areas
    with django_assert_max_num_queries(1):
        assert locate_point(-1.5, 54.5) == {"council": council.pk, "ward": west.pk, "lsoa": None}
    assert locate_point(-0.5, 54.5)["ward"] == east.pk
    assert locate_point(1.5, 54.5) == {"council": None, "ward": None, "lsoa": None}
    assert locate_point(-1.0, 54.5)["ward"] in (west.pk, east.pk)  # a shared edge: one


def test_a_point_is_located_at_once_after_a_boundary_changes(areas):
    _, west, _ = areas
    assert locate_point(-1.5, 54.5)["ward"] == west.pk
    moved = AreaFactory(boundary=square(-1.6, 54.4, -1.4, 54.6), name="A new ward")
    Area.objects.filter(pk=west.pk).update(boundary=square(-2, 54, -1.7, 55))
    assert locate_point(-1.5, 54.5)["ward"] == moved.pk  # no index to rebuild first


def test_a_boundary_stored_without_its_box_still_locates_points(areas):
    _, west, _ = areas
    Area.objects.filter(pk=west.pk).update(
        min_longitude=None, min_latitude=None, max_longitude=None, max_latitude=None
    )
    assert locate_point(-1.5, 54.5)["ward"] == west.pk


def test_locate_point_uses_the_generation_in_force():
    old = AreaFactory(
        boundary=square(-2, 54, 0, 55),
        valid_from=datetime.date(2013, 5, 2),
        valid_to=datetime.date(2025, 5, 1),
    )
    new = AreaFactory(boundary=square(-2, 54, 0, 55), valid_from=datetime.date(2025, 5, 2))
    assert locate_point(-1, 54.5, on=datetime.date(2026, 1, 1))["ward"] == new.pk
    assert locate_point(-1, 54.5, on=datetime.date(2020, 1, 1))["ward"] == old.pk
