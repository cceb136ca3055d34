"""Benchmark of campaigners' alerts: matching events to 100,000 subscriptions, and a digest.

Run from the repository root with the project's virtualenv active:

    python bench/alerts.py                                  # SQLite, the issue's sizes
    python bench/alerts.py --subscriptions 10000 --digest-subscribers 1000   # a quick smoke run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alerts python bench/alerts.py
    python bench/alerts.py --profile                        # also cProfile both parts

The database is always built from scratch and thrown away. SQLite (the default) is a
temporary file, removed at the end unless --keep. A PostgreSQL DATABASE_URL (or
--database-url) is DROPPED AND RECREATED, so its name must start with "bench"
(e.g. bench_alerts); never point it at a database anyone else uses.

What it does:

1. Builds a synthetic register with `manage.py migrate` and bulk_create (settings
   bench.settings, email on the locmem backend so sending costs no SMTP): 7,000 wards
   placed like population (dense in cities, see bench/register.py), grouped into 300
   councils (each ward joins the nearest of 300 ward-seeded council centres); 20,000 live
   assets, each in its nearest ward; 100,000 confirmed subscriptions: ~40% a ward, ~20% a
   council, ~35% a circle of radius 0.5-20 km round a uniformly random point in England
   (inside lat 50.0-55.8, lon -5.5-1.7), ~5% a single asset. 70% keep the default topics,
   the rest a random non-empty subset; frequencies 60% as it happens, 30% daily, 10% weekly.
2. Matching: --events (50) events on different assets (so different places), of kinds
   from every alert topic, each matched with assets_register.alerts.matching.match_event(event)
   (the query in SubscriptionQuerySet.watching, the exact distance, the bulk insert of
   Delivery rows), --rounds (3) times, after a short untimed warm-up. Each event's
   deliveries are deleted (untimed) after each call, so every call inserts afresh.
   Target: <= 1 s per event. A diagnostic pass then times watching() alone and the
   candidate SQL alone (raw cursor, rows fetched), counts the candidates the query
   returns before the exact distance check, and records the query plan (EXPLAIN QUERY
   PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
3. Digest: --digest-subscribers (10,000) subscriptions switched to daily, each with 2-4
   (mean 3) pending deliveries for different events out of --digest-events (300) recent
   events, then alert_emails.send_pending("daily", today) timed once. Every SQL statement
   is counted with a connection.execute_wrapper (what CaptureQueriesContext sees, but
   without connection.queries_log's 9,000-entry cap) and reported per subscriber, by kind.
   Both parts also report the time spent in COMMIT: on SQLite every commit syncs the file
   to disk, so those figures move with the disk's other traffic.
4. Peak memory: the process's peak RSS (VmHWM) during each phase, reset between phases
   through /proc/self/clear_refs, and getrusage's ru_maxrss up to the digest. With
   --tracemalloc the digest is sent a second time (deliveries marked unsent again) under
   tracemalloc for the Python-heap peak. The locmem outbox keeps every message, so the
   digest's memory includes 10,000 composed emails, which a real SMTP send would not.

Prints a short table and writes everything to bench/results/alerts-<sqlite|postgresql>.json.
If the p95 of matching exceeds the target, matching is profiled (cProfile) automatically.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import resource
import sys
import time
import tracemalloc
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
# Not bench/ itself (its settings.py would shadow the site's `settings` package).
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import (  # noqa: E402
    bench_env,
    database_options,
    load_average,
    reset_database,
    run_cleaning_up,
    scratch_database,
)
from bench.measure import CommitTimer, PeakRSS  # noqa: E402
from bench.register import CATEGORIES, in_england, make_register  # noqa: E402

GOAL_MATCH_S = 1.0
BOX = ((-5.5, 50.0), (1.7, 55.8))  # (lon, lat) corners of the circles' centres
SCOPE_MIX = {"ward": 0.40, "council": 0.20, "circle": 0.35, "asset": 0.05}
FREQUENCY_MIX = {"immediately": 0.60, "daily": 0.30, "weekly": 0.10}
# Event kinds for the matched events: every topic an event can have.
EVENT_KINDS = [
    "closed",
    "at_risk",
    "listed_for_sale",
    "temporarily_closed",
    "acv_nominated",
    "acv_listed",
    "disposal_notice",
    "bidder_request",
    "opened",
    "reopened",
]
TOPICS = ["closures", "acv", "disposals", "expiries", "new_places"]
SOURCE = "bench-alerts"
LOAD_AT_START = load_average()


# --- measuring --------------------------------------------------------------------------


def percentile_ms(seconds, q):
    return round(float(np.percentile(seconds, q)) * 1000, 2) if len(seconds) else None


class StatementCounter:
    """connection.execute_wrapper: counts every statement by kind and table."""

    TABLE = re.compile(r'(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', re.I)

    def __init__(self):
        self.counts = Counter()

    def __call__(self, execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        table = self.TABLE.search(sql)
        shape = f"{verb} {table[1] if table else ''}".strip()
        if verb == "SELECT" and "FOR UPDATE" in sql.upper():
            shape += " FOR UPDATE"
        self.counts[shape] += 1
        return execute(sql, params, many, context)

    @property
    def total(self):
        return sum(self.counts.values())


class CaptureSelect:
    """connection.execute_wrapper: keeps the SQL and parameters of SELECTs on one table."""

    def __init__(self, table):
        self.table, self.found = table, []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and f'FROM "{self.table}"' in sql:
            self.found.append((sql, params))
        return execute(sql, params, many, context)


def profile_top(func, lines=25):
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        func()
    finally:
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


# --- the synthetic register -------------------------------------------------------------


def nearest(points, centres, chunk=250):
    """Index of the nearest centre to each point (equirectangular, fine at these scales)."""
    scale = np.array([np.cos(np.radians(53.0)), 1.0])
    p, c = points * scale, centres * scale
    out = np.empty(len(p), dtype=np.int64)
    for start in range(0, len(p), chunk):
        block = p[start : start + chunk]
        d = ((block[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        out[start : start + chunk] = d.argmin(axis=1)
    return out


def uniform_in_box_and_england(rng, n):
    (lon0, lat0), (lon1, lat1) = BOX
    out = np.empty((0, 2))
    while len(out) < n:
        pts = rng.uniform((lon0, lat0), (lon1, lat1), size=(2 * n + 100, 2))
        out = np.vstack([out, pts[in_england(pts[:, 0], pts[:, 1])]])
    return out[:n]


def build_areas(args, rng):
    from assets_register.models import Area, AreaKind

    _, ward_pts = make_register(args.wards, args.seed)
    seeds = rng.choice(len(ward_pts), size=args.councils, replace=False)
    council_of_ward = nearest(ward_pts, ward_pts[seeds])
    councils = Area.objects.bulk_create(
        [
            Area(
                gss_code=f"E06{i:06d}",
                name=f"Council {i}",
                kind=AreaKind.COUNCIL,
                population=int(rng.integers(80_000, 400_000)),
            )
            for i in range(args.councils)
        ],
        batch_size=2000,
    )
    wards = Area.objects.bulk_create(
        [
            Area(
                gss_code=f"E05{i:06d}",
                name=f"Ward {i}",
                kind=AreaKind.WARD,
                parent_id=councils[council_of_ward[i]].pk,
                population=int(rng.integers(3_000, 15_000)),
            )
            for i in range(args.wards)
        ],
        batch_size=2000,
    )
    council_ids = np.array([c.pk for c in councils])
    ward_ids = np.array([w.pk for w in wards])
    return council_ids, ward_ids, council_ids[council_of_ward], ward_pts


def build_assets(args, rng, ward_ids, council_of_ward_id, ward_pts):
    from assets_register.models import Asset

    _, points = make_register(args.assets, args.seed + 1)
    ward_index = nearest(points, ward_pts)
    categories = rng.choice(list(CATEGORIES), size=args.assets, p=list(CATEGORIES.values()))
    ids = []
    for start in range(0, args.assets, 5000):
        created = Asset.objects.bulk_create(
            [
                Asset(
                    name=f"Asset {i}",
                    category=categories[i],
                    status="open",
                    live=True,
                    source=SOURCE,
                    source_ref=str(i),
                    location_source="source_data",
                    longitude=Decimal(f"{points[i, 0]:.6f}"),
                    latitude=Decimal(f"{points[i, 1]:.6f}"),
                    ward_id=int(ward_ids[ward_index[i]]),
                    council_id=int(council_of_ward_id[ward_index[i]]),
                )
                for i in range(start, min(start + 5000, args.assets))
            ]
        )
        ids.extend(a.pk for a in created)
    return np.array(ids)


def build_subscriptions(args, rng, council_ids, ward_ids, asset_ids):
    from django.utils import timezone

    from assets_register.core.distance import bounding_box
    from assets_register.models import Subscription

    n = args.subscriptions
    scopes = rng.choice(list(SCOPE_MIX), size=n, p=list(SCOPE_MIX.values()))
    frequencies = rng.choice(list(FREQUENCY_MIX), size=n, p=list(FREQUENCY_MIX.values()))
    centres = uniform_in_box_and_england(rng, n)
    radii = rng.uniform(0.5, 20.0, size=n)
    ward_pick = rng.choice(ward_ids, size=n)
    council_pick = rng.choice(council_ids, size=n)
    asset_pick = rng.choice(asset_ids, size=n)
    custom = rng.random(n) < 0.30
    topic_draws = rng.random((n, len(TOPICS))) < 0.5
    now = timezone.now()
    counts = Counter(scopes.tolist())
    for start in range(0, n, 5000):
        rows = []
        for i in range(start, min(start + 5000, n)):
            s = Subscription(
                email=f"subscriber{i}@example.org", frequency=frequencies[i], confirmed_at=now
            )
            if scopes[i] == "ward":
                s.area_id = int(ward_pick[i])
            elif scopes[i] == "council":
                s.area_id = int(council_pick[i])
            elif scopes[i] == "asset":
                s.asset_id = int(asset_pick[i])
            else:
                lon, lat = float(centres[i, 0]), float(centres[i, 1])
                s.latitude, s.longitude = round(lat, 6), round(lon, 6)
                s.radius_km = round(float(radii[i]), 1)
                s.postcode = "XX1 1XX"
                # What Subscription.save() does; bulk_create does not call save().
                (s.min_latitude, s.max_latitude, s.min_longitude, s.max_longitude) = bounding_box(
                    s.latitude, s.longitude, s.radius_km
                )
            if custom[i]:
                wants = topic_draws[i] if topic_draws[i].any() else np.eye(len(TOPICS))[0]
                for topic, want in zip(TOPICS, wants, strict=True):
                    setattr(s, f"wants_{topic}", bool(want))
            rows.append(s)
        Subscription.objects.bulk_create(rows)
    return dict(counts)


def make_events(asset_ids, count, rng, today, kinds):
    from assets_register.models import AssetEvent

    assets = rng.choice(asset_ids, size=count, replace=False)
    created = AssetEvent.objects.bulk_create(
        [
            AssetEvent(asset_id=int(pk), date=today, kind=kinds[i % len(kinds)], source=SOURCE)
            for i, pk in enumerate(assets)
        ]
    )
    pks = [e.pk for e in created]
    by_pk = AssetEvent.objects.select_related("asset").in_bulk(pks)
    return [by_pk[pk] for pk in pks]


def build_register(args, rng, today):
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        council_ids, ward_ids, council_of_ward_id, ward_pts = build_areas(args, rng)
        asset_ids = build_assets(args, rng, ward_ids, council_of_ward_id, ward_pts)
        scopes = build_subscriptions(args, rng, council_ids, ward_ids, asset_ids)
        match_events = make_events(asset_ids, args.events + args.warmup, rng, today, EVENT_KINDS)
    return (
        {
            "councils": len(council_ids),
            "wards": len(ward_ids),
            "assets": len(asset_ids),
            "subscriptions": args.subscriptions,
            "subscription_scopes": scopes,
            "build_s": round(time.perf_counter() - started, 1),
        },
        asset_ids,
        match_events,
    )


# --- 1. matching ------------------------------------------------------------------------


def bench_matching(args, events):
    from django.db import connection

    from assets_register.alerts.matching import match_event
    from assets_register.models import Delivery

    warmup, timed = events[: args.warmup], events[args.warmup :]
    for event in warmup:
        match_event(event)
        Delivery.objects.filter(event=event).delete()
    seconds, matched, per_event, commit_s = [], [], {}, []
    for _ in range(args.rounds):
        for event in timed:
            with CommitTimer(connection) as commits:
                start = time.perf_counter()
                n = match_event(event)
                seconds.append(time.perf_counter() - start)
            commit_s.append(commits.seconds)
            stored = Delivery.objects.filter(event=event).count()
            if stored != n:
                raise RuntimeError(f"event {event.pk}: match_event said {n}, stored {stored}")
            matched.append(n)
            per_event.setdefault(event.pk, []).append(seconds[-1])
            Delivery.objects.filter(event=event).delete()
    slowest = max(per_event, key=lambda pk: np.median(per_event[pk]))
    return {
        "calls": len(seconds),
        "events": len(timed),
        "rounds": args.rounds,
        "p50_ms": percentile_ms(seconds, 50),
        "p95_ms": percentile_ms(seconds, 95),
        "max_ms": round(max(seconds) * 1000, 2),
        "mean_ms": round(np.mean(seconds) * 1000, 2),
        "matched_mean": round(float(np.mean(matched)), 1),
        "matched_max": int(max(matched)),
        "matched_min": int(min(matched)),
        "commit_p50_ms": percentile_ms(commit_s, 50),
        "commit_p95_ms": percentile_ms(commit_s, 95),
        "slowest_event": {
            "pk": slowest,
            "median_ms": round(np.median(per_event[slowest]) * 1000, 2),
        },
        "per_event_ms": {pk: [round(t * 1000, 1) for t in ts] for pk, ts in per_event.items()},
    }


def diagnose_matching(args, events):
    """watching() alone, the candidate SQL alone, candidate counts, and the query plan."""
    from django.db import connection

    from assets_register.models import TOPIC_OF_EVENT, Subscription

    watching_s, sql_s, candidates, matched, per_event = [], [], [], [], []
    covers, calls = Subscription.covers, [0]

    def counting_covers(self, asset):
        calls[0] += 1
        return covers(self, asset)

    captured = None
    timed = events[args.warmup :]
    for event in timed:
        topic = TOPIC_OF_EVENT[event.kind]
        start = time.perf_counter()
        Subscription.objects.watching(event.asset, topic)
        watching_s.append(time.perf_counter() - start)
        capture = CaptureSelect(Subscription._meta.db_table)
        calls[0] = 0
        Subscription.covers = counting_covers
        try:
            with connection.execute_wrapper(capture):
                matched.append(len(Subscription.objects.watching(event.asset, topic)))
        finally:
            Subscription.covers = covers
        candidates.append(calls[0])
        sql, params = capture.found[-1]
        captured = captured or (sql, params, event)
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            sql_s.append(time.perf_counter() - start)
        per_event.append(
            {
                "pk": event.pk,
                "kind": event.kind,
                "lat": float(event.asset.latitude),
                "lon": float(event.asset.longitude),
                "watching_ms": round(watching_s[-1] * 1000, 2),
                "sql_ms": round(sql_s[-1] * 1000, 2),
                "candidates": candidates[-1],
                "matched": matched[-1],
            }
        )
    sql, params, event = captured
    return {
        "watching_p50_ms": percentile_ms(watching_s, 50),
        "watching_p95_ms": percentile_ms(watching_s, 95),
        "candidate_sql_p50_ms": percentile_ms(sql_s, 50),
        "candidate_sql_p95_ms": percentile_ms(sql_s, 95),
        "candidates_mean": round(float(np.mean(candidates)), 1),
        "candidates_max": int(max(candidates)),
        "matched_mean": round(float(np.mean(matched)), 1),
        "explained_event": {
            "pk": event.pk,
            "kind": event.kind,
            "asset": [float(event.asset.latitude), float(event.asset.longitude)],
        },
        "sql": sql,
        "params": [str(p) for p in params],
        "plan": explain(sql, params),
        "lon_vs_sql_ms_correlation": round(
            float(np.corrcoef([e["lon"] for e in per_event], sql_s)[0, 1]), 2
        ),
        "per_event": per_event,
    }


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [" ".join(str(v) for v in row[1:]) for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def profile_matching(events):
    from assets_register.alerts.matching import match_event
    from assets_register.models import Delivery

    def run():
        for event in events:
            match_event(event)
            Delivery.objects.filter(event=event).delete()

    return profile_top(run)


# --- 2. the daily digest ----------------------------------------------------------------


def prepare_digest(args, rng, asset_ids, today):
    from django.db import transaction

    from assets_register.models import Delivery, Subscription

    kinds = [
        "closed",
        "at_risk",
        "listed_for_sale",
        "acv_nominated",
        "acv_listed",
        "disposal_notice",
        "opened",
    ]
    with transaction.atomic():
        events = make_events(asset_ids, args.digest_events, rng, today - timedelta(days=1), kinds)
        all_ids = list(Subscription.objects.values_list("pk", "email"))
        picks = [
            all_ids[i]
            for i in rng.choice(len(all_ids), size=args.digest_subscribers, replace=False)
        ]
        pks = [pk for pk, _ in picks]
        for start in range(0, len(pks), 500):
            Subscription.objects.filter(pk__in=pks[start : start + 500]).update(frequency="daily")
        sizes = rng.integers(2, 5, size=len(picks))  # 2-4 items, mean 3
        rows = []
        for (pk, email), size in zip(picks, sizes, strict=True):
            for index in rng.choice(len(events), size=int(size), replace=False):
                event = events[int(index)]
                rows.append(
                    Delivery(
                        key=f"event:{event.pk}",
                        email=email,
                        subscription_id=pk,
                        event_id=event.pk,
                        frequency="daily",
                    )
                )
        Delivery.objects.bulk_create(rows, batch_size=5000)
    return {"subscribers": len(picks), "deliveries": len(rows), "events": len(events)}


def bench_digest(args, today):
    from django.core import mail
    from django.db import connection

    from assets_register.alerts.emails import send_pending
    from assets_register.models import Delivery

    mail.outbox = []
    counter = StatementCounter()
    with PeakRSS() as rss, connection.execute_wrapper(counter), CommitTimer(connection) as commits:
        start = time.perf_counter()
        sent = send_pending("daily", today)
        seconds = time.perf_counter() - start
    left = Delivery.objects.filter(frequency="daily", sent_at__isnull=True).count()
    if sent != args.digest_subscribers or len(mail.outbox) != sent or left:
        raise RuntimeError(f"digest: sent {sent}, outbox {len(mail.outbox)}, {left} unsent")
    sample = mail.outbox[0]
    n = args.digest_subscribers
    return {
        "emails": sent,
        "total_s": round(seconds, 2),
        "ms_per_subscriber": round(seconds / n * 1000, 3),
        "statements": counter.total,
        "statements_per_subscriber": round(counter.total / n, 2),
        "statements_by_kind": dict(counter.counts.most_common()),
        "commits": commits.count,
        "commit_s": round(commits.seconds, 2),
        "sample_subject": sample.subject,
        "sample_body_chars": len(sample.body),
        **rss.as_dict(),
    }


def rerun_digest(args, today, measure):
    """Mark the digest unsent again and send it once more under `measure`."""
    from django.core import mail

    from assets_register.alerts.emails import send_pending
    from assets_register.models import Delivery

    Delivery.objects.filter(frequency="daily").update(sent_at=None)
    mail.outbox = []
    result = measure(lambda: send_pending("daily", today))
    mail.outbox = []
    return result


def traced_peak(func):
    """(peak, still held when func returns: the locmem outbox) of Python allocations, MB."""
    tracemalloc.start()
    try:
        func()
        current, peak = tracemalloc.get_traced_memory()
        return round(peak / 2**20, 1), round(current / 2**20, 1)
    finally:
        tracemalloc.stop()


# --- main -------------------------------------------------------------------------------


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--subscriptions", type=int, default=100_000)
    p.add_argument("--councils", type=int, default=300)
    p.add_argument("--wards", type=int, default=7_000)
    p.add_argument("--assets", type=int, default=20_000)
    p.add_argument("--events", type=int, default=50, help="timed events, each a new place")
    p.add_argument("--rounds", type=int, default=3, help="times each event is matched")
    p.add_argument("--warmup", type=int, default=5, help="untimed events matched first")
    p.add_argument("--digest-subscribers", type=int, default=10_000)
    p.add_argument("--digest-events", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    database_options(p)
    p.add_argument("--profile", action="store_true", help="cProfile matching and the digest")
    p.add_argument(
        "--tracemalloc",
        action="store_true",
        help="send the digest again under tracemalloc for the Python-heap peak",
    )
    return scratch_database(p, p.parse_args(), "alerts")


def main():
    run_cleaning_up(run, parse_args())


def run(args):
    RESULTS.mkdir(exist_ok=True)
    env = bench_env(args.database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rng = np.random.default_rng(args.seed)
    today = timezone.localdate()
    started = time.time()

    t0 = time.perf_counter()
    reset_database(args.database_url, env, drop=True)
    migrate_s = round(time.perf_counter() - t0, 1)
    with PeakRSS() as rss_build:
        register, asset_ids, events = build_register(args, rng, today)
    register["migrate_s"] = migrate_s
    db = connection.vendor  # sqlite or postgresql
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT version()")
            db_version = cursor.fetchone()[0]
    else:
        import sqlite3

        db_version = f"SQLite {sqlite3.sqlite_version}"
    print(
        f"register ({db_version}): {register['councils']} councils, {register['wards']} "
        f"wards, {register['assets']:,} assets, {register['subscriptions']:,} subscriptions "
        f"{register['subscription_scopes']}; migrate {migrate_s} s, build "
        f"{register['build_s']} s",
        flush=True,
    )

    with PeakRSS() as rss_match:
        matching = bench_matching(args, events)
    matching.update(rss_match.as_dict())
    print(
        f"matching: p50 {matching['p50_ms']} ms, p95 {matching['p95_ms']} ms over "
        f"{matching['calls']} calls",
        flush=True,
    )
    diagnosis = diagnose_matching(args, events)
    profiles = {}
    if args.profile or matching["p95_ms"] > GOAL_MATCH_S * 1000:
        profiles["matching"] = profile_matching(events[args.warmup :])

    digest_setup = prepare_digest(args, rng, asset_ids, today)
    digest = bench_digest(args, today)
    digest.update(digest_setup)
    print(f"digest: {digest['emails']:,} emails in {digest['total_s']} s", flush=True)
    maxrss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.tracemalloc:
        (digest["tracemalloc_peak_mb"], digest["tracemalloc_outbox_mb"]) = rerun_digest(
            args, today, traced_peak
        )
    if args.profile:
        profiles["digest"] = rerun_digest(args, today, profile_top)

    facts = {
        "database": db,
        "database_version": db_version,
        "database_url": re.sub(r"//[^@/]*@", "//***@", args.database_url),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": LOAD_AT_START,
        "load_average_at_end": load_average(),
        "register": register,
        "memory": {
            "build": rss_build.as_dict(),
            # before the optional tracemalloc and cProfile re-runs, which add their own
            "ru_maxrss_mb": maxrss_mb,
        },
        "matching": matching,
        "matching_diagnosis": diagnosis,
        "digest": digest,
        "elapsed_s": round(time.time() - started, 1),
        "args": {k: v for k, v in vars(args).items() if k not in ("database_url", "tmpdir")},
    }
    out = RESULTS / f"alerts-{db}.json"
    for name, text in profiles.items():
        path = RESULTS / f"alerts-{db}-profile-{name}.txt"
        path.write_text(text)
        facts.setdefault("profiles", {})[name] = str(path.relative_to(ROOT))
    out.write_text(json.dumps(facts, indent=2))
    report(facts, out)


def report(f, out):
    m, d, g, reg = f["matching"], f["matching_diagnosis"], f["digest"], f["register"]
    verdict = "PASS" if m["p95_ms"] <= GOAL_MATCH_S * 1000 else "FAIL"
    print(
        f"\n{f['database_version'].split(',')[0]}; {f['cpu_count']} CPU cores, load average "
        f"at start {f['load_average_at_start']} (other work on the machine skews figures)\n"
        f"register: {reg['councils']} councils, {reg['wards']:,} wards, {reg['assets']:,} "
        f"assets, {reg['subscriptions']:,} confirmed subscriptions\n"
    )
    rows = [
        (
            "match_event: query + distance + insert",
            m["p50_ms"],
            m["p95_ms"],
            m["max_ms"],
            f"<= {GOAL_MATCH_S * 1000:.0f} ms  {verdict}",
        ),
        (
            "  watching() alone (query + distance)",
            d["watching_p50_ms"],
            d["watching_p95_ms"],
            None,
            "",
        ),
        (
            "  candidate SQL alone (raw cursor)",
            d["candidate_sql_p50_ms"],
            d["candidate_sql_p95_ms"],
            None,
            "",
        ),
        ("  commit (of the insert)", m["commit_p50_ms"], m["commit_p95_ms"], None, ""),
    ]
    head = f"{'matching one event (ms)':<42}{'p50':>9}{'p95':>9}{'max':>9}  target"
    print(head + "\n" + "-" * (len(head) + 14))
    for name, p50, p95, top, note in rows:
        top = f"{top:.1f}" if top is not None else "-"
        print(f"{name:<42}{p50:>9.1f}{p95:>9.1f}{top:>9}  {note}")
    print(
        f"{m['calls']} calls: {m['events']} events x {m['rounds']} rounds; subscriptions "
        f"matched per event: mean {m['matched_mean']}, min {m['matched_min']}, max "
        f"{m['matched_max']}; candidates from the query before the exact distance: mean "
        f"{d['candidates_mean']}, max {d['candidates_max']}; correlation of the candidate "
        f"SQL time with the event's longitude {d['lon_vs_sql_ms_correlation']}\n"
        f"query plan (event {d['explained_event']['pk']}):\n    " + "\n    ".join(d["plan"])
    )
    print(
        f"\ndaily digest: {g['emails']:,} subscribers, {g['deliveries']:,} pending deliveries "
        f"from {g['events']} events\n"
        f"    total {g['total_s']} s, {g['ms_per_subscriber']} ms per subscriber, "
        f"{g['statements']:,} SQL statements = {g['statements_per_subscriber']} per "
        f"subscriber; {g['commits']:,} commits took {g['commit_s']} s\n    by kind: "
        + ", ".join(f"{k} {v:,}" for k, v in g["statements_by_kind"].items())
    )
    mem = f["memory"]
    traced = (
        f"; tracemalloc (second send) peak {g['tracemalloc_peak_mb']} MB, of which "
        f"{g['tracemalloc_outbox_mb']} MB is still held by the outbox at the end"
        if "tracemalloc_peak_mb" in g
        else ""
    )
    print(
        f"\npeak RSS: build {mem['build']['rss_peak_mb']} MB, matching "
        f"{m['rss_peak_mb']} MB (from {m['rss_start_mb']}), digest {g['rss_peak_mb']} MB "
        f"(from {g['rss_start_mb']}; includes the locmem outbox){traced}; ru_maxrss to then "
        f"{mem['ru_maxrss_mb']} MB"
    )
    for name, path in f.get("profiles", {}).items():
        print(f"profile of {name}: {path}")
    print(f"results: {out.relative_to(ROOT)} (elapsed {f['elapsed_s']} s)")


if __name__ == "__main__":
    main()
