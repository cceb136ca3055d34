"""Benchmark of the public map API (GET /api/map/) under gunicorn, driven by wrk.

Run from the repository root with the project's virtualenv active:

    python bench/map_api.py                      # 150,000 assets, 15 s per scenario, 16 conns
    python bench/map_api.py --assets 5000 --duration 3       # a quick smoke run
    python bench/map_api.py --database-url postgres://postgres@127.0.0.1:5432/bench

What it does:

1. Builds a synthetic national register (default 150,000 live assets, seeded): ~330
   towns and cities inside a rough outline of England, assets spread around them
   with a gaussian whose width grows with population, plus 15% rural points;
   mixed categories and statuses. It goes into bench/results/map_api-<N>.sqlite3
   (or the --database-url database, created if missing) via `manage.py migrate` and
   Asset.objects.bulk_create. A database that already holds exactly this register
   is reused; --rebuild drops and recreates it.
2. Times, in this process, the index build (assets_register.geo.map_index.MarkerIndex
   .from_database()) and the map view itself (no HTTP) over a sample of the
   benchmark's requests.
3. Starts gunicorn on 127.0.0.1 (2 sync workers by default, settings bench.settings:
   DEBUG off, locmem cache, no tiles), warms it up, and runs wrk (`--latency`, with
   bench/paths.lua picking a random pre-generated path per request) on each scenario:
     bare             /bench/bare/, a minimal Django JsonResponse: the ceiling
     city             zoom 13-14 windows (~0.08 x 0.05 deg) on towns picked by population
     national         zoom 6-7 windows covering most of England
     national+filter  as national, with &category=pub,library&status=open
   Each scenario's --duration is split into --rounds (3) rounds, interleaved across
   scenarios, so background load drifting over the run skews them all alike.
4. Fetches 200 responses per scenario with urllib for payload sizes (raw and gzip),
   reads the workers' peak RSS (VmHWM), times single whole-country requests at
   zooms 12/14/16 (any client can send them), stops the server, prints a table with
   pass/fail against the goals (>= 50% of bare req/s, p95 <= 30 ms, payload <= 200 kB)
   and writes everything to bench/results/map_api-<timestamp>.json.

wrk and gunicorn share the machine's cores, so absolute figures are pessimistic;
the ratio to the bare view is the figure to compare.
"""

