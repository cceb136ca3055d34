"""The synthetic register of bench/load.py (its docstring, step 1, says what is in it):
built into the database once, and reused while the database holds exactly this one.
"""

import json
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bench.common import RESULTS, reset_database

BUILD_VERSION = 2  # bump when the register below changes, so old databases are rebuilt
COUNCIL_PREFIXES = ["E06", "E07", "E08", "E09"]
PLACE_START = [
    "Ash",
    "Brad",
    "Chester",
    "Dun",
    "East",
    "Fair",
    "Glen",
    "Hart",
    "Kings",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Ravens",
    "Shel",
    "Thorn",
    "Up",
    "Wal",
    "West",
    "Brom",
    "Stan",
    "Wood",
    "Hal",
]
PLACE_END = [
    "ford",
    "ton",
    "ley",
    "bury",
    "field",
    "ham",
    "wick",
    "by",
    "worth",
    "mouth",
    "stead",
    "bridge",
    "minster",
    "dale",
]
WARD_QUALIFIERS = [
    "",
    "",
    "",
    " North",
    " South",
    " East",
    " West",
    " Central",
    " Park",
    " & Riverside",
    " Village",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
BOUNDARY_WIGGLE_DEG = 0.0005
DISPLAY_TOLERANCE = 0.0005  # as assets_register/importers/areas.py simplifies for maps


def nearest(points, targets):
    """Index of the nearest target to each point (lon/lat as they are: the same metric as
    the Voronoi cells, so a point's nearest ward seed is the cell that contains it)."""
    import shapely

    tree = shapely.STRtree(shapely.points(targets))
    found = tree.query_nearest(shapely.points(points), all_matches=False)
    out = np.empty(len(points), dtype=np.int64)
    out[found[0]] = found[1]
    return out


def geojson(geometry):
    import shapely

    return json.loads(shapely.to_geojson(geometry))


def wiggle(geometries):
    """Boundaries shaped like real ones rather than straight Voronoi edges: a vertex every
    ~100 m, moved by a smooth displacement field of the position (so an edge two areas
    share moves identically for both: no gaps or overlaps). A ward gets ~200 vertices
    (~5 kB of GeoJSON; the demo data's generalised 2013 wards average 2.4 kB), a
    council the union of its wards."""
    import shapely

    def move(xy):
        x, y = xy[:, 0], xy[:, 1]
        dx = BOUNDARY_WIGGLE_DEG * (np.sin(600 * x + 350 * y) + 0.5 * np.sin(900 * x - 500 * y))
        dy = BOUNDARY_WIGGLE_DEG * (np.cos(450 * x - 650 * y) + 0.5 * np.cos(800 * x + 550 * y))
        return np.column_stack([x + dx / 1.5, y + dy / 1.5])

    moved = shapely.set_precision(
        shapely.transform(shapely.segmentize(geometries, 0.001), move), 1e-6
    )
    invalid = ~shapely.is_valid(moved)
    moved[invalid] = shapely.make_valid(moved[invalid])
    return moved


def place_names(rng, n):
    names = [a + b for a in PLACE_START for b in PLACE_END]
    rng.shuffle(names)
    return [
        names[i % len(names)] + ("" if i < len(names) else f" {i // len(names) + 1}")
        for i in range(n)
    ]


def area_row(shape, **fields):
    from assets_register.models import Area

    return Area(
        boundary=geojson(shape),
        boundary_display=geojson(shape.simplify(DISPLAY_TOLERANCE, preserve_topology=True)),
        **dict(
            zip(
                ("min_longitude", "min_latitude", "max_longitude", "max_latitude"),
                shape.bounds,
                strict=True,
            )
        ),
        **fields,
    )


def build_areas(args, rng):
    """Wards (Voronoi cells of seeds spread like the assets, so wards hold similar numbers
    of places; clipped to England) grouped into councils of neighbouring wards. Returns,
    per ward, its pk, its council's index and its rank within the council."""
    import shapely

    from assets_register.models import Area, AreaKind
    from bench.register import ENGLAND, NAME_ROOTS, make_register

    _, seeds = make_register(args.wards, args.seed + 100)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(seeds), extend_to=shapely.box(-7, 49, 3, 57), ordered=True
        )
    )
    if len(cells) != len(seeds) or not all(shapely.contains(cells, shapely.points(seeds))):
        raise RuntimeError("Voronoi cells do not match their seeds (duplicate points?)")
    cells = shapely.intersection(wiggle(cells), shapely.make_valid(shapely.Polygon(ENGLAND)))
    council_of_ward = nearest(seeds, seeds[rng.choice(len(seeds), args.councils, replace=False)])
    council_names = place_names(rng, args.councils)
    prefixes = rng.choice(COUNCIL_PREFIXES, args.councils)
    ward_pop = rng.integers(3_000, 15_000, args.wards)
    councils = Area.objects.bulk_create(
        [
            area_row(
                shapely.union_all(cells[council_of_ward == c]),
                gss_code=f"{prefixes[c]}{c:06d}",
                name=council_names[c],
                kind=AreaKind.COUNCIL,
                population=int(ward_pop[council_of_ward == c].sum()),
                imd_decile=int(rng.integers(1, 11)),
            )
            for c in range(args.councils)
        ],
        batch_size=200,
    )
    roots = rng.choice(
        NAME_ROOTS + [a + b for a in PLACE_START[:8] for b in PLACE_END[:6]], args.wards
    )
    qualifiers = rng.choice(WARD_QUALIFIERS, args.wards)
    wards = Area.objects.bulk_create(
        [
            area_row(
                cells[w],
                gss_code=f"E05{w:06d}",
                name=f"{roots[w]}{qualifiers[w]}",
                kind=AreaKind.WARD,
                parent_id=councils[council_of_ward[w]].pk,
                population=int(ward_pop[w]),
                imd_decile=int(rng.integers(1, 11)),
            )
            for w in range(args.wards)
        ],
        batch_size=500,
    )
    rank_in_council = np.zeros(args.wards, dtype=np.int64)
    for c in range(args.councils):
        members = np.flatnonzero(council_of_ward == c)
        rank_in_council[members] = np.arange(len(members))
    return np.array([w.pk for w in wards]), council_of_ward, rank_in_council


