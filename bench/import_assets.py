"""Benchmark of a 100,000-row generic CSV import (`manage.py import_assets --format generic`).

Run from the repository root with the project's virtualenv active:

    python bench/import_assets.py                      # SQLite, 100,000 rows, 2 extra rounds
    python bench/import_assets.py --rows 10000 --rounds 0 --no-tracemalloc   # a quick smoke run
    python bench/import_assets.py --profile            # also cProfile one full import
    python bench/import_assets.py --database-url postgres://postgres@127.0.0.1:5432/bench_import

The database is always built from scratch and thrown away. SQLite (the default) is a
temporary file next to the generated CSV, removed at the end unless --keep. A PostgreSQL
--database-url (or DATABASE_URL) is DROPPED AND RECREATED, so its name must start with
"bench" (e.g. bench_import); never point it at a database anyone else uses.

What it does:

1. Geography: `manage.py migrate`, then the real demo data loaded exactly as
   `load_demo_data` does (import_boundaries for councils, wards and LSOAs, then
   import_postcodes: ~27,000 real postcodes in County Durham, Swale and Stoke-on-Trent),
   each step in a subprocess so this process's ru_maxrss belongs to the import alone.
   Settings are bench.settings (DEBUG off, locmem cache, no online geocoder).
2. A --rows (100,000) row CSV in the generic schema (seeded): a unique source_ref per row,
   names, categories (85% codes, 15% labels), street addresses, a real postcode from the
   postcode table on every row (70% canonical, the rest without the space, lower case or
   padded, as spreadsheets have them), coordinates near the postcode on --coords-share
   (20%) of rows, UPRNs, OSM ids, ownership, operators, `opened` on 60% of rows and
   `closed` on 10%, in all five date formats the importer accepts.
3. Times the import through the management command (`call_command("import_assets", path,
   format="generic", source=...)`: the command's transaction, both importer passes, the
   bulk postcode geocode, the area assignment, the upsert with events, the status refresh,
   the commit and its on_commit hooks): wall time, rows/s, the process's peak RSS during
   the import (VmHWM, reset beforehand through /proc/self/clear_refs) and ru_maxrss. Cheap
   wrappers (a clock around a handful of methods, a connection.execute_wrapper, gc
   callbacks) split the time into read, validate, geocode + areas, write (and within it
   SQL), commit and garbage collection; --no-phases runs the import without them.
4. Imports the same file again (idempotence: every row must come back unchanged) and
   times that too.
5. The floor, on the emptied tables: pandas.read_csv of the same file plus a bare
   Asset.objects.bulk_create of the same rows (name, category, address, postcode,
   source, source_ref; batch_size 2000; one transaction). Then --rounds (2) more rounds of
   [empty, floor, empty, full import], interleaved so background load drifting over the
   run hits both alike; the ratio is median full / median floor. For scale, a "raw floor"
   (diagnostic only): the same rows through cursor.executemany, no bulk_create.
6. The command as a person runs it: `manage.py import_assets` in a process of its own,
   on emptied tables and then again; wall time (start-up included) and that process's
   ru_maxrss (os.wait4), the peak memory of one import per process.
7. With --what-if-gc, one more full import with the garbage collector disabled.
8. Unless --no-tracemalloc, the first import and the re-import once more under
   tracemalloc (not timed: it slows them): the Python-heap peak, what is still held after,
   and the biggest allocation sites alive when write_events starts. Always: the per-row
   helpers of pass 1 and the Asset constructor timed alone over the file's rows.
9. If a goal is missed (or with --profile), one more full import under cProfile: top 25
   by cumulative and by own time, in bench/results/import_assets-<db>-<rows>-profile.txt.

Goals: >= 5,000 rows/s, <= 4 x the floor, peak memory < 1 GB. Prints a table and writes
everything to bench/results/import_assets-<sqlite|postgresql>-<rows>.json.
"""

import argparse
import cProfile
import csv
import gc
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DEMO = ROOT / "demo_data"
# Not bench/ itself (its settings.py would shadow the site's `settings` package).
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import (  # noqa: E402
    bench_env,
    database_options,
    load_average,
    reset_database,
    ru_maxrss_mb,
    run_cleaning_up,
    scratch_database,
)
from bench.measure import CommitTimer, PeakRSS, proc_status_mb  # noqa: E402
from bench.register import CATEGORIES, NAME_ROOTS  # noqa: E402

