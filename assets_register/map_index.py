"""Markers for the public map: a compact in-memory index of located assets per process.

Each request filters the index by bounding box, category and status with numpy
and clusters on a Web Mercator grid below street zoom, so a response never
holds more than MAX_POINTS markers. The index is rebuilt when the shared map
version changes (bumped on every asset or event change) or after MAX_AGE
seconds, whichever comes first.
"""

import math
import threading
import time

import numpy as np

from django.core.cache import cache
from django.urls import reverse

from .models import Asset, Category, Status

VERSION_KEY = "assets_register:map-version"
MAX_AGE = 60
MAX_POINTS = 500  # individual markers in one response before clustering kicks in
STREET_ZOOM = 15  # from here on markers are never clustered
CELLS_PER_TILE = 4  # cluster cells are 64 px on a 256 px tile
CATEGORY_CODES = list(Category.values)
STATUS_CODES = list(Status.values)


def map_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_map_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _mercator(longitudes, latitudes):
    """Normalised Web Mercator (0..1 on both axes; y grows southwards)."""
    x = (longitudes + 180.0) / 360.0
    sin = np.sin(np.radians(latitudes))
    y = 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)
    return x, y


class MarkerIndex:
    def __init__(self, rows):
        rows = list(rows)
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.names = [r[1] for r in rows]
        self.longitudes = np.array([float(r[2]) for r in rows], dtype=float)
        self.latitudes = np.array([float(r[3]) for r in rows], dtype=float)
        self.categories = np.array([CATEGORY_CODES.index(r[4]) for r in rows], dtype=np.int8)
        self.statuses = np.array([STATUS_CODES.index(r[5]) for r in rows], dtype=np.int8)
        self.x, self.y = _mercator(self.longitudes, self.latitudes)

    @classmethod
    def from_database(cls):
        rows = (
            Asset.objects.live()
            .located()
            .order_by("pk")
            .values_list("pk", "name", "longitude", "latitude", "category", "status")
        )
        return cls(rows.iterator(chunk_size=5000))

    def select(self, bbox, categories=(), statuses=()):
        min_lon, min_lat, max_lon, max_lat = bbox
        mask = (
            (self.longitudes >= min_lon) & (self.longitudes <= max_lon)
            & (self.latitudes >= min_lat) & (self.latitudes <= max_lat)
        )
        if categories:
            mask &= np.isin(self.categories, [CATEGORY_CODES.index(c) for c in categories])
        if statuses:
            mask &= np.isin(self.statuses, [STATUS_CODES.index(s) for s in statuses])
        return np.flatnonzero(mask)

    def feature_collection(self, bbox, zoom, categories=(), statuses=()):
        selected = self.select(bbox, categories, statuses)
        if zoom >= STREET_ZOOM or len(selected) <= MAX_POINTS:
            features = [self._point(i) for i in selected[: MAX_POINTS * 4]]
            clustered = False
        else:
            features = self._clusters(selected, zoom)
            clustered = True
        return {
            "type": "FeatureCollection",
            "features": features,
            "total": int(len(selected)),
            "clustered": clustered,
        }

    def _point(self, i):
        category, status = CATEGORY_CODES[self.categories[i]], STATUS_CODES[self.statuses[i]]
        return {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(self.longitudes[i], 5), round(self.latitudes[i], 5)],
            },
            "properties": {
                "id": int(self.ids[i]),
                "name": self.names[i],
                "category": category,
                "status": status,
                "url": reverse("asset_detail", args=[int(self.ids[i])]),
            },
        }

    def _clusters(self, selected, zoom):
        scale = (2 ** zoom) * CELLS_PER_TILE
        cell_x = np.floor(self.x[selected] * scale).astype(np.int64)
        cell_y = np.floor(self.y[selected] * scale).astype(np.int64)
        cells = cell_x * (scale + 1) + cell_y
        unique, inverse, counts = np.unique(cells, return_inverse=True, return_counts=True)
        lon_sum = np.bincount(inverse, weights=self.longitudes[selected], minlength=len(unique))
        lat_sum = np.bincount(inverse, weights=self.latitudes[selected], minlength=len(unique))
        first = np.full(len(unique), -1, dtype=np.int64)
        first[inverse[::-1]] = selected[::-1]  # any one member, for single-asset cells
        features = []
        for cell, count in enumerate(counts.tolist()):
            if count == 1:
                features.append(self._point(first[cell]))
                continue
            features.append({
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(lon_sum[cell] / count, 5), round(lat_sum[cell] / count, 5)
                    ],
                },
                "properties": {"cluster": True, "count": count},
            })
        return features


_lock = threading.Lock()
_state = {"index": None, "version": None, "built_at": 0.0}


def marker_index():
    version = map_version()
    now = time.monotonic()
    stale = _state["version"] != version or now - _state["built_at"] > MAX_AGE
    if stale:
        with _lock:
            if _state["version"] != version or time.monotonic() - _state["built_at"] > MAX_AGE:
                _state["index"] = MarkerIndex.from_database()
                _state["version"] = version
                _state["built_at"] = time.monotonic()
    return _state["index"]