def locate(points):
    """(council pk, ward pk) of each point, by the site's own point-in-polygon index."""
    from assets_register.geo.spatial import AreaIndex
    from assets_register.models import Area, AreaKind

    found = AreaIndex(Area.objects.all()).locate_many(points[:, 0], points[:, 1])
    return [(f[AreaKind.COUNCIL], f[AreaKind.WARD]) for f in found]


def assign_assets(points):
    """Every asset's council and ward, as the importers' assign_areas would set them."""
    from django.db import connection

    from assets_register.models import Asset

    pk_of_ref = dict(Asset.objects.values_list("source_ref", "pk"))
    asset_pks = np.array([pk_of_ref[str(i)] for i in range(len(points))])
    areas = locate(points)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Asset._meta.db_table} SET council_id = %s, ward_id = %s WHERE id = %s",
            [(c, w, int(pk)) for (c, w), pk in zip(areas, asset_pks, strict=True)],
        )
    return asset_pks, np.array([c or 0 for c, _ in areas])


def random_dates(rng, start, end, size):
    """Dates uniform in [start, end], each with a precision; month and year dates are
    given as their first day."""
    from assets_register.models import DatePrecision

    span = max((end - start).days, 1)
    days = rng.integers(0, span + 1, size)
    precision = rng.choice(
        [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR], size, p=[0.6, 0.25, 0.15]
    )
    out = []
    for d, p in zip(days, precision, strict=True):
        day = start + timedelta(days=int(d))
        if p == DatePrecision.YEAR:
            day = day.replace(month=1, day=1)
        elif p == DatePrecision.MONTH:
            day = day.replace(day=1)
        out.append((max(day, start), p))
    return out


