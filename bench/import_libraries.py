"""The real library files through `manage.py import_assets --format libraries` (issue 14).

Run from the repository root with the project's virtualenv active:

    python bench/import_libraries.py                  # SQLite, a temporary file
    python bench/import_libraries.py --database-url postgres://postgres@127.0.0.1:5432/bench_libraries

The database is built from scratch and thrown away; a PostgreSQL one is DROPPED AND
RECREATED, so its name must start with "bench". It needs ../shared/data (see its README).

1. Geography, each command in a process of its own: `migrate`, every English council
   (boundaries/lad_2024_05_england_buc.geojson) and, from Code-Point Open, the postcodes
   the two library files use (a few thousand of the 1.5 million, cut into a temporary
   file), so each library is located and given its council as in a national load.
2. In this process, timed: the 2023 edition (public_libraries_england_2023.csv), the same
   file again (nothing may change), then Libraries Hacked's England file
   (librarieshacked_libraries_england_2016.csv, given --edition 2020: its years run to
   2020). For each: wall time, rows per second, the process's peak RSS during it
   (bench.measure.PeakRSS), its CPU time, the command's summary, and its rejected rows
   and notices.

An importer that does not know --edition (the code before issue 14) is run without it;
one that refuses a file is reported as refusing it. Results go to
bench/results/import_libraries-<sqlite|postgresql>.json.
"""

import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
SHARED = ROOT.parent / "shared" / "data"
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import (  # noqa: E402
    bench_env,
    database_options,
    load_average,
    reset_database,
    run_cleaning_up,
    scratch_database,
)
from bench.measure import PeakRSS  # noqa: E402

FILES = [
    ("2023 edition", SHARED / "libraries" / "public_libraries_england_2023.csv", None),
    ("2023 edition again", SHARED / "libraries" / "public_libraries_england_2023.csv", None),
    (
        "Libraries Hacked England (2016 basis)",
        SHARED / "libraries" / "librarieshacked_libraries_england_2016.csv",
        "2020",
    ),
]
SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) rejected")


def records(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def postcodes_used(env):
    """The Code-Point rows for every postcode the library files give, in a temporary file."""
    wanted = set()
    for _label, path, _edition in FILES:
        for row in records(path):
            value = row.get("postcode") or row.get("Postcode") or ""
            wanted.add(re.sub(r"\s+", "", value.upper().rstrip(".")))
    out = Path(env["BENCH_TMP"]) / "postcodes.csv"
    with gzip.open(SHARED / "postcodes" / "codepoint_open_2025_10_england.csv.gz", "rt") as f:
        header = f.readline()
        lines = [line for line in f if line.split(",", 1)[0].replace(" ", "") in wanted]
    out.write_text(header + "".join(lines))
    return out, len(lines)


def manage(env, *args):
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=1800,
    )


def run_import(path, edition):
    from django.core.management import CommandError, call_command

    out, err = io.StringIO(), io.StringIO()
    options = {"format": "libraries", "stdout": out, "stderr": err, "verbosity": 1}
    start, cpu, refused = time.perf_counter(), time.process_time(), None
    with PeakRSS() as rss:
        try:
            try:
                call_command("import_assets", str(path), edition=edition, **options)
            except TypeError:  # an importer from before --edition
                call_command("import_assets", str(path), **options)
        except CommandError as error:
            refused = str(error)[:300]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if refused:
        return {"refused": refused, "seconds": round(seconds, 2), **rss.as_dict()}
    rows = len(records(path))
    found = SUMMARY.search(out.getvalue())
    created, updated, unchanged, rejected = map(int, found.groups())
    problems = [line.strip() for line in err.getvalue().splitlines() if "rejected " in line]
    notices = [line for line in err.getvalue().splitlines() if line and "rejected " not in line]
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        # This process's CPU time: steadier than wall time when other work shares the machine.
        "cpu_s": round(cpu, 2),
        "rows_per_cpu_s": round(rows / cpu),
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "rejected": rejected,
        "rejected_examples": problems[:8],
        "notices": len(notices),
        **rss.as_dict(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_options(parser, env_var="BENCH_DATABASE_URL")
    args = scratch_database(parser, parser.parse_args(), "libraries")
    if not SHARED.exists():
        sys.exit(f"No shared data at {SHARED}")
    run_cleaning_up(run, args)


def run(args):
    url = args.database_url
    env = bench_env(url, BENCH_TMP=args.tmpdir)
    import django

    django.setup()
    from django.db import connection

    reset_database(url, env, drop=True)
    postcodes, n_postcodes = postcodes_used(env)
    start = time.perf_counter()
    manage(
        env,
        "import_boundaries",
        str(SHARED / "boundaries" / "lad_2024_05_england_buc.geojson"),
        "--kind",
        "council",
        "--valid-from",
        "2024-05-01",
    )
    manage(env, "import_postcodes", str(postcodes))
    setup_s = round(time.perf_counter() - start, 1)
    results = {label: run_import(path, edition) for label, path, edition in FILES}
    facts = {
        "database": connection.vendor,
        "cpu_count": os.cpu_count(),
        "load_average": load_average(),
        "setup": {"councils": 296, "postcodes": n_postcodes, "seconds": setup_s},
        "imports": results,
    }
    RESULTS.mkdir(exist_ok=True)
    out = (
        RESULTS / f"import_libraries-{'sqlite' if url.startswith('sqlite') else 'postgresql'}.json"
    )
    out.write_text(json.dumps(facts, indent=2))
    print(
        f"{connection.vendor}; {os.cpu_count()} CPUs, load {facts['load_average']}; "
        f"296 councils and {n_postcodes} postcodes loaded in {setup_s} s"
    )
    for label, r in results.items():
        if "refused" in r:
            print(f"{label:<40} refused: {r['refused'][:150]}")
            continue
        print(
            f"{label:<38} {r['rows']:>5} rows {r['seconds']:>5.2f} s {r['rows_per_s']:>5} rows/s "
            f"({r['rows_per_cpu_s']} per CPU s) "
            f"peak {r['rss_peak_mb']} MB  {r['created']} created, {r['updated']} updated, "
            f"{r['unchanged']} unchanged, {r['rejected']} rejected, {r['notices']} notice lines"
        )
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
