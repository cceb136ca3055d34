"""Benchmark of the national load (`manage.py load_england`) on the real files.

Run from the repository root with the project's virtualenv active:

    python bench/national_load.py                          # SQLite, ../shared/data
    python bench/national_load.py --database-url postgres://postgres@127.0.0.1:5432/bench_national
    python bench/national_load.py --folder tests/data/national   # a smoke run

The database is built from scratch: SQLite is a temporary file (removed unless --keep); a
PostgreSQL --database-url is DROPPED AND RECREATED, so its name must start with "bench".

What it measures, each `manage.py` in a process of its own (os.wait4 gives its peak RSS):

1. `migrate`, not timed against the goal.
2. `load_england FOLDER`: wall time, CPU time, peak RSS, and per stage (from LoadStage)
   rows, seconds and rows/s.
3. `load_england FOLDER` again: every stage must be "already done" (idempotence) and the
   register's row counts unchanged.
4. The load average before and after: the machine is shared, and a figure taken while
   other work runs says so.

Goals (issue 14): the whole load <= 15 minutes and <= 2 GB peak memory on a 2-core machine.
Writes bench/results/national_load-<sqlite|postgresql>.json and prints a table.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
from bench.common import (  # noqa: E402
    bench_env,
    database_options,
    load_average,
    recreate_database,
    run_cleaning_up,
    scratch_database,
)

GOAL_SECONDS, GOAL_MB = 15 * 60, 2048
COUNTED = ("Area", "PostcodeLocation", "Asset", "AssetEvent", "AssetSource")


def run_manage(args, env):
    """(seconds, cpu seconds, peak RSS MB, exit status) of one manage.py process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, round(usage.ru_maxrss / 1024, 1), os.waitstatus_to_exitcode(status), output


def counts(env):
    code = (
        "import django, json; django.setup(); from assets_register import models; "
        f"print(json.dumps({{n: getattr(models, n).objects.count() for n in {COUNTED!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def stages(env):
    code = (
        "import django, json; django.setup(); from assets_register.models import LoadStage; "
        "print(json.dumps(list(LoadStage.objects.order_by('completed_at')"
        ".values_list('name', 'rows', 'seconds'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", default=str(ROOT.parent / "shared" / "data"))
    database_options(parser, env_var="BENCH_DATABASE_URL")
    run_cleaning_up(run, scratch_database(parser, parser.parse_args(), "national"))


def run(options):
    url = options.database_url
    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    env = bench_env(url, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]))
    recreate_database(url, drop=True)
    migrate = run_manage(["migrate", "-v0"], env)
    assert migrate[3] == 0, migrate[4]
    load_before = load_average()
    report_dir = str(Path(options.tmpdir) / "report")
    first = run_manage(["load_england", options.folder, "--report-dir", report_dir], env)
    assert first[3] == 0, first[4]
    load_after = load_average()
    after_first = counts(env)
    per_stage = stages(env)
    second = run_manage(["load_england", options.folder, "--report-dir", report_dir], env)
    assert second[3] == 0, second[4]
    idempotent = counts(env) == after_first and "loaded " not in second[4]
    results = {
        "database": engine,
        "folder": options.folder,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": load_before,
        "load_average_after": load_after,
        "first_run": {
            "seconds": round(first[0], 1),
            "cpu_seconds": round(first[1], 1),
            "peak_rss_mb": first[2],
        },
        "second_run": {"seconds": round(second[0], 1), "peak_rss_mb": second[2]},
        "idempotent": idempotent,
        "rows": after_first,
        "stages": [
            {"stage": name, "rows": rows, "seconds": seconds, "rows_per_s": round(rows / seconds)}
            for name, rows, seconds in per_stage
            if seconds
        ],
        "goals": {
            "seconds <= 900": first[0] <= GOAL_SECONDS,
            "peak MB <= 2048": first[2] <= GOAL_MB,
        },
        "output": first[4][-4000:],
    }
    out = ROOT / "bench" / "results" / f"national_load-{engine}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"{'stage':<16}{'rows':>10}{'seconds':>10}{'rows/s':>10}")
    for stage in results["stages"]:
        print(
            f"{stage['stage']:<16}{stage['rows']:>10}{stage['seconds']:>10.1f}{stage['rows_per_s']:>10}"
        )
    print(
        f"{engine}: first run {first[0]:.0f} s wall ({first[1]:.0f} s CPU), "
        f"peak RSS {first[2]} MB; "
        f"second run {second[0]:.0f} s, idempotent: {idempotent}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after; results in {out}"
    )


if __name__ == "__main__":
    main()