def build_events(rng, asset_pks, statuses, today):
    """Events whose derived status is each asset's status (bench/register.py drew the
    statuses), dated so that the indicators see closures over the last ten years."""
    from assets_register.models import AssetEvent, EventKind

    n = len(asset_pks)
    events = []

    def add(mask, kind, start, end, after=None):
        idx = np.flatnonzero(mask)
        for i, (day, precision) in zip(idx, random_dates(rng, start, end, len(idx)), strict=True):
            if after is not None and after.get(i) and day <= after[i]:
                day, precision = after[i] + timedelta(days=1 + int(rng.integers(0, 400))), "day"
                day = min(day, today)
            events.append(
                AssetEvent(
                    asset_id=int(asset_pks[i]),
                    kind=kind,
                    date=day,
                    date_precision=precision,
                    source="bench-load",
                )
            )
            if after is not None:
                after[i] = day

    last = {}
    add(rng.random(n) < 0.30, EventKind.OPENED, date(1950, 1, 1), date(2004, 12, 31))
    closed_then = np.isin(statuses, ["closed", "demolished", "converted"])
    reopened = (statuses == "open") & (rng.random(n) < 0.06)
    before = today - timedelta(days=30)  # room for what follows a closure
    add(closed_then | reopened, EventKind.CLOSED, date(2005, 1, 1), before, last)
    add(reopened, EventKind.REOPENED, date(2006, 1, 1), today, last)
    add(statuses == "demolished", EventKind.DEMOLISHED, date(2006, 1, 1), today, last)
    add(statuses == "converted", EventKind.CONVERTED, date(2006, 1, 1), today, last)
    recent = today - timedelta(days=3 * 365)
    add(statuses == "at_risk", EventKind.AT_RISK, recent, today)
    add(statuses == "for_sale", EventKind.LISTED_FOR_SALE, recent, today)
    add(statuses == "temporarily_closed", EventKind.TEMPORARILY_CLOSED, recent, today)
    add(rng.random(n) < 0.03, EventKind.NOTE, today - timedelta(days=5 * 365), today)
    return events


def build_acv(rng, asset_pks, council_pks, categories, today):
    """About 3% of places to meet on their council's list, listed in the last 6 years."""
    from assets_register.models import AssetEvent, Clock, EventKind, ListEntry
    from assets_register.models.assets import PLACES_TO_MEET
    from assets_register.models.regimes import regime_last_day

    chosen = np.flatnonzero(
        np.isin(categories, list(PLACES_TO_MEET)) & (rng.random(len(asset_pks)) < 0.03)
    )
    expiry, entries, events, numbers = {}, [], [], {}
    for i, (day, _) in zip(
        chosen, random_dates(rng, today - timedelta(days=6 * 365), today, len(chosen)), strict=True
    ):
        if day not in expiry:
            expiry[day] = regime_last_day(Clock.LISTING, day)
        council = int(council_pks[i])
        if not council:  # not inside any council (cannot happen for points in England)
            continue
        numbers[council] = numbers.get(council, 0) + 1
        entries.append(
            ListEntry(
                reference=f"ACV/{numbers[council]:04d}",
                council_id=council,
                asset_id=int(asset_pks[i]),
                listed_on=day,
                expires_on=expiry[day],
                owner_notified_on=day,
            )
        )
        events.append(
            AssetEvent(
                asset_id=int(asset_pks[i]), kind=EventKind.ACV_LISTED, date=day, source="bench-load"
            )
        )
    return entries, events


def postcode_codes(council_index, ward_rank):
    """Unique, valid postcodes: an area per council, a district per ward in it."""
    letters = "ABCDEFGHJKLMNOPRSTUWYZ"
    counts, codes = {}, []
    for c, w in zip(council_index, ward_rank, strict=True):
        outward = (
            f"{letters[c // len(letters) % len(letters)]}{letters[c % len(letters)]}{1 + w % 99}"
        )
        k = counts[outward] = counts.get(outward, -1) + 1
        inward = f"{k // 400 % 10}{INWARD_LETTERS[k // 20 % 20]}{INWARD_LETTERS[k % 20]}"
        codes.append(f"{outward} {inward}")
    return codes


def build_postcodes(args, ward_pks, council_of_ward, rank_in_council):
    """Postcodes spread like the assets, each with the ward and council it falls in."""
    from assets_register.models import Area, PostcodeLocation
    from bench.register import make_register

    _, points = make_register(args.postcodes, args.seed + 200)
    areas = locate(points)
    ward_of = {int(pk): w for w, pk in enumerate(ward_pks)}
    code_of = dict(Area.objects.values_list("pk", "gss_code"))
    keep = [i for i, (c, w) in enumerate(areas) if c and w]
    wards = [ward_of[areas[i][1]] for i in keep]
    codes = postcode_codes(council_of_ward[wards], rank_in_council[wards])
    PostcodeLocation.objects.bulk_create(
        [
            PostcodeLocation(
                postcode=code,
                latitude=round(float(points[i, 1]), 6),
                longitude=round(float(points[i, 0]), 6),
                positional_quality=10,
                council_code=code_of[areas[i][0]],
                ward_code=code_of[areas[i][1]],
            )
            for i, code in zip(keep, codes, strict=True)
        ],
        batch_size=5000,
    )