GOAL_ROWS_PER_S, GOAL_FLOOR_RATIO, GOAL_PEAK_MB = 5_000, 4.0, 1024
SOURCE = "bench-import"
LOAD_AT_START = load_average()
# What load_demo_data runs before the asset imports (boundaries and postcodes only).
GEOGRAPHY = [
    ("import_boundaries", "councils.geojson", ["--kind", "council", "--valid-from", "2024-05-01"]),
    ("import_boundaries", "wards_2013.geojson", ["--kind", "ward", "--valid-from", "2013-05-02"]),
    ("import_boundaries", "lsoa_2011.geojson", ["--kind", "lsoa", "--valid-from", "2011-03-27"]),
    ("import_postcodes", "postcodes.csv.gz", []),
]
TOWNS = {  # council code in the postcode table -> towns for the addresses
    "E06000047": [
        "Durham",
        "Chester-le-Street",
        "Consett",
        "Stanley",
        "Bishop Auckland",
        "Seaham",
        "Peterlee",
        "Newton Aycliffe",
        "Spennymoor",
        "Barnard Castle",
    ],
    "E07000113": ["Sittingbourne", "Faversham", "Sheerness", "Minster", "Queenborough"],
    "E06000021": ["Stoke-on-Trent", "Hanley", "Burslem", "Longton", "Tunstall", "Fenton"],
}
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Market Place",
    "Front Street",
    "Victoria Road",
    "Park Road",
    "Mill Lane",
    "North Road",
    "Queen Street",
    "King Street",
    "The Green",
    "School Lane",
    "Chapel Street",
    "New Road",
]
OPERATORS = [
    "",
    "",
    "",
    "Parish council",
    "Community trust",
    "Diocese",
    "Leisure trust",
    "Greene King",
    "Punch Pubs",
    "Friends group",
    "County council",
]
OWNERSHIP = {
    "unknown": 0.40,
    "public": 0.20,
    "private": 0.20,
    "community_owned": 0.06,
    "community_managed": 0.06,
    "charity_faith": 0.08,
}
COLUMNS = [
    "source_ref",
    "name",
    "category",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "uprn",
    "osm_id",
    "ownership",
    "operator",
    "opened",
    "closed",
]


# --- measuring --------------------------------------------------------------------------


