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
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
# Not bench/ itself (its settings.py would shadow the site's `settings` package).
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.register import make_register, prepare_database  # noqa: E402

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


class Gunicorn:
    def __init__(self, env, args, log_path):
        self.env, self.args, self.log_path, self.proc = env, args, log_path, None

    def __enter__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "wsgi:application",
                "--pythonpath",
                f"{ROOT / 'site'},{ROOT}",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.args.workers),
                "--worker-class",
                self.args.worker_class,
                "--threads",
                str(self.args.threads),
                "--timeout",
                "120",
                "--log-level",
                "warning",
                # Django and its libraries imported once, before forking: their pages
                # stay shared between workers (README: the web server).
                *(["--preload"] if getattr(self.args, "preload", False) else []),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/bench/bare/", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def workers_peak_rss_mb(self):
        peaks = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                if ppid == self.proc.pid:
                    status = (stat.parent / "status").read_text()
                    peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024)
            except (OSError, ValueError, TypeError, IndexError):
                continue
        return [round(p, 1) for p in sorted(peaks)]

    def workers_private_mb(self):
        """Each worker's memory of its own now (USS: private clean + dirty pages), which
        VmHWM overstates when pages are shared with the master after --preload."""
        sizes = []
        for pid in self._worker_pids():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            private = sum(int(kb) for kb in re.findall(r"^Private_\w+:\s+(\d+) kB", rollup, re.M))
            sizes.append(round(private / 1024, 1))
        return sorted(sizes)

    def _worker_pids(self):
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue
        return pids

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: graceful shutdown of master and workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if not self.log_path.stat().st_size:
            self.log_path.unlink()


def run_wrk(url, paths_file, duration, args):
    cmd = [
        "wrk",
        f"-t{args.threads_wrk}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(BENCH / "paths.lua"),
        url + "/",
        "--",
        str(paths_file),
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    line = re.search(r"^BENCH_RESULT (.*)$", out, re.M)
    if not line:
        raise RuntimeError(f"no BENCH_RESULT in wrk output:\n{out}")
    r = {k: float(v) for k, v in (kv.split("=") for kv in line[1].split())}
    return {
        "requests": int(r["requests"]),
        "seconds": r["duration_us"] / 1e6,
        **{k: r[k] / 1000 for k in ("p50", "p95", "p99", "max")},
        "errors": int(sum(r[k] for k in ("connect", "read", "write", "status", "timeout"))),
        "wrk_output": out,
    }


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


def busy_cpu_percent(seconds=2.0):
    """Share of CPU time the machine spends busy right now (other work skews results)."""

    def sample():
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    (total0, idle0), _, (total1, idle1) = sample(), time.sleep(seconds), sample()
    return round(100 * (1 - (idle1 - idle0) / max(total1 - total0, 1)), 1)


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


def ensure_wrk():
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, timeout=600)


# --- main -------------------------------------------------------------------------------


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assets", type=int, default=150_000)
    p.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="split each scenario's duration into this many interleaved rounds",
    )
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads-wrk", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--worker-class", default="sync", help="sync or gthread")
    p.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up load")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--samples", type=int, default=200, help="requests for payload sizes")
    p.add_argument("--database-url", help="default: sqlite file in bench/results/")
    p.add_argument("--rebuild", action="store_true", help="drop and regenerate the database")
    p.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = p.parse_args()
    args.database_url = args.database_url or (
        f"sqlite:///{RESULTS / f'map_api-{args.assets}.sqlite3'}"
    )
    return args


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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` blocks run
    RESULTS.mkdir(exist_ok=True)
    ensure_wrk()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
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
            run_wrk(server.url, files[name], args.warmup, args)
        seconds = max(1, round(args.duration / args.rounds))
        rounds = {name: [] for name in scenarios}
        for i in range(args.rounds):  # interleaved, so drifting background load hits all alike
            for name in scenarios:
                print(f"round {i + 1}/{args.rounds}: {name} for {seconds} s", flush=True)
                rounds[name].append(run_wrk(server.url, files[name], seconds, args))
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