def boundary_sizes():
    """Mean and largest GeoJSON size of boundaries, per kind of area."""
    from assets_register.models import Area

    sizes = {}
    for kind, boundary, display in Area.objects.values_list(
        "kind", "boundary", "boundary_display"
    ).iterator():
        sizes.setdefault(kind, []).append((len(json.dumps(boundary)), len(json.dumps(display))))
    return {
        kind: {
            "boundary_mean": int(np.mean([b for b, _ in v])),
            "boundary_max": max(b for b, _ in v),
            "display_mean": int(np.mean([d for _, d in v])),
        }
        for kind, v in sizes.items()
    }


def signature(args):
    return (
        f"v{BUILD_VERSION} assets={args.assets} seed={args.seed} wards={args.wards} "
        f"councils={args.councils} postcodes={args.postcodes}"
    )


def register_counts():
    """What the reuse check compares: a database holding other rows is rebuilt."""
    from assets_register.models import (
        Area,
        Asset,
        AssetEvent,
        IndicatorSnapshot,
        ListEntry,
        PostcodeLocation,
    )

    return {
        "assets": Asset.objects.count(),
        "areas": Area.objects.count(),
        "events": AssetEvent.objects.count(),
        "acv_entries": ListEntry.objects.count(),
        "postcodes": PostcodeLocation.objects.count(),
        "snapshots": IndicatorSnapshot.objects.count(),
    }


def sidecar(args):
    import dj_database_url

    name = Path(str(dj_database_url.parse(args.database_url)["NAME"])).name
    return RESULTS / f"load-build-{name}.json"


def prepare_database(args, env):
    """Build the register, or reuse it when the database holds exactly this one."""
    from django.db import connection, transaction

    from assets_register.indicators import compute as indicators
    from assets_register.models import Asset, AssetEvent, ListEntry
    from bench.register import insert_assets, make_register

    centres, points = make_register(args.assets, args.seed)
    marker = sidecar(args)
    saved = json.loads(marker.read_text()) if marker.exists() else {}
    if saved.get("signature") == signature(args) and not args.rebuild:
        reset_database(args.database_url, env, drop=False)  # migrates, if need be
        counts = register_counts()
        if saved.get("counts") == counts:
            return centres, "reused", saved
    started = time.perf_counter()
    reset_database(args.database_url, env, drop=True)
    marker.unlink(missing_ok=True)
    rng = np.random.default_rng(args.seed + 300)
    today = date.today()
    insert_assets(args.assets, args.seed, points)
    with transaction.atomic():
        ward_pks, council_of_ward, rank_in_council = build_areas(args, rng)
        asset_pks, council_pks = assign_assets(points)
        info = {
            pk: (status, category)
            for pk, status, category in Asset.objects.values_list("pk", "status", "category")
        }
        statuses = np.array([info[pk][0] for pk in asset_pks])
        categories = np.array([info[pk][1] for pk in asset_pks])
        events = build_events(rng, asset_pks, statuses, today)
        entries, acv_events = build_acv(rng, asset_pks, council_pks, categories, today)
        AssetEvent.objects.bulk_create(events + acv_events, batch_size=5000)
        ListEntry.objects.bulk_create(entries, batch_size=2000)
        build_postcodes(args, ward_pks, council_of_ward, rank_in_council)
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: its visibility map lets counts use index-only scans,
        # as autovacuum would have arranged on a server that has been running a while.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    t0 = time.perf_counter()
    indicators.recompute()
    saved = {
        "signature": signature(args),
        "counts": register_counts(),
        "indicators_recompute_s": round(time.perf_counter() - t0, 1),
        "boundary_geojson_bytes": boundary_sizes(),
        "build_s": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(saved, indent=2))
    return centres, "built", saved
