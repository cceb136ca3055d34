"""Load test of the public site under gunicorn: a realistic mix of pages, driven by wrk.

Run from the repository root with the project's virtualenv active:

    python bench/load.py                             # 150,000 assets, 60 s per scenario
    python bench/load.py --assets 5000 --wards 300 --councils 20 --postcodes 2000 \\
        --duration 6 --warmup 3                      # a quick smoke run
    python bench/load.py --cache redis               # pages cached in Redis (db 5), shared
    python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/bench_load

What it does:

1. Builds a synthetic register (seeded; bench/load_register.py), or reuses it when the
   database already holds exactly this one: the assets of bench/register.py (the same
   150,000 points, names, categories and statuses as bench/map_api.py); ~7,000 wards as
   Voronoi cells of points drawn like the assets (so wards hold similar numbers of
   places), grouped into ~300 councils (the union of their wards), with GSS codes,
   populations, IMD deciles and boundaries with a vertex every ~100 m (~5 kB of GeoJSON
   a ward: pages that load an Area row decode it); every asset's ward and council, found
   by the site's own point-in-polygon index (assets_register.geo.spatial.AreaIndex);
   events that lead to each asset's status (openings, closures, demolitions,
   conversions, threats, reopenings, notes), ~0.65 per asset; ~3% of places to meet on
   their council's list of assets of community value; 30,000 postcodes in the postcode
   table, spread like the assets; then `indicators.recompute()` so area pages have
   figures. It goes into bench/results/load-<N>.sqlite3 (or the --database-url database,
   created if missing).
2. Writes the paths of the mix (--pool lines, picked at random per request):
     home 10%        /
     map API 35%     /api/map/ windows of a 1280 x 800 px map at zoom 6 (15% of them),
                     10 (25%), 13 (35%) and 16 (25%), on towns picked by population
     asset pages 25% /assets/<id>/, ids uniform over the register
     area pages 10%  /areas/<gss>/, 70% wards, 30% councils; a quarter of them with the
                     ?postcode= a postcode search redirects to
     search 10%      /search/?q=: 35% full postcodes (spelt several ways; they answer
                     302 to the ward page), 10% postcode districts, 35% asset names,
                     20% ward and council names, all of which exist
     feeds 5%        /areas/<gss>/feed.atom and /assets/<id>/feed.atom, half each
     ACV lists 5%    /acv/<council gss>/
   Public pages are cached whole, keyed by URL (assets_register/caching.py), so the
   number of distinct paths matters: the report gives it, and the page cache's measured
   hit ratio (responses carry X-Bench-Cache: hit/miss from a probe in the cache backend,
   enabled by BENCH_CACHE_PROBE; see bench/settings.py). Then times --profile requests of
   each kind of page in this process, one at a time with the page cache off: wall and
   CPU time, and time in the database driver (what a miss costs, and where it goes).
3. Starts gunicorn (bench/server.py's Gunicorn: settings bench.settings, DEBUG off;
   sync workers, 2 x CPUs + 1 by default; an access log with each request's status,
   service time and cache outcome) and runs wrk with bench/load_paths.lua, which counts
   every status code in response(). After a warm-up of the mix (every worker builds its
   map index and area index on first use), the scenarios
     bare   /bench/bare/, a minimal Django JsonResponse: the ceiling
     mix    the mix above
   run at each of --connections (16 and 64), for --duration seconds each, split into
   --rounds rounds interleaved across scenarios so drifting background load hits all
   alike (each round reseeds wrk's path picker). Between runs the server drains its
   queue (wrk drops the requests still waiting) before the next starts.
4. Reports per scenario: requests/s, p50/p95/p99/max latency (the rounds' latency
   curves merged), status counts (5xx must be zero), socket errors, the ratio of mix to
   bare req/s at the same concurrency, the page-cache hit ratio, the workers' CPU per
   request and what else was using the CPUs; and per kind of page in the mix, its
   server-side service time (the access log: excludes queueing) and share of the
   workers' time. Writes bench/results/load-<timestamp>.json; keeps the access log
   when there were 5xx responses (or with --keep-logs), and gunicorn's error log
   (bench/results/gunicorn-<timestamp>.log) whenever it is not empty.

--preload starts gunicorn with --preload, as the README's production set-up does: the
workers share the imported code, and the report adds each worker's private memory (USS)
to its peak RSS.

--cache file (default) is the site's own cache without Redis: a SQLite file the workers
share (core.file_cache), new for each run (bench/common.py's bench_env). --cache redis
shares one Redis cache (db 5 of 127.0.0.1:6379, flushed at the start) between the
workers, as in production. --cache off keeps pages for 0 s (PAGE_CACHE_SECONDS=0): every
page is rendered.

wrk and gunicorn share the machine's cores (and other people's work), so absolute figures
are pessimistic; the ratio to the bare view and the CPU per request are the figures to
compare.
"""