class SQLTimer:
    """connection.execute_wrapper: count and time every statement by verb and table."""

    TABLE = re.compile(r'(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', re.I)

    def __init__(self):
        self.counts, self.seconds, self.rows = Counter(), Counter(), Counter()

    def __call__(self, execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        table = self.TABLE.search(sql)
        shape = f"{verb} {table[1] if table else ''}".strip()
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[shape] += time.perf_counter() - start
            self.counts[shape] += 1
            self.rows[shape] += len(params) if many else 1

    @property
    def total_s(self):
        return sum(self.seconds.values())


class GCTimer:
    """Time the cyclic garbage collector runs, through gc.callbacks, by generation."""

    def __init__(self):
        self.seconds, self.runs, self._start = Counter(), Counter(), None

    def __call__(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        elif self._start is not None:
            self.seconds[info["generation"]] += time.perf_counter() - self._start
            self.runs[info["generation"]] += 1
            self._start = None

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


class Phases:
    """A clock around a few of the import's methods (class attributes, restored on exit)."""

    def __init__(self):
        from assets_register.geo.spatial import AreaIndex
        from assets_register.importers import assets as assets_module
        from assets_register.importers.assets import AssetImporter
        from assets_register.importers.base import BaseImporter
        from assets_register.models.assets import AssetQuerySet

        self.targets = [
            (BaseImporter, "run", "importer.run"),
            (BaseImporter, "rows", "read"),
            (AssetImporter, "prepare", "prepare"),
            (assets_module, "postcode_lookup", "postcode_lookup"),
            (AreaIndex, "__init__", "area_index_build"),
            (AreaIndex, "locate_many", "point_in_polygon"),
            (AssetImporter, "write", "write"),
            (AssetImporter, "write_events", "write_events"),
            (AssetQuerySet, "refresh_statuses", "refresh_statuses"),
        ]
        self.seconds, self._saved = Counter(), []

    def __enter__(self):
        for owner, name, label in self.targets:
            original = getattr(owner, name)
            self._saved.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, self._timed(original, label))
        return self

    def _timed(self, func, label):
        seconds = self.seconds

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - start

        return timed

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved = []


@contextmanager
def captured_report():
    """The ImportReport the command prints (its print_report is wrapped, not replaced)."""
    from assets_register.importers.command import ImportCommand

    original, box = ImportCommand.print_report, {}

    def keep(self, report):
        box["report"] = report
        return original(self, report)

    ImportCommand.print_report = keep
    try:
        yield box
    finally:
        ImportCommand.print_report = original


def profile_text(profiler, lines=25):
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    out.write("\n" + "=" * 100 + "\nsorted by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


# --- the geography and the file ---------------------------------------------------------


def load_geography(env):
    """Migrate, then the demo boundaries and postcodes, each command in its own process."""
    timings = {}
    for command, filename, extra in GEOGRAPHY:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                command,
                str(DEMO / filename),
                "--verbosity",
                "0",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=1200,
        )
        timings[f"{command} {filename}"] = round(time.perf_counter() - start, 1)
    return timings


def spreadsheet_postcode(canonical, r):
    """The postcode as people type it: mostly canonical, some squashed, lower or padded."""
    if r < 0.70:
        return canonical
    if r < 0.85:
        return canonical.replace(" ", "")
    if r < 0.95:
        return canonical.lower()
    return f" {canonical.lower()} "


def a_date(rng, year):
    """One of the five formats parse_partial_date accepts, for a day in `year`."""
    month, day, form = int(rng.integers(1, 13)), int(rng.integers(1, 29)), rng.random()
    if form < 0.50:
        return str(year)
    if form < 0.70:
        return f"{year}-{month:02d}"
    if form < 0.80:
        return f"{month:02d}/{year}"
    if form < 0.90:
        return f"{year}-{month:02d}-{day:02d}"
    return f"{day:02d}/{month:02d}/{year}"


def write_csv(path, n, seed, coords_share):
    """The generic-schema file; returns facts about what it holds."""
    from assets_register.models import Category, PostcodeLocation

    rng = np.random.default_rng(seed)
    table = list(
        PostcodeLocation.objects.order_by("postcode").values_list(
            "postcode", "latitude", "longitude", "council_code"
        )
    )
    if not table:
        raise RuntimeError("the postcode table is empty")
    labels = dict(Category.choices)
    pick = rng.integers(0, len(table), n)
    categories = rng.choice(list(CATEGORIES), size=n, p=list(CATEGORIES.values()))
    use_label = rng.random(n) < 0.15
    roots = rng.choice(NAME_ROOTS, size=n)
    ownership = rng.choice(list(OWNERSHIP), size=n, p=list(OWNERSHIP.values()))
    with_coords = rng.random(n) < coords_share
    jitter = rng.normal(scale=0.0008, size=(n, 2))
    postcode_form = rng.random(n)
    opened = rng.random(n) < 0.60
    closed = rng.random(n) < 0.10
    opened_year = rng.integers(1850, 2020, n)
    closed_year = np.minimum(opened_year + rng.integers(1, 60, n), 2025)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i in range(n):
            postcode, lat, lon, council = table[pick[i]]
            towns = TOWNS.get(council) or ["Durham"]
            category = categories[i]
            out.writerow(
                [
                    f"BENCH-{i:07d}",
                    f"{roots[i]} {labels[category]}" + (f" {i % 97}" if i % 5 == 0 else ""),
                    labels[category] if use_label[i] else category,
                    f"{1 + i % 180} {STREETS[i % len(STREETS)]}, {towns[i % len(towns)]}",
                    spreadsheet_postcode(postcode, postcode_form[i]),
                    f"{float(lat) + jitter[i, 0]:.6f}" if with_coords[i] else "",
                    f"{float(lon) + jitter[i, 1] * 1.6:.6f}" if with_coords[i] else "",
                    f"{10_000_000 + i * 7:012d}" if i % 2 == 0 else "",
                    f"node/{3_000_000_000 + i}" if i % 5 == 1 else "",
                    ownership[i],
                    OPERATORS[i % len(OPERATORS)],
                    a_date(rng, int(opened_year[i])) if opened[i] else "",
                    a_date(rng, int(closed_year[i])) if closed[i] else "",
                ]
            )
    return {
        "rows": n,
        "bytes": path.stat().st_size,
        "postcodes_in_table": len(table),
        "distinct_postcodes_used": len(set(pick.tolist())),
        "rows_with_coordinates": int(with_coords.sum()),
        "rows_opened": int(opened.sum()),
        "rows_closed": int(closed.sum()),
        "events_expected": int(opened.sum() + closed.sum()),
        "category_labels": int(use_label.sum()),
    }


# --- the runs ---------------------------------------------------------------------------


def empty_tables():
    """Delete every asset and event (raw SQL: the tables hold nothing else of ours)."""
    from django.db import connection, transaction

    from assets_register.models import Asset, AssetEvent

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (AssetEvent, Asset):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def call_import(path):
    from django.core.management import call_command

    stdout, stderr = io.StringIO(), io.StringIO()
    with captured_report() as box:
        call_command(
            "import_assets",
            str(path),
            format="generic",
            source=SOURCE,
            verbosity=1,
            stdout=stdout,
            stderr=stderr,
        )
    return box["report"], stdout.getvalue(), stderr.getvalue()


def timed_import(path, rows, phases=True):
    """One import through the command, timed; with phases, split by where the time goes."""
    from django.db import connection

    sql, gc_timer = SQLTimer(), GCTimer()
    with ExitStack() as stack:
        rss = stack.enter_context(PeakRSS())
        commits = stack.enter_context(CommitTimer(connection))
        clock = stack.enter_context(Phases()) if phases else None
        if phases:
            stack.enter_context(connection.execute_wrapper(sql))
            stack.enter_context(gc_timer)
        start, cpu = time.perf_counter(), time.process_time()
        report, out, err = call_import(path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = {
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "cpu_s": round(cpu, 2),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "skipped": report.skipped,
        "notices": len(report.notices),
        "problems_sample": [str(p) for p in report.problems[:5]],
        "summary": out.strip().splitlines()[-1] if out.strip() else "",
        "commits": commits.count,
        "commit_s": round(commits.seconds, 3),
        **rss.as_dict(),
        "ru_maxrss_mb_after": ru_maxrss_mb(),
    }
    if phases:
        result["phases"] = phase_breakdown(clock.seconds, seconds, commits.seconds, sql, gc_timer)
    return result


def phase_breakdown(s, total, commit_s, sql, gc_timer):
    run = s["importer.run"]
    validate = run - s["read"] - s["prepare"] - s["write"]
    return {
        "total_s": round(total, 3),
        "read_s": round(s["read"], 3),  # read_table (decode + pandas) + to_dict("records")
        "validate_s": round(validate, 3),  # pass 1: parse_row per row, duplicate keys
        "prepare_s": round(s["prepare"], 3),  # geocode by postcode + area assignment
        "postcode_lookup_s": round(s["postcode_lookup"], 3),
        "area_index_build_s": round(s["area_index_build"], 3),
        "point_in_polygon_s": round(s["point_in_polygon"], 3),
        "write_s": round(s["write"], 3),  # pass 2: the upsert, events, status refresh
        "write_events_s": round(s["write_events"], 3),
        "refresh_statuses_s": round(s["refresh_statuses"], 3),
        "commit_s": round(commit_s, 3),
        "outside_run_s": round(total - run - commit_s, 3),  # command, transaction, hooks
        "sql_s": round(sql.total_s, 3),
        "sql_statements": sum(sql.counts.values()),
        "sql_by_kind": {
            k: {"n": sql.counts[k], "rows": sql.rows[k], "s": round(sql.seconds[k], 3)}
            for k, _ in sql.seconds.most_common()
        },
        "gc_s": round(sum(gc_timer.seconds.values()), 3),
        "gc_runs": {str(g): n for g, n in sorted(gc_timer.runs.items())},
        "gc_s_by_generation": {str(g): round(v, 3) for g, v in sorted(gc_timer.seconds.items())},
    }


def fitted(frame, name):
    """A column's values cut to the model field's max_length (PostgreSQL enforces it; the
    file has category labels longer than the codes and padded postcodes)."""
    from assets_register.models import Asset

    size = getattr(Asset._meta.get_field(name), "max_length", None)
    return [value[:size] for value in frame[name]] if size else frame[name].tolist()


def floor(path):
    """pandas.read_csv plus a bare bulk_create of the same rows, into emptied tables."""
    import pandas as pd

    from django.db import transaction

    from assets_register.models import Asset

    with PeakRSS() as rss:
        start, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        read_s = time.perf_counter() - start
        with transaction.atomic():
            Asset.objects.bulk_create(
                (
                    Asset(
                        name=name,
                        category=category,
                        address=address,
                        postcode=postcode,
                        source=SOURCE,
                        source_ref=ref,
                    )
                    for name, category, address, postcode, ref in zip(
                        *(
                            fitted(frame, c)
                            for c in ("name", "category", "address", "postcode", "source_ref")
                        ),
                        strict=True,
                    )
                ),
                batch_size=2000,
            )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "read_csv_s": round(read_s, 3),
        "rows_per_s": round(len(frame) / seconds),
        **rss.as_dict(),
    }


def raw_floor(path):
    """Diagnostic, not the issue's floor: the same rows through cursor.executemany, every
    other column a constant worked out once, in one transaction: Django's per-value
    bulk_create work taken away, to show how much of the floor that work is."""
    import pandas as pd

    from django.db import connection, transaction

    from assets_register.models import Asset

    given = ("name", "category", "address", "postcode", "source_ref")
    fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
    blank = Asset(source=SOURCE)
    constants = {
        f.name: f.get_db_prep_save(f.pre_save(blank, True), connection)
        for f in fields
        if f.name not in given
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(Asset._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    start, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns_in = {name: fitted(frame, name) for name in given}
    rows = [
        tuple(columns_in[f.name][i] if f.name in given else constants[f.name] for f in fields)
        for i in range(len(frame))
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for begin in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[begin : begin + 2000])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "rows_per_s": round(len(rows) / seconds),
    }


def fresh_process_import(path, env):
    """`manage.py import_assets` in its own process: wall time and that process's peak RSS."""
    out_path = Path(path).with_suffix(".out")
    with open(out_path, "w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "import_assets",
                str(path),
                "--format",
                "generic",
                "--source",
                SOURCE,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        summary = out.read().strip().splitlines()
    if proc.returncode:
        raise RuntimeError(f"manage.py import_assets exited {proc.returncode}: {summary}")
    return {
        "seconds": round(seconds, 2),
        "ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "user_s": round(usage.ru_utime, 2),
        "system_s": round(usage.ru_stime, 2),
        "summary": summary[-1] if summary else "",
    }


def hotspots(path):
    """Per-row helpers of pass 1 and the Asset constructor, timed alone over the file's rows,
    next to what a precomputed lookup would cost."""
    from assets_register.importers.assets import ASSET_FIELDS, choice, coordinates, postcode_field
    from assets_register.importers.base import read_table, text
    from assets_register.importers.generic_csv import GenericAssetCsvImporter, dated_events
    from assets_register.models import Asset, Category, EventKind, Ownership

    frame, _ = read_table(path)
    rows = frame.to_dict("records")
    importer = GenericAssetCsvImporter(path, source_name=SOURCE)
    lookup = {}
    for code, label in Category.choices:
        lookup[code] = lookup[label.lower()] = code
    codes = frozenset(Category.values)

    def clock(func, items=rows):
        start = time.perf_counter()
        for item in items:
            func(item)
        return round(time.perf_counter() - start, 3)

    records = []
    result = {
        "parse_row": clock(lambda r: records.append(importer.parse_row(r))),
        "choice(category)": clock(lambda r: choice(text(r, "category"), Category, "category")),
        "choice(ownership)": clock(
            lambda r: choice(text(r, "ownership"), Ownership, "ownership", "unknown")
        ),
        "x in Category.values": clock(lambda r: r["category"] in Category.values),
        "dict lookup instead of choice()": clock(lambda r: lookup.get(text(r, "category").lower())),
        "x in frozenset instead of .values": clock(lambda r: r["category"] in codes),
        "postcode_field": clock(postcode_field),
        "coordinates": clock(coordinates),
        "dated_events": clock(
            lambda r: dated_events(r, [("opened", EventKind.OPENED), ("closed", EventKind.CLOSED)])
        ),
    }
    for record in records:
        record.setdefault("council_id", None)
        record["ward_id"] = record["lsoa_id"] = record["council_id"]
    result["Asset(...) for each row"] = clock(
        lambda r: Asset(
            source=SOURCE,
            source_ref=r["source_ref"],
            live=True,
            **{name: r[name] for name in ASSET_FIELDS},
        ),
        records,
    )
    return result


def check_database(rows, expected_events):
    """What the first import left: counts by location source, areas assigned, statuses."""
    from django.db.models import Count

    from assets_register.models import Asset, AssetEvent

    assets = Asset.objects.filter(source=SOURCE)
    facts = {
        "assets": assets.count(),
        "events": AssetEvent.objects.filter(source=SOURCE).count(),
        "by_location_source": dict(
            assets.values_list("location_source").annotate(n=Count("pk")).order_by()
        ),
        "by_status": dict(assets.values_list("status").annotate(n=Count("pk")).order_by()),
        "with_council": assets.filter(council__isnull=False).count(),
        "with_ward": assets.filter(ward__isnull=False).count(),
        "with_lsoa": assets.filter(lsoa__isnull=False).count(),
    }
    problems = []
    if facts["assets"] != rows:
        problems.append(f"{facts['assets']} assets, expected {rows}")
    if facts["events"] != expected_events:
        problems.append(f"{facts['events']} events, expected {expected_events}")
    if facts["by_location_source"].get("none"):
        problems.append(f"{facts['by_location_source']['none']} assets not located")
    facts["problems"] = problems
    return facts


def traced(func, snapshot=False):
    """Python allocations under tracemalloc: the peak, what is still held once func has
    returned and the collector has run, and (with snapshot) the biggest allocation sites
    alive when write_events starts (every row's record and Asset object exist then)."""
    from assets_register.importers.assets import AssetImporter

    sites, original = [], AssetImporter.__dict__["write_events"]

    def write_events(self, *args, **kwargs):
        if snapshot and not sites:
            taken = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            held = sum(stat.size for stat in taken.statistics("filename"))
            sites.append({"total": f"{held / 2**20:.1f} MB"})
            for stat in taken.statistics("lineno")[:12]:
                frame = stat.traceback[0]
                where = f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}"
                sites.append({where: f"{stat.size / 2**20:.1f} MB in {stat.count:,} blocks"})
        return original(self, *args, **kwargs)

    AssetImporter.write_events = write_events
    tracemalloc.start()
    try:
        func()
        peak = tracemalloc.get_traced_memory()[1]
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        return {
            "peak_mb": round(peak / 2**20, 1),
            "held_after_mb": round(held / 2**20, 1),
            "sites_at_write_events": sites,
        }
    finally:
        tracemalloc.stop()
        AssetImporter.write_events = original


# --- main -------------------------------------------------------------------------------


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument(
        "--coords-share",
        type=float,
        default=0.20,
        help="share of rows with coordinates (the rest are geocoded by postcode)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="extra interleaved rounds of [floor, full import] after the first",
    )
    p.add_argument("--seed", type=int, default=1)
    database_options(p)
    p.add_argument(
        "--profile", action="store_true", help="cProfile a full import even if every goal is met"
    )
    p.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the (untimed) tracemalloc runs"
    )
    p.add_argument(
        "--no-phases", action="store_true", help="time the imports without the phase wrappers"
    )
    p.add_argument(
        "--what-if-gc",
        action="store_true",
        help="one more full import with the garbage collector disabled",
    )
    return scratch_database(p, p.parse_args(), "import")


def main():
    run_cleaning_up(run, parse_args())


def run(args):
    RESULTS.mkdir(exist_ok=True)
    env = bench_env(args.database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.db import connection

    started = time.time()
    t0 = time.perf_counter()
    reset_database(args.database_url, env, drop=True)
    setup = {"migrate_s": round(time.perf_counter() - t0, 1), **load_geography(env)}
    db = connection.vendor
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT version()")
            db_version = cursor.fetchone()[0]
    else:
        import sqlite3

        db_version = f"SQLite {sqlite3.sqlite_version}"
    path = Path(args.tmpdir) / f"assets-{args.rows}.csv"
    t0 = time.perf_counter()
    data = write_csv(path, args.rows, args.seed, args.coords_share)
    setup["write_csv_s"] = round(time.perf_counter() - t0, 1)
    print(
        f"{db_version}; geography loaded in {sum(setup.values()):.0f} s; {args.rows:,} rows "
        f"({data['bytes'] / 2**20:.1f} MB, {data['rows_with_coordinates']:,} with "
        f"coordinates, {data['distinct_postcodes_used']:,} distinct postcodes) in {path}",
        flush=True,
    )
    rss_before_import = proc_status_mb("VmRSS")
    maxrss_before_import = ru_maxrss_mb()

    phases = not args.no_phases
    first = timed_import(path, args.rows, phases)
    first["ru_maxrss_mb"] = ru_maxrss_mb()  # nothing before it in this process used more
    print(
        f"first import: {first['seconds']} s, {first['rows_per_s']:,} rows/s, peak RSS "
        f"{first['rss_peak_mb']} MB ({first['summary']})",
        flush=True,
    )
    database = check_database(args.rows, data["events_expected"])
    second = timed_import(path, args.rows, phases)
    print(
        f"second import: {second['seconds']} s, {second['rows_per_s']:,} rows/s "
        f"({second['summary']})",
        flush=True,
    )

    fulls, floors = [first], []
    for i in range(args.rounds + 1):
        empty_tables()
        floors.append(floor(path))
        print(
            f"floor {i + 1}: {floors[-1]['seconds']} s, {floors[-1]['rows_per_s']:,} rows/s",
            flush=True,
        )
        if i < args.rounds:
            empty_tables()
            fulls.append(timed_import(path, args.rows, phases))
            print(
                f"full import {i + 2}: {fulls[-1]['seconds']} s, "
                f"{fulls[-1]['rows_per_s']:,} rows/s",
                flush=True,
            )

    empty_tables()
    raw = raw_floor(path)
    print(
        f"raw floor (executemany, diagnostic): {raw['seconds']} s, {raw['rows_per_s']:,} rows/s",
        flush=True,
    )

    # The command as a person runs it: each import in a process of its own.
    empty_tables()
    fresh = {"first": fresh_process_import(path, env), "second": fresh_process_import(path, env)}
    for name, r in fresh.items():
        print(
            f"manage.py import_assets, {name} run, own process: {r['seconds']} s, "
            f"ru_maxrss {r['ru_maxrss_mb']} MB ({r['summary']})",
            flush=True,
        )

    what_if = None
    if args.what_if_gc:
        empty_tables()
        gc.disable()
        try:
            what_if = timed_import(path, args.rows, phases)
        finally:
            gc.enable()
        print(
            f"what if (gc disabled during the import): {what_if['seconds']} s, "
            f"{what_if['rows_per_s']:,} rows/s, peak RSS {what_if['rss_peak_mb']} MB",
            flush=True,
        )

    memory = {
        "rss_before_import_mb": rss_before_import,
        "ru_maxrss_before_import_mb": maxrss_before_import,
        "ru_maxrss_after_first_import_mb": first["ru_maxrss_mb"],
        "fresh_process_first_ru_maxrss_mb": fresh["first"]["ru_maxrss_mb"],
        "fresh_process_second_ru_maxrss_mb": fresh["second"]["ru_maxrss_mb"],
    }
    if not args.no_tracemalloc:
        empty_tables()
        memory["tracemalloc_first"] = traced(lambda: call_import(path), snapshot=True)
        memory["tracemalloc_second"] = traced(lambda: call_import(path))
        print(
            f"tracemalloc peaks: first {memory['tracemalloc_first']['peak_mb']} MB, "
            f"second {memory['tracemalloc_second']['peak_mb']} MB",
            flush=True,
        )
    memory["ru_maxrss_end_mb"] = ru_maxrss_mb()
    hot = hotspots(path)

    full_s = float(np.median([r["seconds"] for r in fulls]))
    floor_s = float(np.median([r["seconds"] for r in floors]))
    full_cpu = float(np.median([r["cpu_s"] for r in fulls]))
    floor_cpu = float(np.median([r["cpu_s"] for r in floors]))
    summary = {
        "full_median_s": round(full_s, 2),
        "full_rows_per_s": round(args.rows / full_s),
        "floor_median_s": round(floor_s, 2),
        "floor_rows_per_s": round(args.rows / floor_s),
        "ratio_full_to_floor": round(full_s / floor_s, 2),
        # CPU time of this process: steadier than wall time on a busy machine (on
        # PostgreSQL it leaves out the server's share).
        "full_median_cpu_s": round(full_cpu, 2),
        "full_rows_per_cpu_s": round(args.rows / full_cpu),
        "floor_median_cpu_s": round(floor_cpu, 2),
        "ratio_full_to_floor_cpu": round(full_cpu / floor_cpu, 2),
        "second_import_s": second["seconds"],
        "ratio_second_to_floor": round(second["seconds"] / floor_s, 2),
        "raw_floor_s": raw["seconds"],
        "command_first_s": fresh["first"]["seconds"],
        "command_second_s": fresh["second"]["seconds"],
        # One import per process, as the command runs: the first in-process import (nothing
        # before it used more) and the two runs of the command in processes of their own.
        "peak_memory_mb": max(
            first["ru_maxrss_mb"], fresh["first"]["ru_maxrss_mb"], fresh["second"]["ru_maxrss_mb"]
        ),
        # Later in-process imports start from what the allocator kept of earlier ones.
        "in_process_peak_rss_mb": max(r["rss_peak_mb"] or 0 for r in [first, second, *fulls]),
        "idempotent": (
            second["unchanged"] == args.rows and not second["created"] and not second["updated"]
        ),
    }
    goals = {
        "rows_per_s": summary["full_rows_per_s"] >= GOAL_ROWS_PER_S,
        "floor_ratio": summary["ratio_full_to_floor"] <= GOAL_FLOOR_RATIO,
        "peak_memory": summary["peak_memory_mb"] < GOAL_PEAK_MB,
    }
    summary["goals"] = goals

    profile_path = None
    if args.profile or not all(goals.values()):
        empty_tables()
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            call_import(path)
        finally:
            profiler.disable()
        profile_path = RESULTS / f"import_assets-{db}-{args.rows}-profile.txt"
        profile_path.write_text(profile_text(profiler))

    facts = {
        "database": db,
        "database_version": db_version,
        "database_url": re.sub(r"//[^@/]*@", "//***@", args.database_url),
        "python": platform.python_version(),
        "django": django.get_version(),
        "pandas": __import__("pandas").__version__,
        "cpu_count": os.cpu_count(),
        "load_average_at_start": LOAD_AT_START,
        "load_average_at_end": load_average(),
        "progress_bars": sys.stderr.isatty(),
        "setup": setup,
        "file": data,
        "database_after_first_import": database,
        "summary": summary,
        "first_import": first,
        "second_import": second,
        "full_imports": fulls,
        "floors": floors,
        "raw_floor": raw,
        "command_runs": fresh,
        "what_if_gc_disabled": what_if,
        "memory": memory,
        "hotspots_s": hot,
        "profile": str(profile_path.relative_to(ROOT)) if profile_path else None,
        "elapsed_s": round(time.time() - started, 1),
        "args": {k: v for k, v in vars(args).items() if k not in ("database_url", "tmpdir")},
    }
    out = RESULTS / f"import_assets-{db}-{args.rows}.json"
    out.write_text(json.dumps(facts, indent=2, default=str))
    report(facts, out)


def report(f, out):
    s, first, second, mem = f["summary"], f["first_import"], f["second_import"], f["memory"]
    ok = {k: "PASS" if v else "FAIL" for k, v in s["goals"].items()}
    print(
        f"\n{f['database_version'].split(',')[0]}; {f['cpu_count']} CPU cores, load average "
        f"at start {f['load_average_at_start']}, at end {f['load_average_at_end']} (other "
        f"work on the machine skews figures)\n{f['file']['rows']:,} rows, "
        f"{f['file']['rows_with_coordinates']:,} with coordinates, the rest geocoded by "
        f"postcode; {f['file']['events_expected']:,} opened/closed events\n"
    )
    head = f"{'run':<46}{'s':>8}{'rows/s':>10}{'cpu s':>8}{'peak MB':>9}  result"
    print(head + "\n" + "-" * (len(head) + 50))

    def line(label, r, peak, note):
        rate = f"{f['file']['rows'] / r['seconds']:,.0f}"
        print(
            f"{label:<46}{r['seconds']:>8.2f}{rate:>10}{r['cpu_s']:>8.2f}{peak or '-':>9}  {note}"
        )

    for i, r in enumerate(f["full_imports"]):
        label = "full import 1 (fresh tables)" if i == 0 else f"full import {i + 1} (emptied)"
        line(label, r, r["rss_peak_mb"], r["summary"])
    line("second import of the same file", second, second["rss_peak_mb"], second["summary"])
    for i, r in enumerate(f["floors"]):
        line(
            f"floor {i + 1}: read_csv + bulk_create",
            r,
            r["rss_peak_mb"],
            f"read_csv {r['read_csv_s']} s",
        )
    line(
        "raw floor: read_csv + executemany (diag.)",
        f["raw_floor"],
        None,
        "not the issue's floor: no Django bulk_create",
    )
    for name, r in f["command_runs"].items():
        line(
            f"manage.py import_assets, {name}, own process",
            r,
            r["ru_maxrss_mb"],
            f"{r['summary']} (incl. start-up)",
        )
    if f["what_if_gc_disabled"]:
        r = f["what_if_gc_disabled"]
        line("what if: full import, gc disabled", r, r["rss_peak_mb"], r["summary"])
    print(
        f"\ncpu s: this process's CPU time (own-process runs: user + system). peak MB: VmHWM "
        f"of this process during the run (later in-process runs start from what the allocator "
        f"kept of earlier ones), ru_maxrss for the own-process runs\n"
        f"\nfull import (median of {len(f['full_imports'])}): {s['full_median_s']} s = "
        f"{s['full_rows_per_s']:,} rows/s (goal >= {GOAL_ROWS_PER_S:,})  {ok['rows_per_s']}\n"
        f"floor (median of {len(f['floors'])}): {s['floor_median_s']} s = "
        f"{s['floor_rows_per_s']:,} rows/s; full / floor = {s['ratio_full_to_floor']} "
        f"(goal <= {GOAL_FLOOR_RATIO:g})  {ok['floor_ratio']}\n"
        f"in CPU time of this process: full {s['full_median_cpu_s']} s "
        f"({s['full_rows_per_cpu_s']:,} rows per CPU second), floor {s['floor_median_cpu_s']} "
        f"s, ratio {s['ratio_full_to_floor_cpu']}\n"
        f"peak memory, one import per process: {s['peak_memory_mb']} MB "
        f"(goal < {GOAL_PEAK_MB} MB)  {ok['peak_memory']}; RSS before the import "
        f"{mem['rss_before_import_mb']} MB"
        + (
            f"; tracemalloc peak {mem['tracemalloc_first']['peak_mb']} MB (first), "
            f"{mem['tracemalloc_second']['peak_mb']} MB (second), held after "
            f"{mem['tracemalloc_first']['held_after_mb']} MB"
            if "tracemalloc_first" in mem
            else ""
        )
        + f"\nsecond import: {'all unchanged' if s['idempotent'] else 'NOT IDEMPOTENT'}, "
        f"{s['ratio_second_to_floor']} x the floor"
    )
    d = f["database_after_first_import"]
    print(
        f"after the first import: {d['assets']:,} assets, {d['events']:,} events, located "
        f"by {d['by_location_source']}, {d['with_council']:,} with a council, "
        f"{d['with_ward']:,} a ward, {d['with_lsoa']:,} an LSOA; statuses {d['by_status']}"
        + (f"\nPROBLEMS: {d['problems']}" if d["problems"] else "")
    )
    for label, r in (("first import", first), ("second import", second)):
        p = r.get("phases")
        if not p:
            continue
        print(
            f"\nwhere the {label}'s {p['total_s']:.2f} s go: read {p['read_s']:.2f}, "
            f"validate {p['validate_s']:.2f}, prepare {p['prepare_s']:.2f} (postcode lookup "
            f"{p['postcode_lookup_s']:.2f}, area index {p['area_index_build_s']:.2f}, "
            f"point in polygon {p['point_in_polygon_s']:.2f}), write {p['write_s']:.2f} "
            f"(events {p['write_events_s']:.2f}, refresh statuses "
            f"{p['refresh_statuses_s']:.2f}), commit {p['commit_s']:.2f}, rest "
            f"{p['outside_run_s']:.2f}\n    SQL {p['sql_s']:.2f} s in {p['sql_statements']} "
            f"statements; garbage collector {p['gc_s']:.2f} s ({p['gc_runs']} runs by "
            f"generation)\n    SQL by kind: "
            + ", ".join(
                f"{k} {v['n']}x/{v['s']:.2f}s" for k, v in list(p["sql_by_kind"].items())[:6]
            )
        )
    print(
        "\nper-row work alone over the file's rows (s): "
        + ", ".join(f"{k} {v}" for k, v in f["hotspots_s"].items())
    )
    sites = mem.get("tracemalloc_first", {}).get("sites_at_write_events")
    if sites:
        print(
            "Python memory held when write_events starts (first import), by line:\n    "
            + "\n    ".join(f"{k}: {v}" for site in sites for k, v in site.items())
        )
    if f["profile"]:
        print(f"\nprofile (top 25 cumulative and own time): {f['profile']}")
    print(f"results: {out.relative_to(ROOT)} (elapsed {f['elapsed_s']} s)")


if __name__ == "__main__":
    main()
