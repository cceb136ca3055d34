"""Markers for the public map: a compact in-memory index of located assets per process.

A request picks the points in its box with a longitude-sorted slice and a latitude
mask; category and status filters are lookup tables. Up to MAX_POINTS points are
returned as they are. A box holding more is clustered on a Web Mercator grid
(64 px cells): at the request's zoom, or coarser until the cells fit, so no
response holds more than MAX_POINTS features whatever box a client asks for.
Clusters come from cell tables built once per index for each zoom and filter; a
cell cut by the box edge is returned whole, so clusters do not shift while the map
pans.

Each point's GeoJSON is formatted once and reused; the response body is joined
from those fragments. The index is rebuilt when the shared map version changes
(bumped on every asset or event change); every MAX_AGE seconds it is also
refreshed in a background thread while requests keep using the old one, which
covers processes whose cache does not see the bump (per-process memory cache).
"""

import json
import threading
import time

import numpy as np

from django.db import connection, connections
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.urls import reverse

from assets_register.core.caching import bump_content_version, bump_shared_version, shared_version
from assets_register.models import Asset, Category, Status

VERSION_KEY = "assets_register:map-version"
MAX_AGE = 60
MAX_POINTS = 500  # features in one response, at most
MAX_CLUSTER_ZOOM = 18
CELLS_PER_TILE = 4  # cluster cells are 64 px on a 256 px tile
CELL_BITS = CELLS_PER_TILE.bit_length() - 1
FINE_BITS = MAX_CLUSTER_ZOOM + CELL_BITS  # integer cell coordinates at the finest zoom
MAX_LEVEL_TABLES = 200  # cluster tables (zoom x filter) kept per index, ~1 MB each at most
CATEGORY_CODES = list(Category.values)
STATUS_CODES = list(Status.values)


def map_version():
    return shared_version(VERSION_KEY)


def bump_map_version():
    bump_content_version()  # what pages show changes whenever the map does
    bump_shared_version(VERSION_KEY)


def _mercator(longitudes, latitudes):
    """Normalised Web Mercator (0..1 on both axes; y grows southwards)."""
    x = (longitudes + 180.0) / 360.0
    sin = np.sin(np.radians(latitudes))
    y = 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * np.pi)
    return x, y