import argparse
import json
import os
import platform
import re
import resource
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # Not bench/ itself (its settings.py would shadow the site's `settings` package).
    sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from assets_register.core.caching import copy_in  # noqa: E402
from assets_register.core.file_cache import SQLiteCache  # noqa: E402
from assets_register.core.redis_cache import RedisCache  # noqa: E402
from bench.common import (  # noqa: E402
    RESULTS,
    bench_env,
    busy_cpu_percent,
    finally_on_sigterm,
    machine_ticks,
    results_database,
    results_database_option,
)
from bench.load_register import prepare_database  # noqa: E402
from bench.server import (  # noqa: E402
    Gunicorn,
    cpu_ticks,
    ensure_wrk,
    key_values,
    run_wrk,
    server_options,
    wrk_lines,
    wrk_options,
    wrk_summary,
)

MIX = {  # share of requests
    "home": 0.10,
    "map": 0.35,
    "asset": 0.25,
    "area": 0.10,
    "search": 0.10,
    "feed": 0.05,
    "acv": 0.05,
}
MAP_ZOOMS = {6: 0.15, 10: 0.25, 13: 0.35, 16: 0.25}
VIEWPORT_PX = (1280, 800)
# --- instrumentation loaded by the gunicorn workers (BENCH_CACHE_PROBE) -----------------

_probe = threading.local()


class CacheProbe:
    """Records whether the page cache (keys 'page:...', assets_register/caching.py) had the
    page this thread is answering."""

    def get_many(self, keys, version=None):
        values = super().get_many(keys, version)
        for key in keys:
            if key.startswith("page:"):
                _probe.outcome = "miss" if copy_in(values, key)[1] is None else "hit"
        return values


class ProbedSQLiteCache(CacheProbe, SQLiteCache):
    pass


class ProbedRedisCache(CacheProbe, RedisCache):
    pass


class CacheProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _probe.outcome = None
        response = self.get_response(request)
        if _probe.outcome:
            response["X-Bench-Cache"] = _probe.outcome
        return response


# --- the requests -----------------------------------------------------------------------


def map_path(rng, centres, zoom):
    deg_per_px = 360 / (256 * 2**zoom)
    if zoom <= 6:
        lon, lat = -1.8 + rng.uniform(-0.5, 0.5), 52.9 + rng.uniform(-0.4, 0.4)
    else:
        c = centres[rng.choice(len(centres), p=centres[:, 2] / centres[:, 2].sum())]
        lon = c[0] + rng.normal() * c[3] * 0.7
        lat = c[1] + rng.normal() * c[3] * 0.45
    w = VIEWPORT_PX[0] * deg_per_px
    h = VIEWPORT_PX[1] * deg_per_px * np.cos(np.radians(lat))
    return (
        f"/api/map/?bbox={lon - w / 2:.5f},{lat - h / 2:.5f},{lon + w / 2:.5f},"
        f"{lat + h / 2:.5f}&zoom={zoom}"
    )


def postcode_spellings(rng, code):
    outward, inward = code.split()
    return str(
        rng.choice(
            [code, code, f"{outward}{inward}", code.lower(), f"{outward.lower()}{inward.lower()}"]
        )
    )


