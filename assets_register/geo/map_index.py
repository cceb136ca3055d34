"""Markers for the public map: a compact in-memory index of located assets per process.

A request picks the points in its box with a longitude-sorted slice and a latitude
mask; category and status filters are lookup tables. Up to MAX_POINTS points are
returned as they are. A box holding more is clustered on a Web Mercator grid
(64 px cells): at the request's zoom, or coarser until the cells fit, so no
response holds more than MAX_POINTS features whatever box a client asks for.
Clusters come from cell tables built once per index for each zoom and filter; a
cell cut by the box edge is returned whole, so clusters do not shift while the map
pans.

Each point's GeoJSON feature is formatted once, when the index is built, into one
block of bytes (~130 bytes a point, without the opening every feature shares): a
response joins the slices of its points instead of formatting them. The index is rebuilt
when the shared map version changes (bumped on every asset or event change). A process
whose cache is its own memory does not see other processes' bumps, so there the index
is also refreshed in a background thread while requests keep using the old one, once its
cached pages have all expired (PAGE_CACHE_SECONDS, a minute at least): it then shows the
others' edits on its map when it shows them on its pages. Each refresh reads every
place (1 to 1.5 s of CPU at 150,000), which every minute was a twentieth of a busy
process's time. An index that comes out the same is not replaced.
"""

import hashlib
import json
import threading
import time

import numpy as np

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, connection, connections
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.http import quote_etag

from assets_register.core.caching import bump_content_version, bump_shared_version, shared_version
from assets_register.models import Asset, Category, Status

VERSION_KEY = "assets_register:map-version"
MIN_AGE = 60  # seconds an index is used at least before a timed refresh
MAX_POINTS = 500  # features in one response, at most
MAX_CLUSTER_ZOOM = 18
CELLS_PER_TILE = 4  # cluster cells are 64 px on a 256 px tile
CELL_BITS = CELLS_PER_TILE.bit_length() - 1
FINE_BITS = MAX_CLUSTER_ZOOM + CELL_BITS  # integer cell coordinates at the finest zoom
MAX_LEVEL_TABLES = 200  # cluster tables (zoom x filter) kept per index, ~1 MB each at most
# Every feature starts so; it is kept once, not once per point.
FEATURE_OPENING = b'{"type":"Feature","geometry":{"type":"Point","coordinates":['
CATEGORY_CODES = list(Category.values)
STATUS_CODES = list(Status.values)


def map_version():
    return shared_version(VERSION_KEY)


def bump_map_version():
    bump_content_version()  # what pages show changes whenever the map does
    bump_shared_version(VERSION_KEY)


def _digest_of(chunks_of_rows):
    """Names what an index holds: the same in every process that read the same places,
    however the rows were chunked."""
    hasher = hashlib.blake2b(digest_size=16)
    for rows in chunks_of_rows:
        hasher.update("".join(f"{row!r}\n" for row in rows).encode())
    return hasher.hexdigest()


def _mercator(longitudes, latitudes):
    """Normalised Web Mercator (0..1 on both axes; y grows southwards)."""
    x = (longitudes + 180.0) / 360.0
    sin = np.sin(np.radians(latitudes))
    y = 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * np.pi)
    return x, y


