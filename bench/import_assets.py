"""Benchmark of the generic CSV import (manage.py import_assets --format generic).

Goals, at 100,000 rows (the default): >= 5,000 rows/s, <= 4 x the floor, peak memory < 1 GB.

    python bench/import_assets.py                      # SQLite, 100,000 rows, 2 extra rounds
    python bench/import_assets.py --rows 10000 --rounds 0 --no-tracemalloc   # a quick run
    python bench/import_assets.py --database-url postgres://postgres@127.0.0.1:5432/bench_import

The database is built from scratch and thrown away (a PostgreSQL one is DROPPED AND
RECREATED, so its name must start with "bench"). It holds the demo's geography (boundaries
and ~27,000 postcodes, loaded as load_demo_data loads them). The seeded file has a unique
source_ref per row, 15% of categories as labels, a real postcode on every row (30% typed
squashed, lower case or padded), coordinates on --coords-share of rows, `opened` on 60% and
`closed` on 10% in all five date formats.

Runs, in one process (so before/after compare alike): the import through the command,
timed and split by phase (read, validate, prepare, write, SQL by kind, commit, garbage
collector); the same file again (idempotence: all unchanged); the floor (pandas.read_csv
plus a bare bulk_create of five columns) and --rounds more rounds of [floor, full import]
interleaved, so load drifting over the run hits both; a raw executemany floor
(diagnostic); `manage.py import_assets` twice in processes of its own (start-up included,
its ru_maxrss the peak memory of one import); optionally with the garbage collector off;
unless --no-tracemalloc, the first import and the re-import under tracemalloc; and, when a
goal is missed or with --profile, a cProfile of one import. Prints a table and writes
bench/results/import_assets-<sqlite|postgresql>-<rows>[.json|-profile.txt].
"""

import argparse
import cProfile
import csv
import gc
import io
import json
import os
import platform
import re
import sys
import time
import tracemalloc
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself (its settings.py would shadow the site's `settings` package).
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import (  # noqa: E402
    RESULTS,
    GCTimer,
    SQLTimer,
    bench_env,
    database_options,
    in_own_process,
    load_average,
    load_demo_geography,
    profile_text,
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
# fmt: off
TOWNS = {  # council code in the postcode table -> towns for the addresses
    "E06000047": ["Durham", "Chester-le-Street", "Consett", "Stanley", "Bishop Auckland",
                  "Seaham", "Peterlee", "Newton Aycliffe", "Spennymoor", "Barnard Castle"],
    "E07000113": ["Sittingbourne", "Faversham", "Sheerness", "Minster", "Queenborough"],
    "E06000021": ["Stoke-on-Trent", "Hanley", "Burslem", "Longton", "Tunstall", "Fenton"],
}
STREETS = ["High Street", "Station Road", "Church Lane", "Market Place", "Front Street",
           "Victoria Road", "Park Road", "Mill Lane", "North Road", "Queen Street", "King Street",
           "The Green", "School Lane", "Chapel Street", "New Road"]
OPERATORS = ["", "", "", "Parish council", "Community trust", "Diocese", "Leisure trust",
             "Greene King", "Punch Pubs", "Friends group", "County council"]
OWNERSHIP = {"unknown": 0.40, "public": 0.20, "private": 0.20, "community_owned": 0.06,
             "community_managed": 0.06, "charity_faith": 0.08}
COLUMNS = ["source_ref", "name", "category", "address", "postcode", "latitude", "longitude",
           "uprn", "osm_id", "ownership", "operator", "opened", "closed"]
# fmt: on


class Phases:
    """A clock around a few of the import's methods (class attributes, restored on exit)."""

    def __init__(self):
        from assets_register.geo.spatial import AreaIndex
        from assets_register.importers import assets
        from assets_register.importers.base import BaseImporter
        from assets_register.models.assets import AssetQuerySet

        self.targets = [
            (BaseImporter, "run", "importer.run"),
            (BaseImporter, "table", "read"),
            (assets.AssetImporter, "prepare", "prepare"),
            (assets, "postcode_lookup", "postcode_lookup"),
            (AreaIndex, "__init__", "area_index_build"),
            (AreaIndex, "locate_many", "point_in_polygon"),
            (assets.AssetImporter, "write", "write"),
            (assets.AssetImporter, "write_events", "write_events"),
            (AssetQuerySet, "refresh_statuses", "refresh_statuses"),
        ]
        self.seconds, self._saved = Counter(), []

    def __enter__(self):
        for owner, name, label in self.targets:
            self._saved.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, self._timed(getattr(owner, name), label))
        return self

    def _timed(self, func, label):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start

        return timed

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)


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