def make_mix(args, centres, rng):
    """--pool paths in the MIX proportions, shuffled."""
    from assets_register.models import Area, AreaKind, Asset, PostcodeLocation

    asset_pks = np.array(Asset.objects.live().values_list("pk", flat=True))
    wards = list(Area.objects.wards().values_list("gss_code", "name"))
    councils = list(Area.objects.councils().values_list("gss_code", "name"))
    postcodes = list(PostcodeLocation.objects.values_list("postcode", "ward_code"))
    names = sorted(set(Asset.objects.values_list("name", flat=True).distinct()))
    counts = {k: round(v * args.pool) for k, v in MIX.items()}
    paths = ["/"] * counts["home"]
    zooms = rng.choice(list(MAP_ZOOMS), counts["map"], p=list(MAP_ZOOMS.values()))
    paths += [map_path(rng, centres, int(z)) for z in zooms]
    paths += [f"/assets/{pk}/" for pk in rng.choice(asset_pks, counts["asset"])]
    for _ in range(counts["area"]):
        if rng.random() < 0.25:  # where a postcode search sends the browser
            code, ward = postcodes[rng.integers(len(postcodes))]
            paths.append(f"/areas/{ward}/?{urlencode({'postcode': code})}")
        else:
            pool = wards if rng.random() < 0.7 else councils
            paths.append(f"/areas/{pool[rng.integers(len(pool))][0]}/")
    for _ in range(counts["search"]):
        r = rng.random()
        if r < 0.35:
            q = postcode_spellings(rng, postcodes[rng.integers(len(postcodes))][0])
        elif r < 0.45:
            q = postcodes[rng.integers(len(postcodes))][0].split()[0]
        elif r < 0.80:
            name = names[rng.integers(len(names))]
            words = name.split()
            q = str(rng.choice([name, name.lower(), " ".join(words[:-1]) or name, words[0]]))
        else:
            pool = wards if rng.random() < 0.7 else councils
            q = pool[rng.integers(len(pool))][1]
        paths.append(f"/search/?{urlencode({'q': q})}")
    for _ in range(counts["feed"]):
        if rng.random() < 0.5:
            pool = wards if rng.random() < 0.7 else councils
            paths.append(f"/areas/{pool[rng.integers(len(pool))][0]}/feed.atom")
        else:
            paths.append(f"/assets/{int(rng.choice(asset_pks))}/feed.atom")
    paths += [f"/acv/{councils[i][0]}/" for i in rng.integers(0, len(councils), counts["acv"])]
    rng.shuffle(paths)
    return paths, {AreaKind.WARD: {c for c, _ in wards}, AreaKind.COUNCIL: {c for c, _ in councils}}


def page_kind(path, query, area_kinds):
    """The kind of page a request was for, as the report groups them."""
    from assets_register.core.postcodes import Postcode

    if path == "/":
        return "home"
    if path == "/bench/bare/":
        return "bare"
    if path == "/api/map/":
        return f"map z{parse_qs(query).get('zoom', ['?'])[0]}"
    if path == "/search/":
        q = parse_qs(query).get("q", [""])[0]
        if Postcode.parse_or_none(q):
            return "search postcode"
        return "search district" if Postcode.is_outward_code(q) else "search name"
    if m := re.fullmatch(r"/areas/([^/]+)/(feed\.atom)?", path):
        kind = "ward" if m[1] in area_kinds["ward"] else "council"
        if m[2]:
            return f"feed {kind}"
        return f"area {kind}" + (" +postcode" if "postcode=" in query else "")
    if re.fullmatch(r"/assets/\d+/feed\.atom", path):
        return "feed asset"
    if re.fullmatch(r"/assets/\d+/", path):
        return "asset"
    if path.startswith("/acv/"):
        return "acv list"
    return "other"


def distinct_by_kind(paths, area_kinds):
    out = {}
    for p in set(paths):
        path, _, query = p.partition("?")
        kind = page_kind(path, query, area_kinds)
        out[kind] = out.get(kind, 0) + 1
    return dict(sorted(out.items()))


# --- one request at a time, in this process ---------------------------------------------