class MarkerIndex:
    """Every located live asset as a few numpy arrays sorted by longitude, with its GeoJSON
    feature in one block of UTF-8: ~170 bytes a point, so 150,000 points take ~25 MB in
    each web process rather than the ~150 MB of Python objects (and of rows while loading)."""

    # Rows read at a time while loading: the rows and their text are transient, and the
    # timed refresh reads every row in a thread while requests are served, so a larger
    # chunk (20,000) left each worker ~20 MB larger at no saving of time.
    CHUNK = 2_000

    def __init__(self, rows):
        """`rows`: (pk, name, longitude, latitude, category, status), in any order."""
        rows = sorted(rows, key=lambda row: row[2])
        self._set(*self._columns(rows))
        self._digest = _digest_of([rows])

    @classmethod
    def from_database(cls):
        # Each chunk's features are added to one buffer as it is read (a bytearray grows
        # in place) rather than joined at the end, which held all ~20 MB of them twice.
        block, chunks = bytearray(), []

        def take(rows):
            ids, features, *numbers = cls._columns(rows)
            block.extend(features)
            chunks.append((ids, *numbers))

        digest = cls._read(take)
        if not chunks:  # no places: arrays of no rows
            take([])
        # A column at a time, its chunks' parts let go once joined: the parts of every
        # column and the joined arrays are never in memory together.
        columns = [list(parts) for parts in zip(*chunks, strict=True)]
        chunks.clear()
        ids, *numbers = (np.concatenate(columns.pop(0)) for _ in range(len(columns)))
        index = cls.__new__(cls)
        index._set(ids, block, *numbers)
        index._digest = digest
        longitudes = index.longitudes  # in SQL's decimal order: sorted as floats, to be sure
        if np.any(longitudes[1:] < longitudes[:-1]):
            index._reorder(np.argsort(longitudes, kind="stable"))
        return index

    @classmethod
    def database_digest(cls):
        """What from_database's index would hold, as its digest: reading the rows costs a
        fraction of formatting them, and no second index in memory beside the first."""
        return cls._read(lambda rows: None)

    @classmethod
    def _read(cls, each_chunk):
        """Pass the rows of every located live place to each_chunk, a chunk at a time, and
        return their digest."""
        query = (
            Asset.objects.live()
            .located()
            .order_by("longitude", "pk")
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

        def chunks():
            with connection.cursor() as cursor:  # plain rows, no per-row ORM converters
                cursor.execute(*query.sql_with_params())
                while rows := cursor.fetchmany(cls.CHUNK):
                    each_chunk(rows)
                    yield rows

        return _digest_of(chunks())

    @staticmethod
    def _columns(rows):
        """(ids, GeoJSON features after FEATURE_OPENING joined, their byte lengths,
        longitudes, latitudes, category codes, status codes) of some rows."""
        category = {code: i for i, code in enumerate(CATEGORY_CODES)}
        status = {code: i for i, code in enumerate(STATUS_CODES)}
        url = reverse("asset_detail", args=[123456789]).replace("123456789", "{}")
        features = [
            (
                f"{round(float(lon), 5)!r},{round(float(lat), 5)!r}]}},"
                f'"properties":{{"id":{pk},"name":{json.dumps(name)},'
                f'"category":"{kind}","status":"{state}","url":"{url.format(pk)}"}}}}'
            ).encode()
            for pk, name, lon, lat, kind, state in rows
        ]
        return (
            np.array([row[0] for row in rows], dtype=np.int64),
            b"".join(features),
            np.array([len(f) for f in features], dtype=np.int64),
            np.array([row[2] for row in rows], dtype=float),
            np.array([row[3] for row in rows], dtype=float),
            np.array([category[row[4]] for row in rows], dtype=np.int8),
            np.array([status[row[5]] for row in rows], dtype=np.int8),
        )

    def _set(self, ids, features, lengths, longitudes, latitudes, categories, statuses):
        self.ids, self.longitudes, self.latitudes = ids, longitudes, latitudes
        self.categories, self.statuses = categories, statuses
        self._features_block = features
        self._feature_ends = np.cumsum(lengths, dtype=np.int64)
        self._feature_starts = self._feature_ends - lengths
        x, y = _mercator(longitudes, latitudes)
        self.ix = np.floor(x * 2**FINE_BITS).astype(np.int64)
        self.iy = np.floor(y * 2**FINE_BITS).astype(np.int64)
        self.levels = {}

    def _reorder(self, order):
        starts, ends = self._feature_starts[order], self._feature_ends[order]
        self._set(
            self.ids[order],
            b"".join(self._slices(starts, ends)),
            ends - starts,
            self.longitudes[order],
            self.latitudes[order],
            self.categories[order],
            self.statuses[order],
        )

    def _slices(self, starts, ends):
        block = self._features_block
        return [block[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]

    def __len__(self):
        return len(self.ids)

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
                # A comparison per wanted code: ~20x faster than a lookup table indexed
                # by every point's code (fancy indexing), which cost ~1.5 ms a request.
                window = values[lo:hi]
                mask &= np.logical_or.reduce([window == codes.index(v) for v in wanted])
        return lo, hi, mask

    def feature_collection_json(self, bbox, zoom, categories=(), statuses=()):
        """The response body (bytes) for a box at a zoom."""
        lo, hi, mask = self.select(bbox, categories, statuses)
        total = int(np.count_nonzero(mask))
        if total <= MAX_POINTS:
            return self._json(self._points(lo + np.flatnonzero(mask)), total, False)
        for level in range(min(zoom, MAX_CLUSTER_ZOOM), -1, -1):
            cells = self._level_cells(bbox, level, categories, statuses)
            if len(cells[0]) <= MAX_POINTS:
                break
        return self._json(self._features(*cells), total, True)

    def etag(self, bbox, zoom, categories=(), statuses=()):
        """The ETag of feature_collection_json's answer: the same index and query give the
        same bytes, so it needs no hash of the body (which costs more than the answer)."""
        query = f"{self._digest} {list(map(float, bbox))} {zoom} {categories} {statuses}"
        return quote_etag(hashlib.blake2b(query.encode(), digest_size=16).hexdigest())

    @staticmethod
    def _json(features, total, clustered):
        return b"".join(
            (
                b'{"type":"FeatureCollection","features":[',
                FEATURE_OPENING if features else b"",
                (b"," + FEATURE_OPENING).join(features),
                f'],"total":{total},"clustered":{"true" if clustered else "false"}}}'.encode(),
            )
        )

    def _points(self, positions):
        """The GeoJSON features (bytes, after FEATURE_OPENING) of the points at these
        positions."""
        positions = np.asarray(positions, dtype=np.int64)
        return self._slices(self._feature_starts[positions], self._feature_ends[positions])

    def _features(self, member, counts, mean_lon, mean_lat):
        """A cluster per cell, or the point itself when it is alone in its cell."""
        points = iter(self._points(member[counts == 1]))
        return [
            next(points)
            if n == 1
            else f'{x!r},{y!r}]}},"properties":{{"cluster":true,"count":{n}}}}}'.encode()
            for n, x, y in zip(counts.tolist(), mean_lon.tolist(), mean_lat.tolist(), strict=True)
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
    their change; the timed refresh runs in a background thread instead."""
    version = map_version()
    if _state["index"] is None or _state["version"] != version:
        with _lock:
            if _state["index"] is None or _state["version"] != version:
                _build(version)
    elif (
        # Only a process whose cache is its own misses the others' edits.
        isinstance(caches["default"], LocMemCache)
        and time.monotonic() - _state["built_at"] > max(MIN_AGE, settings.PAGE_CACHE_SECONDS)
        and _lock.acquire(blocking=False)
    ):
        threading.Thread(target=_refresh, args=(version,), daemon=True).start()
    return _state["index"]


def _build(version):
    index = _state["index"]
    # Nothing changed (another kind of edit, or the timed refresh): keep the index, its
    # cluster tables and, under gunicorn --preload, the memory it shares with the other
    # workers (see warm_up), without a second index in memory while a new one is built.
    if index is None or MarkerIndex.database_digest() != index._digest:
        index = MarkerIndex.from_database()
    _state.update(index=index, version=version, built_at=time.monotonic())


def _refresh(version):
    try:
        _build(version)
    finally:
        connections.close_all()  # this thread's own connection
        _lock.release()


def warm_up():
    """Build the index now, when the web server loads the site: under gunicorn --preload
    that is once, before the workers fork, so they share its memory (~30 MB at 150,000
    places) until the first edit instead of each building its own. A database not yet
    migrated is left for the first request."""
    try:
        marker_index()
    except DatabaseError:
        pass
    finally:
        connections.close_all()  # a forked worker must not inherit this connection
