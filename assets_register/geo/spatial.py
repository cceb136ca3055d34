"""Point-in-polygon over imported boundaries with shapely's STRtree (no GIS libraries)."""

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from assets_register.core.prepared import PreparedQuery
from assets_register.models import Area, AreaKind, Asset

ASSIGNED_KINDS = (AreaKind.COUNCIL, AreaKind.WARD, AreaKind.LSOA)


def geometry_from_geojson(geojson):
    """A valid shapely geometry from a GeoJSON geometry (a dict, or its text, which GEOS
    reads without building Python lists), repairing self-intersections."""
    geometry = shapely.from_geojson(geojson) if isinstance(geojson, str) else shape(geojson)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


@dataclass
class _KindIndex:
    area_ids: np.ndarray
    tree: shapely.STRtree


class AreaIndex:
    """Which current council, ward and LSOA contains each point."""

    def __init__(self, areas=None, on=None):
        areas = areas if areas is not None else Area.objects.current(on)
        by_kind = {kind: ([], []) for kind in ASSIGNED_KINDS}
        rows = areas.filter(boundary__isnull=False, kind__in=ASSIGNED_KINDS).values_list(
            "pk", "kind", "boundary"
        )
        for pk, kind, boundary in rows:
            by_kind[kind][0].append(pk)
            by_kind[kind][1].append(geometry_from_geojson(boundary))
        self._indexes = {
            kind: _KindIndex(np.array(ids, dtype=np.int64), shapely.STRtree(geometries))
            for kind, (ids, geometries) in by_kind.items()
            if ids
        }

    def locate_many(self, longitudes, latitudes):
        """For each point, a dict {kind: area id or None}."""
        points = shapely.points(
            np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float)
        )
        result = [dict.fromkeys(ASSIGNED_KINDS) for _ in range(len(points))]
        for kind, index in self._indexes.items():
            point_positions, area_positions = index.tree.query(points, predicate="intersects")
            # On a shared edge a point touches two areas; the first one wins, stably.
            seen = set()
            for point_position, area_position in zip(
                point_positions.tolist(), area_positions.tolist(), strict=True
            ):
                if point_position in seen:
                    continue
                seen.add(point_position)
                result[point_position][kind] = int(index.area_ids[area_position])
        return result

    def locate(self, longitude, latitude):
        return self.locate_many([longitude], [latitude])[0]


# The areas whose box holds a point, with their boundaries as text (core.prepared: a
# postcode search compiles it once).
_boxes_holding = PreparedQuery(
    lambda on, longitude, latitude: (
        Area.objects.current(on)
        .filter(
            Q(
                min_longitude__lte=longitude,
                max_longitude__gte=longitude,
                min_latitude__lte=latitude,
                max_latitude__gte=latitude,
            )
            | Q(min_longitude__isnull=True),
            kind__in=ASSIGNED_KINDS,
        )
        .filter(boundary__isnull=False)
        .order_by("kind", "name", "pk")
        .values_list("pk", "kind", Cast("boundary", TextField()))
    ),
    slots={"longitude": float, "latitude": float},
)


def locate_point(longitude, latitude, on=None):
    """{kind: area id or None} for one point, as AreaIndex.locate gives it, for request
    paths: only the areas whose stored bounding box holds the point are read and tested,
    so no web process keeps (or rebuilds after every edit) an index of every boundary in
    England. One query; a boundary stored without its box is always tested."""
    longitude, latitude = float(longitude), float(latitude)
    on = on or timezone.localdate()
    candidates = _boxes_holding(on=on, longitude=longitude, latitude=latitude)
    point = shapely.Point(longitude, latitude)
    found = dict.fromkeys(ASSIGNED_KINDS)
    for pk, kind, boundary in candidates:
        if found[kind] is None and geometry_from_geojson(boundary).intersects(point):
            found[kind] = pk
    return found


def assign_areas(assets, index=None):
    """Set council, ward and LSOA on located assets from their points. Returns rows changed."""
    index = index or AreaIndex()
    rows = list(
        assets.located().values_list(
            "pk", "longitude", "latitude", "council_id", "ward_id", "lsoa_id"
        )
    )
    if not rows:
        return 0
    found = index.locate_many([r[1] for r in rows], [r[2] for r in rows])
    changed = []
    for row, areas in zip(rows, found, strict=True):
        new = (areas[AreaKind.COUNCIL], areas[AreaKind.WARD], areas[AreaKind.LSOA])
        if new != tuple(row[3:]):
            changed.append(Asset(pk=row[0], council_id=new[0], ward_id=new[1], lsoa_id=new[2]))
    Asset.objects.bulk_update(changed, ["council", "ward", "lsoa"], batch_size=1000)
    return len(changed)