class DatabaseTimer:
    """Time spent in the database driver: executing statements and fetching rows (SQLite
    does most of a query's work while rows are fetched, after execute() returns)."""

    METHODS = ("execute", "executemany", "fetchone", "fetchmany", "fetchall", "__iter__")

    def __init__(self):
        self.seconds, self.statements = 0.0, 0

    def __enter__(self):
        from django.db.backends.utils import CursorWrapper

        self.saved = {name: CursorWrapper.__dict__.get(name) for name in self.METHODS}
        for name in self.METHODS:
            setattr(CursorWrapper, name, self._timed(name, self.saved[name]))
        return self

    def __exit__(self, *exc):
        from django.db.backends.utils import CursorWrapper

        for name, original in self.saved.items():
            if original is None:
                delattr(CursorWrapper, name)
            else:
                setattr(CursorWrapper, name, original)

    def _timed(self, name, original):
        timer = self

        if name == "__iter__":

            def method(wrapper):
                rows = iter(original(wrapper))
                while True:
                    start = time.perf_counter()
                    try:
                        row = next(rows)
                    except StopIteration:
                        return
                    finally:
                        timer.seconds += time.perf_counter() - start
                    yield row

            return method

        def method(wrapper, *args, **kwargs):
            if name.startswith("execute"):
                timer.statements += 1
            start = time.perf_counter()
            try:
                if original is not None:
                    return original(wrapper, *args, **kwargs)
                return wrapper.db.wrap_database_errors(getattr(wrapper.cursor, name))(
                    *args, **kwargs
                )
            finally:
                timer.seconds += time.perf_counter() - start

        return method


def timed_get(client, db_timer, path):
    """One page fetched in this process: (wall s, CPU s, database s, queries, response)."""
    db_timer.seconds, db_timer.statements = 0.0, 0
    w0, c0 = time.perf_counter(), time.process_time()
    response = client.get(path)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall, cpu, db_timer.seconds, db_timer.statements, response


def profile_kinds(paths, area_kinds, samples):
    """Each kind of page rendered single-threaded in this process with the page cache off
    (every request a miss): median wall time, CPU time of this process (SQLite runs in
    it; PostgreSQL does not) and time in the database driver, per kind."""
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    by_kind = {}
    for path in paths:
        kind = page_kind(*path.partition("?")[::2], area_kinds)
        by_kind.setdefault(kind, []).append(path)
    out = {}
    with override_settings(PAGE_CACHE_SECONDS=0), DatabaseTimer() as db_timer:
        for sample in by_kind.values():  # first use builds the map and area indexes
            client.get(sample[-1])
        for kind, sample in sorted(by_kind.items()):
            timings = [timed_get(client, db_timer, path) for path in sample[:samples]]
            wall, cpu, db, queries, responses = zip(*timings, strict=True)
            sizes = [len(response.content) for response in responses]
            out[kind] = {
                "n": len(wall),
                "wall_ms": round(float(np.median(wall)) * 1000, 1),
                "cpu_ms": round(float(np.median(cpu)) * 1000, 1),
                "db_ms": round(float(np.median(db)) * 1000, 1),
                "db_share": round(sum(db) / sum(wall), 2),
                "queries": int(np.median(queries)),
                "bytes": int(np.median(sizes)),
            }
    return out


# --- measuring ----------------------------------------------------------------------------


def read_new_lines(log_path, offset):
    with open(log_path, "rb") as f:
        f.seek(offset)
        data = f.read()
    end = data.rfind(b"\n") + 1
    return data[:end].decode(errors="replace").splitlines(), offset + end


def drain(log_path, quiet=1.0, limit=60.0):
    """Wait until the server has answered what wrk left queued: the access log stops
    growing for `quiet` seconds."""
    deadline, size, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log_path.stat().st_size
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def wrk_round(url, paths_file, duration, connections, seed, args):
    """One wrk run of bench/load_paths.lua, which reseeds its path picker with `seed` and
    counts every status and page-cache outcome."""
    out = run_wrk(
        url,
        "load_paths.lua",
        paths_file,
        duration,
        connections,
        args,
        seed,
        timeout=args.wrk_timeout,
    )
    found = wrk_lines(out, "BENCH_RESULT", "BENCH_STATUS", "BENCH_CACHE", "BENCH_QUANTILES")
    r = key_values(found["BENCH_RESULT"])
    return {
        **wrk_summary(r),
        "statuses": {int(k): n for k, n in key_values(found["BENCH_STATUS"], int).items()},
        "cache": key_values(found["BENCH_CACHE"], int),
        "socket_errors": {k: int(r[k]) for k in ("connect", "read", "write", "timeout")},
        "quantiles_ms": [int(v) / 1000 for v in found["BENCH_QUANTILES"].split()],
        "wrk_output": "\n".join(
            line for line in out.splitlines() if not line.startswith("BENCH_QUANTILES")
        ),
    }