# --- the file ---------------------------------------------------------------------------


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

    stdout = io.StringIO()
    with captured_report() as box:
        call_command(
            "import_assets",
            str(path),
            format="generic",
            source=SOURCE,
            verbosity=1,
            stdout=stdout,
            stderr=io.StringIO(),
        )
    lines = stdout.getvalue().strip().splitlines()
    return box["report"], lines[-1] if lines else ""


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
        report, summary = call_import(path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = {
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "cpu_s": round(cpu, 2),
        **{key: getattr(report, key) for key in COUNTS},
        "notices": len(report.notices),
        "problems_sample": [str(p) for p in report.problems[:5]],
        "summary": summary,
        "commits": commits.count,
        "commit_s": round(commits.seconds, 3),
        **rss.as_dict(),
        "ru_maxrss_mb_after": ru_maxrss_mb(),
    }
    if phases:
        s, run = clock.seconds, clock.seconds["importer.run"]
        result["phases"] = {
            "total_s": seconds,
            **{f"{label}_s": s[label] for _, _, label in Phases().targets},
            "validate_s": run - s["read"] - s["prepare"] - s["write"],  # pass 1
            "commit_s": commits.seconds,
            "outside_run_s": seconds - run - commits.seconds,  # command, transaction, hooks
            "sql_s": sql.total_s,
            "sql_statements": sum(sql.counts.values()),
            "sql_by_kind": sql.by_kind(),
            "gc_s": sum(gc_timer.seconds.values()),
            "gc_runs": {str(g): n for g, n in sorted(gc_timer.runs.items())},
        }
        result["phases"] = {
            k: round(v, 3) if isinstance(v, float) else v for k, v in result["phases"].items()
        }
    return result


COUNTS = ("created", "updated", "unchanged", "rejected", "skipped")


def fitted(frame, name):
    """A column cut to the model field's max_length (PostgreSQL enforces it; the file has
    category labels longer than the codes and padded postcodes)."""
    from assets_register.models import Asset

    size = getattr(Asset._meta.get_field(name), "max_length", None)
    return [value[:size] for value in frame[name]] if size else frame[name].tolist()


FLOOR_COLUMNS = ("name", "category", "address", "postcode", "source_ref")


def floor(path):
    """pandas.read_csv plus a bare bulk_create of five columns, into emptied tables."""
    import pandas as pd

    from django.db import transaction

    from assets_register.models import Asset

    with PeakRSS() as rss:
        start, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        read_s = time.perf_counter() - start
        columns = [fitted(frame, c) for c in FLOOR_COLUMNS]
        with transaction.atomic():
            Asset.objects.bulk_create(
                (
                    Asset(source=SOURCE, **dict(zip(FLOOR_COLUMNS, values, strict=True)))
                    for values in zip(*columns, strict=True)
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
    """Diagnostic, not the issue's floor: the same rows by cursor.executemany, every other
    column a constant worked out once: the floor without Django's per-value work."""
    import pandas as pd

    from django.db import connection, transaction

    from assets_register.models import Asset

    fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
    blank = Asset(source=SOURCE)
    constants = {
        f.name: f.get_db_prep_save(f.pre_save(blank, True), connection)
        for f in fields
        if f.name not in FLOOR_COLUMNS
    }
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Asset._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    start, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    given = {name: fitted(frame, name) for name in FLOOR_COLUMNS}
    rows = [
        tuple(given[f.name][i] if f.name in given else constants[f.name] for f in fields)
        for i in range(len(frame))
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for begin in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[begin : begin + 2000])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2)}


def command_in_own_process(path, env):
    return in_own_process(
        [sys.executable, "manage.py", "import_assets", str(path)]
        + ["--format", "generic", "--source", SOURCE],
        env,
    )


def check_database(rows, expected_events):
    """What the first import left: counts by location source, areas assigned, statuses."""
    from django.db.models import Count

    from assets_register.models import Asset, AssetEvent

    assets = Asset.objects.filter(source=SOURCE)

    def by(field):
        return dict(assets.values_list(field).annotate(n=Count("pk")).order_by())

    facts = {
        "assets": assets.count(),
        "events": AssetEvent.objects.filter(source=SOURCE).count(),
        "by_location_source": by("location_source"),
        "by_status": by("status"),
        **{f"with_{area}": assets.filter(**{f"{area}__isnull": False}).count() for area in AREAS},
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


AREAS = ("council", "ward", "lsoa")


def traced(func):
    """Python allocations under tracemalloc: the peak, and what is still held once func
    has returned and the collector has run."""
    tracemalloc.start()
    try:
        func()
        peak = tracemalloc.get_traced_memory()[1]
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        return {"peak_mb": round(peak / 2**20, 1), "held_after_mb": round(held / 2**20, 1)}
    finally:
        tracemalloc.stop()


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
        "--rounds", type=int, default=2, help="extra interleaved rounds of [floor, full import]"
    )
    p.add_argument("--seed", type=int, default=1)
    database_options(p)
    p.add_argument("--profile", action="store_true", help="cProfile an import even if goals met")
    p.add_argument("--no-tracemalloc", action="store_true", help="skip the tracemalloc runs")
    p.add_argument("--no-phases", action="store_true", help="time without the phase wrappers")
    p.add_argument("--what-if-gc", action="store_true", help="one more import, gc disabled")
    return scratch_database(p, p.parse_args(), "import")


def main():
    run_cleaning_up(run, parse_args())


def say(text):
    print(text, flush=True)


def run(args):
    RESULTS.mkdir(exist_ok=True)
    env = bench_env(args.database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.db import connection

    started, t0 = time.time(), time.perf_counter()
    reset_database(args.database_url, env, drop=True)
    setup = {"migrate_s": round(time.perf_counter() - t0, 1), **load_demo_geography(env)}
    db = connection.vendor
    with connection.cursor() as cursor:
        if db == "postgresql":
            cursor.execute("ANALYZE")
        cursor.execute("SELECT version()" if db == "postgresql" else "SELECT sqlite_version()")
        db_version = ("" if db == "postgresql" else "SQLite ") + cursor.fetchone()[0]
    path = Path(args.tmpdir) / f"assets-{args.rows}.csv"
    data = write_csv(path, args.rows, args.seed, args.coords_share)
    say(
        f"{db_version}; geography loaded in {sum(setup.values()):.0f} s; {args.rows:,} rows "
        f"({data['bytes'] / 2**20:.1f} MB, {data['rows_with_coordinates']:,} with "
        f"coordinates, {data['distinct_postcodes_used']:,} distinct postcodes) in {path}"
    )
    memory = {"rss_before_import_mb": proc_status_mb("VmRSS")}
    phases = not args.no_phases
    first = timed_import(path, args.rows, phases)
    first["ru_maxrss_mb"] = ru_maxrss_mb()  # nothing before it in this process used more
    say(f"first import: {first['seconds']} s, {first['rows_per_s']:,} rows/s ({first['summary']})")
    database = check_database(args.rows, data["events_expected"])
    second = timed_import(path, args.rows, phases)
    say(f"second import: {second['seconds']} s ({second['summary']})")

    fulls, floors = [first], []
    for i in range(args.rounds + 1):
        empty_tables()
        floors.append(floor(path))
        say(f"floor {i + 1}: {floors[-1]['seconds']} s")
        if i < args.rounds:
            empty_tables()
            fulls.append(timed_import(path, args.rows, phases))
            say(f"full import {i + 2}: {fulls[-1]['seconds']} s")
    empty_tables()
    raw = raw_floor(path)
    empty_tables()  # the command as a person runs it: each import in a process of its own
    own = {"first": command_in_own_process(path, env)}
    own["second"] = command_in_own_process(path, env)
    what_if = None
    if args.what_if_gc:
        empty_tables()
        gc.disable()
        try:
            what_if = timed_import(path, args.rows, phases)
        finally:
            gc.enable()
    if not args.no_tracemalloc:
        empty_tables()
        memory["tracemalloc_first"] = traced(lambda: call_import(path))
        memory["tracemalloc_second"] = traced(lambda: call_import(path))

    def median(runs, key):
        return float(np.median([r[key] for r in runs]))

    full_s, floor_s = median(fulls, "seconds"), median(floors, "seconds")
    full_cpu, floor_cpu = median(fulls, "cpu_s"), median(floors, "cpu_s")
    summary = {
        "full_median_s": round(full_s, 2),
        "full_rows_per_s": round(args.rows / full_s),
        "floor_median_s": round(floor_s, 2),
        "ratio_full_to_floor": round(full_s / floor_s, 2),
        # This process's CPU time: steadier than wall time on a busy machine (on PostgreSQL
        # it leaves out the server's share).
        "full_median_cpu_s": round(full_cpu, 2),
        "full_rows_per_cpu_s": round(args.rows / full_cpu),
        "ratio_full_to_floor_cpu": round(full_cpu / floor_cpu, 2),
        "second_import_s": second["seconds"],
        # One import per process: the first in-process one and the own-process commands.
        "peak_memory_mb": max(first["ru_maxrss_mb"], *(r["ru_maxrss_mb"] for r in own.values())),
        "idempotent": second["unchanged"] == args.rows
        and not (second["created"] or second["updated"]),
    }
    summary["goals"] = goals = {
        "rows_per_s": summary["full_rows_per_s"] >= GOAL_ROWS_PER_S,
        "floor_ratio": summary["ratio_full_to_floor"] <= GOAL_FLOOR_RATIO,
        "peak_memory": summary["peak_memory_mb"] < GOAL_PEAK_MB,
    }
    profile_path = None
    if args.profile or not all(goals.values()):
        empty_tables()
        profiler = cProfile.Profile()
        with profiler:
            call_import(path)
        profile_path = RESULTS / f"import_assets-{db}-{args.rows}-profile.txt"
        profile_path.write_text(profile_text(profiler))
    facts = {
        "database": db,
        "database_version": db_version,
        "database_url": re.sub(r"//[^@/]*@", "//***@", args.database_url),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": LOAD_AT_START,
        "load_average_at_end": load_average(),
        "setup": setup,
        "file": data,
        "database_after_first_import": database,
        "summary": summary,
        "first_import": first,
        "second_import": second,
        "full_imports": fulls,
        "floors": floors,
        "raw_floor": raw,
        "command_runs": own,
        "what_if_gc_disabled": what_if,
        "memory": {**memory, "ru_maxrss_end_mb": ru_maxrss_mb()},
        "profile": str(profile_path.relative_to(ROOT)) if profile_path else None,
        "elapsed_s": round(time.time() - started, 1),
        "args": {k: v for k, v in vars(args).items() if k not in ("database_url", "tmpdir")},
    }
    out = RESULTS / f"import_assets-{db}-{args.rows}.json"
    out.write_text(json.dumps(facts, indent=2, default=str))
    report(facts, out)


def report(f, out):
    s, rows = f["summary"], f["file"]["rows"]
    ok = {k: "PASS" if v else "FAIL" for k, v in s["goals"].items()}
    say(
        f"\n{f['database_version'].split(',')[0]}; {f['cpu_count']} CPU cores, load average "
        f"at start {f['load_average_at_start']}, at end {f['load_average_at_end']}\n{rows:,} "
        f"rows, {f['file']['rows_with_coordinates']:,} with coordinates; "
        f"{f['file']['events_expected']:,} opened/closed events\n"
    )
    head = f"{'run':<46}{'s':>8}{'rows/s':>10}{'cpu s':>8}{'peak MB':>9}  result"
    say(head + "\n" + "-" * (len(head) + 40))

    def line(label, r, peak, note=""):
        rate = f"{rows / r['seconds']:,.0f}"
        say(f"{label:<46}{r['seconds']:>8.2f}{rate:>10}{r['cpu_s']:>8.2f}{peak or '-':>9}  {note}")

    for i, r in enumerate(f["full_imports"]):
        label = "full import 1 (fresh tables)" if i == 0 else f"full import {i + 1} (emptied)"
        line(label, r, r["rss_peak_mb"], r["summary"])
    second = f["second_import"]
    line("second import of the same file", second, second["rss_peak_mb"], second["summary"])
    for i, r in enumerate(f["floors"]):
        line(f"floor {i + 1}: read_csv + bulk_create", r, r["rss_peak_mb"])
    line("raw floor: read_csv + executemany (diag.)", f["raw_floor"], None)
    for name, r in f["command_runs"].items():
        line(f"manage.py import_assets, {name}, own process", r, r["ru_maxrss_mb"], r["summary"])
    if f["what_if_gc_disabled"]:
        r = f["what_if_gc_disabled"]
        line("what if: full import, gc disabled", r, r["rss_peak_mb"], r["summary"])
    mem = f["memory"]
    say(
        f"\ncpu s: this process's CPU time; peak MB: its VmHWM during the run (ru_maxrss for "
        f"own-process runs, which include start-up)\n"
        f"full import (median of {len(f['full_imports'])}): {s['full_median_s']} s = "
        f"{s['full_rows_per_s']:,} rows/s (goal >= {GOAL_ROWS_PER_S:,})  {ok['rows_per_s']}; "
        f"{s['full_rows_per_cpu_s']:,} rows per CPU second\n"
        f"full / floor = {s['ratio_full_to_floor']} (goal <= {GOAL_FLOOR_RATIO:g})  "
        f"{ok['floor_ratio']}; in CPU time {s['ratio_full_to_floor_cpu']}\n"
        f"peak memory, one import per process: {s['peak_memory_mb']} MB (goal < "
        f"{GOAL_PEAK_MB} MB)  {ok['peak_memory']}; RSS before the import "
        f"{mem['rss_before_import_mb']} MB"
        + (
            f"; tracemalloc peak {mem['tracemalloc_first']['peak_mb']} MB (first), "
            f"{mem['tracemalloc_second']['peak_mb']} MB (second)"
            if "tracemalloc_first" in mem
            else ""
        )
        + f"\nsecond import: {'all unchanged' if s['idempotent'] else 'NOT IDEMPOTENT'}"
    )
    d = f["database_after_first_import"]
    say(
        f"after the first import: {d['assets']:,} assets, {d['events']:,} events, located "
        f"by {d['by_location_source']}; with a council {d['with_council']:,}, a ward "
        f"{d['with_ward']:,}, an LSOA {d['with_lsoa']:,}; statuses {d['by_status']}"
        + (f"\nPROBLEMS: {d['problems']}" if d["problems"] else "")
    )
    for label, r in (("first import", f["first_import"]), ("second import", second)):
        if p := r.get("phases"):
            say(
                f"\nwhere the {label}'s {p['total_s']:.2f} s go: read {p['read_s']:.2f}, "
                f"validate {p['validate_s']:.2f}, prepare {p['prepare_s']:.2f} (postcodes "
                f"{p['postcode_lookup_s']:.2f}, area index {p['area_index_build_s']:.2f}, "
                f"point in polygon {p['point_in_polygon_s']:.2f}), write {p['write_s']:.2f} "
                f"(events {p['write_events_s']:.2f}, statuses {p['refresh_statuses_s']:.2f}), "
                f"commit {p['commit_s']:.2f}\n    SQL {p['sql_s']:.2f} s in "
                f"{p['sql_statements']} statements: "
                + ", ".join(
                    f"{k} {v['n']}x/{v['s']:.2f}s" for k, v in list(p["sql_by_kind"].items())[:6]
                )
                + f"; garbage collector {p['gc_s']:.2f} s"
            )
    if f["profile"]:
        say(f"\nprofile (top 25 cumulative and own time): {f['profile']}")
    say(f"results: {out.relative_to(ROOT)} (elapsed {f['elapsed_s']} s)")


if __name__ == "__main__":
    main()
