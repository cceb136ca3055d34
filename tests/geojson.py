"""RFC 7946's rules for GeoJSON, checked member by member: the required members of a
FeatureCollection, Feature and geometry, positions, closed linear rings, and rings wound by
the right-hand rule (3.1.6), each ring checked with shapely's is_ccw."""

import numbers

import shapely

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}


def _position(position):
    assert isinstance(position, list) and len(position) in (2, 3), position
    assert all(isinstance(n, numbers.Real) and not isinstance(n, bool) for n in position)
    lon, lat = position[:2]
    assert -180 <= lon <= 180 and -90 <= lat <= 90, position


def _polygon(rings):
    assert rings, "a polygon needs an exterior ring"
    for number, ring in enumerate(rings):
        assert len(ring) >= 4 and ring[0] == ring[-1], "a linear ring is closed, 4+ positions"
        for position in ring:
            _position(position)
        counter_clockwise = shapely.LinearRing(ring).is_ccw
        assert counter_clockwise == (number == 0), (
            "exterior rings run counter-clockwise, holes clockwise (RFC 7946 3.1.6)"
        )


def assert_valid_geometry(geometry):
    if geometry is None:
        return
    kind = geometry.get("type")
    assert kind in GEOMETRY_TYPES, kind
    if kind == "GeometryCollection":
        for member in geometry["geometries"]:
            assert_valid_geometry(member)
        return
    coordinates = geometry["coordinates"]
    if kind == "Point":
        _position(coordinates)
    elif kind in ("MultiPoint", "LineString"):
        for position in coordinates:
            _position(position)
    elif kind == "MultiLineString":
        for line in coordinates:
            for position in line:
                _position(position)
    elif kind == "Polygon":
        _polygon(coordinates)
    else:
        for polygon in coordinates:
            _polygon(polygon)


def assert_valid_geojson(data):
    """A FeatureCollection whose every Feature has a geometry (or null) and properties."""
    assert data["type"] == "FeatureCollection" and isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert "geometry" in feature and "properties" in feature
        assert feature["properties"] is None or isinstance(feature["properties"], dict)
        assert_valid_geometry(feature["geometry"])
    return data
