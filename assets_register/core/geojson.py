"""GeoJSON as RFC 7946 wants it: polygon rings follow the right-hand rule (3.1.6), the
exterior counter-clockwise and holes clockwise. Boundary files often wind them the other
way (shapefile order), and strict readers (d3-geo among them) then fill the whole world."""

import json

import shapely
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient


def right_hand(geometry):
    """The GeoJSON geometry (a dict) with every polygon ring wound per RFC 7946, as plain
    lists; any other geometry, or one shapely cannot read, is returned unchanged."""
    if not isinstance(geometry, dict):
        return geometry
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        return {**geometry, "geometries": [right_hand(g) for g in geometry.get("geometries", [])]}
    if kind not in ("Polygon", "MultiPolygon"):
        return geometry
    try:
        polygons = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        return geometry
    if kind == "Polygon":
        oriented = orient(polygons, sign=1.0)
    else:
        oriented = MultiPolygon([orient(polygon, sign=1.0) for polygon in polygons.geoms])
    return json.loads(json.dumps(mapping(oriented)))


def is_right_hand(geometry):
    """Whether every polygon ring in the GeoJSON geometry is wound per RFC 7946."""
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        return all(is_right_hand(g) for g in geometry["geometries"])
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return True
    for exterior, *holes in polygons:
        if not shapely.LinearRing(exterior).is_ccw:
            return False
        if any(shapely.LinearRing(hole).is_ccw for hole in holes):
            return False
    return True