def measured_run(server, log_path, log_offset, paths_file, duration, connections, seed, args):
    """One wrk run with the CPU used meanwhile by the server, wrk and everything else."""
    pids = [server.proc.pid, *server.worker_pids()]
    load_before = os.getloadavg()[0]
    server0, (total0, idle0) = cpu_ticks(pids), machine_ticks()
    wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk_round(server.url, paths_file, duration, connections, seed, args)
    wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    server1, (total1, idle1) = cpu_ticks(pids), machine_ticks()
    drain(log_path)
    lines, log_offset = read_new_lines(log_path, log_offset)
    tick = os.sysconf("SC_CLK_TCK")
    ncpu = os.cpu_count()
    busy = ((total1 - total0) - (idle1 - idle0)) / tick / ncpu  # CPU-seconds
    wall = (total1 - total0) / tick / ncpu
    server_s = (server1 - server0) / tick
    wrk_s = (wrk1.ru_utime + wrk1.ru_stime) - (wrk0.ru_utime + wrk0.ru_stime)
    result.update(
        access_log=lines,
        load_avg_1m_before=round(load_before, 2),
        cpu={
            "capacity_s": round(wall * ncpu, 1),
            "busy_s": round(busy * ncpu, 1),
            "server_s": round(server_s, 1),
            "wrk_s": round(wrk_s, 1),
            "others_s": round(max(busy * ncpu - server_s - wrk_s, 0), 1),
        },
    )
    return result, log_offset


def parse_access(lines, area_kinds):
    """Access-log lines 'status|microseconds|cache|path|query' -> per kind of page."""
    by_kind = {}
    for line in lines:
        parts = line.split("|", 4)
        if len(parts) != 5 or not parts[1].isdigit():
            continue
        status, micros, cache, path, query = parts
        kind = page_kind(path, query, area_kinds)
        k = by_kind.setdefault(
            kind, {"us": [], "statuses": {}, "hit": 0, "miss": 0, "paths_5xx": []}
        )
        k["us"].append(int(micros))
        k["statuses"][status] = k["statuses"].get(status, 0) + 1
        if cache in ("hit", "miss"):
            k[cache] += 1
        if status.startswith("5") and len(k["paths_5xx"]) < 20:
            k["paths_5xx"].append(f"{path}?{query}" if query else path)
    return by_kind


def summarise_kinds(by_kind):
    total_s = sum(sum(k["us"]) for k in by_kind.values()) / 1e6
    n_all = sum(len(k["us"]) for k in by_kind.values())
    rows = {}
    for kind, k in sorted(by_kind.items()):
        ms = np.array(k["us"]) / 1000
        looked = k["hit"] + k["miss"]
        rows[kind] = {
            "requests": len(ms),
            "share": round(len(ms) / n_all, 3),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "mean_ms": round(float(ms.mean()), 1),
            "worker_time_share": round(ms.sum() / 1000 / total_s, 3) if total_s else None,
            "cache_hit_ratio": round(k["hit"] / looked, 3) if looked else None,
            "statuses": dict(sorted(k["statuses"].items())),
            **({"paths_5xx": k["paths_5xx"]} if k["paths_5xx"] else {}),
        }
    return rows


def merged_percentiles(rounds, qs=(50, 95, 99)):
    """Percentiles of all rounds together, from each round's 1,000-quantile curve
    weighted by its number of requests."""
    values = np.concatenate([r["quantiles_ms"] for r in rounds])
    weights = np.concatenate(
        [np.full(len(r["quantiles_ms"]), r["requests"] / len(r["quantiles_ms"])) for r in rounds]
    )
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return {
        f"p{q}": round(
            float(values[order][min(np.searchsorted(cumulative, q / 100), len(values) - 1)]), 1
        )
        for q in qs
    }