class MarkerIndex:
    def __init__(self, rows):
        rows = sorted(rows, key=lambda row: row[2])  # by longitude
        self.ids = [row[0] for row in rows]
        self.names = [row[1] for row in rows]
        self.longitudes = np.array([row[2] for row in rows], dtype=float)
        self.latitudes = np.array([row[3] for row in rows], dtype=float)
        category = {code: i for i, code in enumerate(CATEGORY_CODES)}
        status = {code: i for i, code in enumerate(STATUS_CODES)}
        self.categories = np.array([category[row[4]] for row in rows], dtype=np.int8)
        self.statuses = np.array([status[row[5]] for row in rows], dtype=np.int8)
        x, y = _mercator(self.longitudes, self.latitudes)
        self.ix = np.floor(x * 2**FINE_BITS).astype(np.int64)
        self.iy = np.floor(y * 2**FINE_BITS).astype(np.int64)
        self.url = reverse("asset_detail", args=[123456789]).replace("123456789", "{}")
        self.fragments = [None] * len(rows)
        self.levels = {}

    @classmethod
    def from_database(cls):
        query = (
            Asset.objects.live()
            .located()
            .order_by()
            .values_list(
                "pk",
                "name",
                Cast("longitude", FloatField()),
                Cast("latitude", FloatField()),
                "category",
                "status",
            )
            .query
        )
        with connection.cursor() as cursor:  # plain rows, no per-row ORM converters
            cursor.execute(*query.sql_with_params())
            return cls(cursor.fetchall())

    def select(self, bbox, categories=(), statuses=()):
        """(lo, hi, mask): the points in the box are lo + flatnonzero(mask)."""
        min_lon, min_lat, max_lon, max_lat = bbox
        lo = int(np.searchsorted(self.longitudes, min_lon, "left"))
        hi = int(np.searchsorted(self.longitudes, max_lon, "right"))
        latitudes = self.latitudes[lo:hi]
        mask = (latitudes >= min_lat) & (latitudes <= max_lat)
        for wanted, codes, values in (
            (categories, CATEGORY_CODES, self.categories),
            (statuses, STATUS_CODES, self.statuses),
        ):
            if wanted:
                allowed = np.zeros(len(codes), dtype=bool)
                allowed[[codes.index(v) for v in wanted]] = True
                mask &= allowed[values[lo:hi]]
        return lo, hi, mask

    def feature_collection_json(self, bbox, zoom, categories=(), statuses=()):
        """The response body (bytes) for a box at a zoom."""
        lo, hi, mask = self.select(bbox, categories, statuses)
        total = int(np.count_nonzero(mask))
        if total <= MAX_POINTS:
            points = lo + np.flatnonzero(mask)
            return self._json([self._point(i) for i in points.tolist()], total, False)
        for level in range(min(zoom, MAX_CLUSTER_ZOOM), -1, -1):
            cells = self._level_cells(bbox, level, categories, statuses)
            if len(cells[0]) <= MAX_POINTS:
                break
        return self._json(self._features(*cells), total, True)

    @staticmethod
    def _json(features, total, clustered):
        return (
            '{"type":"FeatureCollection","features":['
            + ",".join(features)
            + f'],"total":{total},"clustered":{"true" if clustered else "false"}}}'
        ).encode()

    def _point(self, i):
        fragment = self.fragments[i]
        if fragment is None:
            pk = self.ids[i]
            fragment = self.fragments[i] = (
                '{"type":"Feature","geometry":{"type":"Point","coordinates":'
                f"[{float(round(self.longitudes[i], 5))!r},"
                f"{float(round(self.latitudes[i], 5))!r}]}},"
                f'"properties":{{"id":{pk},"name":{json.dumps(self.names[i])},'
                f'"category":"{CATEGORY_CODES[self.categories[i]]}",'
                f'"status":"{STATUS_CODES[self.statuses[i]]}","url":"{self.url.format(pk)}"}}}}'
            )
        return fragment

    def _features(self, member, counts, mean_lon, mean_lat):
        """A cluster per cell, or the point itself when it is alone in its cell."""
        return [
            self._point(m)
            if n == 1
            else (
                '{"type":"Feature","geometry":{"type":"Point","coordinates":'
                f'[{x!r},{y!r}]}},"properties":{{"cluster":true,"count":{n}}}}}'
            )
            for m, n, x, y in zip(
                member.tolist(), counts.tolist(), mean_lon.tolist(), mean_lat.tolist(), strict=True
            )
        ]

    def _level_cells(self, bbox, zoom, categories, statuses):
        """The cells of the precomputed table for a zoom and filter that touch the box."""
        cx, cy, member, counts, mean_lon, mean_lat = self._level(zoom, categories, statuses)
        min_lon, min_lat, max_lon, max_lat = bbox
        x, y = _mercator(np.array([min_lon, max_lon]), np.array([max_lat, min_lat]))
        shift = FINE_BITS - zoom - CELL_BITS
        (x0, x1), (y0, y1) = (
            (np.floor(v * 2**FINE_BITS).astype(np.int64) >> shift).tolist() for v in (x, y)
        )
        a, b = int(np.searchsorted(cx, x0, "left")), int(np.searchsorted(cx, x1, "right"))
        cells = a + np.flatnonzero((cy[a:b] >= y0) & (cy[a:b] <= y1))
        return member[cells], counts[cells], mean_lon[cells], mean_lat[cells]

    def _level(self, zoom, categories=(), statuses=()):
        """Every non-empty cell at a zoom for one filter: (x, y, a member, count, centre),
        sorted by x. Built on first use; the least recently built go first."""
        table_key = (zoom, categories, statuses)
        if table_key not in self.levels:
            if len(self.levels) >= MAX_LEVEL_TABLES:
                del self.levels[next(iter(self.levels))]
            _, _, mask = self.select((-180, -90, 180, 90), categories, statuses)
            members = np.flatnonzero(mask)
            shift = FINE_BITS - zoom - CELL_BITS
            key = (self.ix[members] >> shift) << 32 | (self.iy[members] >> shift)
            cells, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
            member = np.empty(len(cells), dtype=np.int64)
            member[inverse] = members
            self.levels[table_key] = (
                cells >> 32,
                cells & 0xFFFFFFFF,
                member,
                counts,
                np.round(np.bincount(inverse, self.longitudes[members]) / counts, 5),
                np.round(np.bincount(inverse, self.latitudes[members]) / counts, 5),
            )
        return self.levels[table_key]


_lock = threading.Lock()
_state = {"index": None, "version": None, "built_at": 0.0}


def marker_index():
    """The current index: rebuilt at once after an edit (a new version) so editors see
    their change; the MAX_AGE refresh runs in a background thread instead."""
    version = map_version()
    if _state["index"] is None or _state["version"] != version:
        with _lock:
            if _state["index"] is None or _state["version"] != version:
                _build(version)
    elif time.monotonic() - _state["built_at"] > MAX_AGE and _lock.acquire(blocking=False):
        threading.Thread(target=_refresh, args=(version,), daemon=True).start()
    return _state["index"]


def _build(version):
    _state.update(index=MarkerIndex.from_database(), version=version, built_at=time.monotonic())


def _refresh(version):
    try:
        _build(version)
    finally:
        connections.close_all()  # this thread's own connection
        _lock.release()