import argparse
import gzip
import json
import os
import platform
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself (its settings.py would shadow the site's `settings` package).
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import (  # noqa: E402
    RESULTS,
    bench_env,
    busy_cpu_percent,
    finally_on_sigterm,
    results_database,
    results_database_option,
)
from bench.register import make_register, prepare_database  # noqa: E402
from bench.server import (  # noqa: E402
    Gunicorn,
    ensure_wrk,
    key_values,
    run_wrk,
    server_options,
    wrk_lines,
    wrk_options,
    wrk_summary,
)

GOAL_RATIO, GOAL_P95_MS, GOAL_PAYLOAD_BYTES = 0.5, 30.0, 200_000

SCENARIOS = ("bare", "city", "national", "national+filter")


# --- the requests -----------------------------------------------------------------------


def make_paths(scenario, centres, rng, count=2000):
    if scenario == "bare":
        return ["/bench/bare/"] * count
    paths = []
    for _ in range(count):
        if scenario == "city":
            c = centres[rng.choice(len(centres), p=centres[:, 2] / centres[:, 2].sum())]
            lon = c[0] + rng.normal() * c[3] * 0.5
            lat = c[1] + rng.normal() * c[3] * 0.3
            w, h, zoom = rng.uniform(0.06, 0.10), rng.uniform(0.04, 0.06), rng.integers(13, 15)
        else:
            lon, lat = -1.8 + rng.uniform(-0.5, 0.5), 52.9 + rng.uniform(-0.4, 0.4)
            w, h, zoom = rng.uniform(6.0, 8.0), rng.uniform(4.5, 6.0), rng.integers(6, 8)
        path = (
            f"/api/map/?bbox={lon - w / 2:.5f},{lat - h / 2:.5f},{lon + w / 2:.5f},"
            f"{lat + h / 2:.5f}&zoom={zoom}"
        )
        if scenario == "national+filter":
            path += "&category=pub,library&status=open"
        paths.append(path)
    return paths


def percentile_ms(seconds, q):
    return round(float(np.percentile(seconds, q)) * 1000, 2)


def time_in_process(paths):
    """Single-threaded time of the map view alone (no HTTP, no middleware), 2nd pass: the
    API operation, with its query validation."""
    from django.test import RequestFactory
    from django.urls import resolve

    map_markers = resolve("/api/map/").func

    factory, times = RequestFactory(HTTP_HOST="127.0.0.1"), []
    for path in paths:  # the first pass builds the index (timed separately) and any caches
        map_markers(factory.get(path))
    for path in paths:
        request = factory.get(path)
        start = time.perf_counter()
        map_markers(request)
        times.append(time.perf_counter() - start)
    return {"view_p50_ms": percentile_ms(times, 50), "view_p95_ms": percentile_ms(times, 95)}


def payload_sizes(base_url, paths):
    raw, packed, features, clustered = [], [], [], 0
    for path in paths:
        with urllib.request.urlopen(base_url + path, timeout=30) as response:
            body = response.read()
        raw.append(len(body))
        packed.append(len(gzip.compress(body, 6)))
        if path.startswith("/api/map/"):
            data = json.loads(body)
            features.append(len(data["features"]))
            clustered += data["clustered"]
    return {
        "bytes_mean": round(float(np.mean(raw))),
        "bytes_max": max(raw),
        "gzip_mean": round(float(np.mean(packed))),
        "gzip_max": max(packed),
        "features_mean": round(float(np.mean(features)), 1) if features else None,
        "features_max": max(features) if features else None,
        "clustered_share": round(clustered / len(paths), 2) if features else None,
    }


# --- the server and the load generator --------------------------------------------------


def wrk_round(url, paths_file, duration, args):
    out = run_wrk(url, "paths.lua", paths_file, duration, args.connections, args)
    r = key_values(wrk_lines(out, "BENCH_RESULT")["BENCH_RESULT"])
    errors = sum(r[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {**wrk_summary(r), "errors": int(errors), "wrk_output": out}


def combine(rounds):
    """Rounds of one scenario: overall req/s, the median round's percentiles, the worst max."""
    return {
        "rps": round(sum(r["requests"] for r in rounds) / sum(r["seconds"] for r in rounds), 1),
        "rps_rounds": [round(r["requests"] / r["seconds"]) for r in rounds],
        "requests": sum(r["requests"] for r in rounds),
        **{k: round(float(np.median([r[k] for r in rounds])), 2) for k in ("p50", "p95", "p99")},
        "max": round(max(r["max"] for r in rounds), 2),
        "errors": sum(r["errors"] for r in rounds),
        "wrk_output": [r["wrk_output"] for r in rounds],
    }


def extreme_requests(base_url):
    """One request each that a client can send at will: a whole-country box at deep zooms."""
    results = {}
    for zoom in (12, 14, 16):
        path = f"/api/map/?bbox=-6,49.9,1.8,55.9&zoom={zoom}"
        start = time.perf_counter()
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            size = len(response.read())
        results[path] = {"ms": round((time.perf_counter() - start) * 1000), "bytes": size}
    return results


# --- main -------------------------------------------------------------------------------


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assets", type=int, default=150_000)
    wrk_options(p, duration=15, warmup=3)
    p.add_argument("--connections", type=int, default=16)
    server_options(p, workers=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--samples", type=int, default=200, help="requests for payload sizes")
    results_database_option(p)
    p.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = p.parse_args()
    return results_database(p, args, "map_api", f"map_api-{args.assets}.sqlite3")


def verdict(row, bare_rps):
    checks = {
        "throughput": row["rps"] >= GOAL_RATIO * bare_rps,
        "p95": row["p95"] <= GOAL_P95_MS,
        "payload": row["bytes_max"] <= GOAL_PAYLOAD_BYTES,
    }
    return (
        "PASS"
        if all(checks.values())
        else "FAIL " + ",".join(k for k, ok in checks.items() if not ok)
    )


def print_table(rows, bare_rps):
    head = (
        f"{'scenario':<16}{'req/s':>8}{'x bare':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'err':>5}{'bytes mean/max':>17}{'gzip mean/max':>16}{'feats':>7}"
        f"{'view p95':>9}  verdict"
    )
    print(head + "\n" + "-" * len(head))
    for name, r in rows.items():
        ratio = r["rps"] / bare_rps if bare_rps else float("nan")
        view = f"{r['view_p95_ms']:.1f}" if "view_p95_ms" in r else "-"
        feats = f"{r['features_mean']:.0f}" if r.get("features_mean") is not None else "-"
        print(
            f"{name:<16}{r['rps']:>8.0f}{ratio:>8.2f}{r['p50']:>8.1f}{r['p95']:>8.1f}"
            f"{r['p99']:>8.1f}{r['errors']:>5}"
            f"{'{}/{}'.format(r['bytes_mean'], r['bytes_max']):>17}"
            f"{'{}/{}'.format(r['gzip_mean'], r['gzip_max']):>16}{feats:>7}{view:>9}  "
            f"{r.get('verdict', '')}"
        )


def main():
    args = parse_args()
    finally_on_sigterm()
    ensure_wrk()
    env = bench_env(args.database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    from assets_register.geo.map_index import MarkerIndex

    started, busy_before = time.time(), busy_cpu_percent()
    centres, points = make_register(args.assets, args.seed)
    db_state = prepare_database(args, env, points)
    print(
        f"register: {args.assets} assets, {len(centres)} centres, database {db_state} "
        f"({args.database_url})"
    )
    t0 = time.perf_counter()
    MarkerIndex.from_database()
    build_s = round(time.perf_counter() - t0, 2)
    print(f"index build (in process): {build_s} s")

    rng = np.random.default_rng(args.seed + 2)
    scenarios = [s for s in SCENARIOS if s in args.scenarios.split(",")]
    files, rows = {}, {}
    for name in scenarios:
        paths = make_paths(name, centres, rng)
        files[name] = RESULTS / f"paths-{name.replace('+', '-')}.txt"
        files[name].write_text("\n".join(paths) + "\n")
        rows[name] = time_in_process(paths[: args.samples]) if name != "bare" else {}

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    with Gunicorn(env, args, RESULTS / f"gunicorn-{stamp}.log") as server:
        for name in scenarios:  # warm-up: every worker builds its index on first use
            wrk_round(server.url, files[name], args.warmup, args)
        seconds = max(1, round(args.duration / args.rounds))
        rounds = {name: [] for name in scenarios}
        for i in range(args.rounds):  # interleaved, so drifting background load hits all alike
            for name in scenarios:
                print(f"round {i + 1}/{args.rounds}: {name} for {seconds} s", flush=True)
                rounds[name].append(wrk_round(server.url, files[name], seconds, args))
        for name in scenarios:
            rows[name].update(combine(rounds[name]))
            sample = files[name].read_text().split()[: args.samples]
            rows[name].update(payload_sizes(server.url, sample))
        rss = server.workers_peak_rss_mb()
        extreme = extreme_requests(server.url) if "national" in scenarios else {}

    report(
        args,
        rows,
        {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "busy_cpu_percent_before": busy_before,
            "database": db_state,
            "centres": len(centres),
            "index_build_s": build_s,
            "worker_peak_rss_mb": rss,
            "extreme_requests": extreme,
            "elapsed_s": round(time.time() - started, 1),
        },
        RESULTS / f"map_api-{stamp}.json",
    )


def report(args, rows, facts, out):
    bare_rps = rows.get("bare", {}).get("rps", 0)
    for name, row in rows.items():
        if name != "bare" and bare_rps:
            row["ratio_to_bare"] = round(row["rps"] / bare_rps, 3)
            row["verdict"] = verdict(row, bare_rps)
    print(
        f"\nCPU busy before the run: {facts['busy_cpu_percent_before']}% "
        f"(other work skews figures)\n"
        f"{facts['cpu_count']} CPU cores shared by wrk ({args.threads_wrk} threads, "
        f"{args.connections} connections) and gunicorn ({args.workers} x {args.worker_class}"
        f"{f', {args.threads} threads' if args.worker_class == 'gthread' else ''}); "
        f"{args.duration} s per scenario in {args.rounds} interleaved rounds (req/s over all "
        f"rounds; latency percentiles of the median round).\n"
    )
    print_table(rows, bare_rps)
    print(
        f"\ngoals: >= {GOAL_RATIO:.0%} of bare req/s, p95 <= {GOAL_P95_MS:.0f} ms, "
        f"max raw payload <= {GOAL_PAYLOAD_BYTES:,} bytes. 'view p95' is the view alone, "
        f"in process, single-threaded.\nworker peak RSS (VmHWM): "
        f"{facts['worker_peak_rss_mb']} MB; index build {facts['index_build_s']} s"
    )
    for path, r in facts["extreme_requests"].items():
        ok = "PASS" if r["bytes"] <= GOAL_PAYLOAD_BYTES else "FAIL payload"
        print(f"single request {path}: {r['ms']} ms, {r['bytes']:,} bytes  {ok}")
    out.write_text(json.dumps({"args": vars(args), **facts, "scenarios": rows}, indent=2))
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