def combine(rounds, area_kinds):
    statuses, cache, errors = {}, {"hit": 0, "miss": 0}, {}
    for r in rounds:
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in r["cache"].items():
            cache[k] += v
        for k, v in r["socket_errors"].items():
            errors[k] = errors.get(k, 0) + v
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    cpu = {k: round(sum(r["cpu"][k] for r in rounds), 1) for k in rounds[0]["cpu"]}
    looked = cache["hit"] + cache["miss"]
    by_kind = parse_access([line for r in rounds for line in r["access_log"]], area_kinds)
    served = sum(len(k["us"]) for k in by_kind.values())
    server_us = sum(sum(k["us"]) for k in by_kind.values())
    return {
        "rps": round(requests / seconds, 1),
        "rps_rounds": [round(r["requests"] / r["seconds"], 1) for r in rounds],
        "requests": requests,
        "seconds": round(seconds, 1),
        **merged_percentiles(rounds),
        "max": round(max(r["max"] for r in rounds), 1),
        "p95_rounds": [round(r["p95"], 1) for r in rounds],
        "statuses": dict(sorted(statuses.items())),
        "status_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "status_4xx": sum(v for k, v in statuses.items() if 400 <= k < 500),
        "status_3xx": sum(v for k, v in statuses.items() if 300 <= k < 400),
        "socket_errors": errors,
        "cache": {
            **cache,
            "hit_ratio": round(cache["hit"] / looked, 3) if looked else None,
            "share_of_requests_looked_up": round(looked / requests, 3) if requests else None,
        },
        "cpu": cpu,
        "server_cpu_ms_per_request": round(cpu["server_s"] * 1000 / requests, 2)
        if requests
        else None,
        "server_mean_service_ms": round(server_us / served / 1000, 2) if served else None,
        "server_answered": served,
        "load_avg_1m_before_rounds": [r["load_avg_1m_before"] for r in rounds],
        "by_kind": summarise_kinds(by_kind),
        "wrk_output": [r["wrk_output"] for r in rounds],
    }


# --- main -------------------------------------------------------------------------------


def parse_args():
    cpus = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assets", type=int, default=150_000)
    p.add_argument("--wards", type=int, default=7_000)
    p.add_argument("--councils", type=int, default=300)
    p.add_argument("--postcodes", type=int, default=30_000)
    p.add_argument("--pool", type=int, default=20_000, help="paths in the mix's file")
    wrk_options(p, duration=60, warmup=20)
    p.add_argument("--connections", default="16,64", help="concurrent clients, comma-separated")
    p.add_argument("--wrk-timeout", type=int, default=10, help="seconds")
    server_options(p, workers=2 * cpus + 1, preload=True)
    p.add_argument("--cache", choices=("file", "redis", "off"), default="file")
    p.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/5",
        help="for --cache redis; this db is flushed at the start",
    )
    p.add_argument("--seed", type=int, default=1)
    results_database_option(p)
    p.add_argument(
        "--profile",
        type=int,
        default=15,
        help="requests per kind of page timed in process first (0: none)",
    )
    p.add_argument("--keep-logs", action="store_true", help="keep the access log")
    args = p.parse_args()
    results_database(p, args, "load", f"load-{args.assets}.sqlite3")
    args.connections = [int(c) for c in args.connections.split(",")]
    return args


