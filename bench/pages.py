"""What one uncached public page costs, per kind of page, at national scale: the in-process
step of bench/load.py (the same register and the same mix of paths) without the server.

Run from the repository root with the project's virtualenv active:

    python bench/pages.py                           # home, asset and area pages, 40 each
    python bench/pages.py --kinds "area council" --samples 100
    python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages

It reuses bench/load.py's database (bench/results/load-150000.sqlite3, built there on
first use, which takes minutes) and renders each page one at a time with the page cache
off: per kind, p50 and p95 of wall time, of this process's CPU time (SQLite runs in it;
PostgreSQL does not) and of time in the database driver, and the number of queries.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench import load  # noqa: E402
from bench.common import bench_env, load_average  # noqa: E402

KINDS = "home,asset,area ward,area ward +postcode,area council,area council +postcode"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--samples", type=int, default=40, help="pages timed per kind")
    p.add_argument("--kinds", default=KINDS, help=f"comma-separated (default: {KINDS})")
    p.add_argument("--database-url", help="default: bench/load.py's SQLite file")
    p.add_argument("--rebuild", action="store_true", help="drop and regenerate the database")
    args = p.parse_args()
    # The register's shape is bench/load.py's, so both scripts share one database.
    sys.argv = [sys.argv[0]] + (["--database-url", args.database_url] * bool(args.database_url))
    sys.argv += ["--rebuild"] * args.rebuild
    return args, load.parse_args()


def percentiles(values):
    return {f"p{q}": round(float(np.percentile(values, q)) * 1000, 1) for q in (50, 95)}


def time_kind(client, db_timer, paths):
    wall, cpu, db, queries, responses = zip(
        *(load.timed_get(client, db_timer, path) for path in paths), strict=True
    )
    for path, response in zip(paths, responses, strict=True):
        assert response.status_code in (200, 302), (path, response.status_code)  # 302: postcode
    return {
        "n": len(paths),
        "wall_ms": percentiles(wall),
        "cpu_ms": percentiles(cpu),
        "db_ms": percentiles(db),
        "queries": int(np.median(queries)),
    }


def main():
    args, load_args = parse_args()
    env = bench_env(load_args.database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    centres, _, _ = load.prepare_database(load_args, env)
    mix, area_kinds = load.make_mix(load_args, centres, np.random.default_rng(load_args.seed + 2))
    wanted = [k.strip() for k in args.kinds.split(",")]
    by_kind = {kind: [] for kind in wanted}
    for path in mix:
        kind = load.page_kind(*path.partition("?")[::2], area_kinds)
        if kind in by_kind and len(by_kind[kind]) < args.samples:
            by_kind[kind].append(path)
    client = Client(HTTP_HOST="127.0.0.1")
    out = {"load_average": load_average(), "database": load_args.database_url.split(":")[0]}
    with override_settings(PAGE_CACHE_SECONDS=0), load.DatabaseTimer() as db_timer:
        for paths in by_kind.values():  # first use builds the map and area indexes
            if paths:
                client.get(paths[-1])
        for kind, paths in by_kind.items():
            if paths:
                out[kind] = time_kind(client, db_timer, paths)
                print(f"{kind:24} {json.dumps(out[kind])}", flush=True)
    out["load_average_after"] = load_average()
    print(f"load average {out['load_average']} -> {out['load_average_after']}")


if __name__ == "__main__":
    main()