def main():
    args = parse_args()
    finally_on_sigterm()
    ensure_wrk()
    env = bench_env(args.database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    started, busy_before, load_before = time.time(), busy_cpu_percent(), os.getloadavg()
    centres, db_state, build = prepare_database(args, env)
    print(
        f"register: {args.assets} assets, {args.wards} wards, {args.councils} councils, "
        f"database {db_state} ({args.database_url}): {build['counts']}"
        + (f", built in {build['build_s']} s" if db_state == "built" else ""),
        flush=True,
    )

    rng = np.random.default_rng(args.seed + 2)
    mix, area_kinds = make_mix(args, centres, rng)
    files = {"bare": RESULTS / "load-paths-bare.txt", "mix": RESULTS / "load-paths-mix.txt"}
    files["bare"].write_text("/bench/bare/\n")
    files["mix"].write_text("\n".join(mix) + "\n")
    distinct = distinct_by_kind(mix, area_kinds)
    print(f"mix: {len(mix)} paths, {len(set(mix))} distinct: {distinct}", flush=True)
    profile = profile_kinds(mix, area_kinds, args.profile) if args.profile else {}

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    access_log = RESULTS / f"load-access-{stamp}.log"
    server_env = {**env, "BENCH_CACHE_PROBE": "1"}
    if args.cache == "redis":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        server_env["BENCH_REDIS_URL"] = args.redis_url
    elif args.cache == "off":
        server_env["PAGE_CACHE_SECONDS"] = "0"

    scenarios = [(name, c) for c in args.connections for name in ("bare", "mix")]
    rounds = {s: [] for s in scenarios}
    seconds = max(1, round(args.duration / args.rounds))
    with Gunicorn(
        server_env,
        args,
        RESULTS / f"gunicorn-{stamp}.log",
        access_log=access_log,
        access_format="%(s)s|%(D)s|%({x-bench-cache}o)s|%(U)s|%(q)s",  # as parse_access reads
    ) as server:
        offset = 0
        print(f"warm-up: mix for {args.warmup} s, bare for 3 s", flush=True)
        warm, offset = measured_run(
            server, access_log, offset, files["mix"], args.warmup, min(args.connections), 999, args
        )
        _, offset = measured_run(
            server, access_log, offset, files["bare"], 3, min(args.connections), 998, args
        )
        warmup = {k: warm[k] for k in ("requests", "statuses", "cache")}
        seed = 0
        for i in range(args.rounds):
            for name, conns in scenarios:
                seed += 1
                print(
                    f"round {i + 1}/{args.rounds}: {name} at {conns} connections for "
                    f"{seconds} s (load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
                result, offset = measured_run(
                    server, access_log, offset, files[name], seconds, conns, seed, args
                )
                rounds[(name, conns)].append(result)
        rss = server.workers_peak_rss_mb()
        private = server.workers_private_mb()

    rows = {
        f"{name} c{conns}": {
            "scenario": name,
            "connections": conns,
            **combine(rounds[(name, conns)], area_kinds),
        }
        for name, conns in scenarios
    }
    for conns in args.connections:
        bare, mixed = rows[f"bare c{conns}"], rows[f"mix c{conns}"]
        mixed["ratio_to_bare"] = round(mixed["rps"] / bare["rps"], 3) if bare["rps"] else None
    any_5xx = any(r["status_5xx"] for r in rows.values()) or any(
        int(k) >= 500 for k in warmup["statuses"]
    )
    if not (any_5xx or args.keep_logs):
        access_log.unlink(missing_ok=True)
    facts = {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "busy_cpu_percent_before": busy_before,
        "load_avg_before": [round(v, 2) for v in load_before],
        "load_avg_after": [round(v, 2) for v in os.getloadavg()],
        "database": db_state,
        "build": build,
        "centres": len(centres),
        "mix_paths": len(mix),
        "mix_distinct_paths": len(set(mix)),
        "mix_distinct_by_kind": distinct,
        "warmup": warmup,
        "in_process": profile,
        "worker_peak_rss_mb": rss,
        "worker_private_mb_at_end": private,
        "preload": args.preload,
        "elapsed_s": round(time.time() - started, 1),
        "server": f"gunicorn {args.workers} x {args.worker_class}"
        + (" --preload" if args.preload else "")
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else ""),
        "access_log": str(access_log.relative_to(ROOT)) if access_log.exists() else None,
        "gunicorn_log": (
            str((RESULTS / f"gunicorn-{stamp}.log").relative_to(ROOT))
            if (RESULTS / f"gunicorn-{stamp}.log").exists()
            else None
        ),
    }
    report(args, rows, facts, RESULTS / f"load-{stamp}.json")


def report(args, rows, facts, out):
    print(
        f"\n{facts['server']}, cache {args.cache}, database {args.database_url.split(':')[0]}"
        f"; {facts['cpu_count']} CPUs shared with wrk ({args.threads_wrk} threads) and "
        f"others. Load average before {facts['load_avg_before']}, after "
        f"{facts['load_avg_after']}; CPU busy before the run {facts['busy_cpu_percent_before']}"
        f"%.\n{args.duration} s per scenario in {args.rounds} interleaved rounds; "
        f"latency percentiles over all rounds (ms)."
        + (
            " Server CPU counts gunicorn only: PostgreSQL's own processes are in 'others'."
            if not args.database_url.startswith("sqlite")
            else ""
        )
        + "\n"
    )
    head = (
        f"{'scenario':<10}{'req/s':>8}{'x bare':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'max':>8}{'2xx':>8}{'3xx':>6}{'4xx':>5}{'5xx':>5}{'sock':>5}{'hit%':>6}"
        f"{'cpu ms/rq':>10}{'svc ms':>8}  CPU-s server/wrk/others of capacity"
    )
    print(head + "\n" + "-" * len(head))
    for name, r in rows.items():
        ratio = f"{r['ratio_to_bare']:.3f}" if r.get("ratio_to_bare") else "-"
        ok = sum(v for k, v in r["statuses"].items() if 200 <= k < 300)
        hit = r["cache"]["hit_ratio"]
        cpu = r["cpu"]
        print(
            f"{name:<10}{r['rps']:>8.1f}{ratio:>7}{r['p50']:>8.1f}{r['p95']:>8.1f}"
            f"{r['p99']:>8.1f}{r['max']:>8.0f}{ok:>8}{r['status_3xx']:>6}{r['status_4xx']:>5}"
            f"{r['status_5xx']:>5}{sum(r['socket_errors'].values()):>5}"
            f"{'-' if hit is None else f'{hit:.0%}':>6}{r['server_cpu_ms_per_request']:>10.1f}"
            f"{r['server_mean_service_ms'] or 0:>8.1f}  {cpu['server_s']}/{cpu['wrk_s']}/"
            f"{cpu['others_s']} of {cpu['capacity_s']}"
        )
    print(
        "req/s per round (1-min load average before it): "
        + "; ".join(
            f"{name} "
            + ", ".join(
                f"{v:.0f} ({la:.1f})"
                for v, la in zip(r["rps_rounds"], r["load_avg_1m_before_rounds"], strict=True)
            )
            for name, r in rows.items()
        )
    )
    for name, r in rows.items():
        if r["scenario"] != "mix":
            continue
        print(
            f"\n{name}: server-side service time per kind of page (access log; excludes "
            f"queueing), share of the workers' time, page-cache hits"
        )
        head = (
            f"  {'page':<22}{'reqs':>7}{'share':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'mean':>8}{'time%':>7}{'hit%':>6}  statuses"
        )
        print(head + "\n  " + "-" * (len(head) - 2))
        for kind, k in sorted(r["by_kind"].items(), key=lambda kv: -kv[1]["worker_time_share"]):
            hit = k["cache_hit_ratio"]
            print(
                f"  {kind:<22}{k['requests']:>7}{k['share']:>7.1%}{k['p50_ms']:>8.1f}"
                f"{k['p95_ms']:>8.1f}{k['p99_ms']:>8.1f}{k['mean_ms']:>8.1f}"
                f"{k['worker_time_share']:>7.1%}{'-' if hit is None else f'{hit:.0%}':>6}"
                f"  {k['statuses']}"
            )
            for path in k.get("paths_5xx", [])[:5]:
                print(f"      5xx: {path}")
    if facts["in_process"]:
        print(
            "\nin process, one request at a time, page cache off (medians; CPU includes "
            "SQLite's work, not PostgreSQL's; DB = in the driver: execute and fetch)"
        )
        head = (
            f"  {'page':<22}{'wall ms':>9}{'CPU ms':>8}{'DB ms':>8}{'DB share':>9}"
            f"{'queries':>8}{'bytes':>9}"
        )
        print(head + "\n  " + "-" * (len(head) - 2))
        for kind, k in sorted(facts["in_process"].items(), key=lambda kv: -kv[1]["wall_ms"]):
            print(
                f"  {kind:<22}{k['wall_ms']:>9.1f}{k['cpu_ms']:>8.1f}{k['db_ms']:>8.1f}"
                f"{k['db_share']:>9.0%}{k['queries']:>8}{k['bytes']:>9}"
            )
    print(
        f"\nmix: {facts['mix_paths']} paths, {facts['mix_distinct_paths']} distinct "
        f"{facts['mix_distinct_by_kind']}\nworker peak RSS (VmHWM): "
        f"{facts['worker_peak_rss_mb']} MB; private to each worker at the end (USS): "
        f"{facts['worker_private_mb_at_end']} MB"
        + (" (--preload: the rest is shared)" if facts["preload"] else "")
    )
    total_5xx = sum(r["status_5xx"] for r in rows.values())
    print(
        f"5xx responses: {total_5xx}"
        + (" -- see the access log and gunicorn log" if total_5xx else "")
    )
    for key in ("access_log", "gunicorn_log"):
        if facts[key]:
            print(f"{key.replace('_', ' ')}: {facts[key]}")
    out.write_text(
        json.dumps({"args": vars(args), **facts, "scenarios": rows}, indent=2, default=str)
    )
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
