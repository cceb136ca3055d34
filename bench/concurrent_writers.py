"""Concurrent writers against the real server: do twenty people writing at once, an import
and the task worker all get served, and is everything they were told was saved saved?

Run from the repository root with the project's virtualenv active:

    python bench/concurrent_writers.py                     # SQLite, 20 writers, 20,000-row import
    python bench/concurrent_writers.py --database-url postgres://postgres@127.0.0.1:5432/bench_conc
    python bench/concurrent_writers.py --writers 4 --rounds 2 --import-rows 2000   # smoke run

The database is built from scratch: SQLite (the default) in
bench/results/concurrent-writers.sqlite3; a PostgreSQL --database-url is DROPPED AND
RECREATED, so one whose name does not start with "bench" is refused.

What it does:

1. Migrates, then adds what the forms need: County Durham and its ward Sacriston (real
   GSS codes, boundaries boxed round the village) and a pub there.
2. Writes a --import-rows (20,000) row CSV in the generic schema (places with coordinates
   inside the council, a third with an opening year, a seventh closed).
3. Starts the task worker (`manage.py db_worker`, as bin/demo does) and gunicorn
   (bench/server.py's Gunicorn, settings bench.settings: DEBUG off; gthread workers,
   2 x CPUs + 1 processes of --threads 4 threads: 20 requests served at once). Rate
   limits are raised out of the way: this measures the database, not the limits.
4. Releases --writers (20) client threads together. Each does --rounds rounds of three
   writes in its own shuffled order, each write as a person makes it (GET the form for
   its CSRF token and hidden fields, then POST):
     nomination    /assets/<pub>/nominate/, success = 302 to the receipt
     subscription  /alerts/ for the ward, success = 200 "Check your email"
     report        /assets/<pub>/report/ (the place has closed), success = 200 "Check
                   your email"
   and keeps going, round after round, until the import has finished, so the import
   always runs against twenty writers. The import (`manage.py import_assets --format
   generic`, in a process of its own) starts with them. Every write carries its own
   email address, so each one's row can be looked for afterwards.
5. Waits for the worker to drain the queue (each write queues an email; the import
   queues the indicators and the alerts), stops the server and the worker, and counts
   what was saved.

Reports, per kind of writer: requests (POSTs), successes, 4xx, 5xx, other errors
(timeouts, refused connections), rows saved, lost writes (a success whose row is not
there) and writes saved though the answer was an error, with p50/p95/max latency of the
POSTs; the import's outcome, time and rows; the worker's tasks by status and any
"database is locked" in its log; on SQLite, how long a writer waited for the database's
write lock (a probe takes it every 50 ms), the longest wait being the longest hold.
Goal: zero 5xx and zero lost writes. Writes
bench/results/concurrent-writers-<sqlite|postgresql>-<label>.json.

To compare with the code before a change, run this same file from a worktree of the
earlier commit (copy bench/ into it): the results name the commit.
"""

import argparse
import csv
import json
import os
import platform
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # Not bench/ itself (its settings.py would shadow the site's `settings` package).
    sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import (  # noqa: E402
    RESULTS,
    bench_env,
    busy_cpu_percent,
    finally_on_sigterm,
    reset_database,
    results_database,
    results_database_option,
)
from bench.server import Gunicorn, server_options, stop  # noqa: E402

KINDS = ("nomination", "subscription", "report")
WARD = "E05009076"
IMPORT_SOURCE = "bench-halls"
IMPORT_COLUMNS = ["source_ref", "name", "category", "address", "latitude", "longitude"]
IMPORT_COLUMNS += ["opened", "closed"]
GENEROUS = "1000000/h"
RATE_LIMITS = [
    f"{form}_RATE_PER_{key}"
    for form in ("NOMINATION", "ALERT", "REPORT")
    for key in ("IP", "EMAIL")
]


# --- the database -------------------------------------------------------------------------


def seed():
    """The council, ward and place the forms write about; returns the place's id."""
    from assets_register.models import Area, AreaKind, Asset, Category

    def box(min_lon, min_lat, max_lon, max_lat):
        ring = [
            [min_lon, min_lat],
            [max_lon, min_lat],
            [max_lon, max_lat],
            [min_lon, max_lat],
            [min_lon, min_lat],
        ]
        return {
            "boundary": {"type": "Polygon", "coordinates": [ring]},
            "min_longitude": min_lon,
            "min_latitude": min_lat,
            "max_longitude": max_lon,
            "max_latitude": max_lat,
        }

    durham = Area.objects.create(
        gss_code="E06000047", name="County Durham", kind=AreaKind.COUNCIL, **box(-2, 54.5, -1, 55)
    )
    sacriston = Area.objects.create(
        gss_code=WARD,
        name="Sacriston",
        kind=AreaKind.WARD,
        parent=durham,
        **box(-1.66, 54.80, -1.60, 54.83),
    )
    pub = Asset.objects.create(
        name="The Robin Hood",
        category=Category.PUB,
        address="Front Street, Sacriston",
        postcode="DH7 6LQ",
        latitude="54.816000",
        longitude="-1.626000",
        council=durham,
        ward=sacriston,
        live=True,
    )
    return pub.pk


def write_import(path, rows):
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(IMPORT_COLUMNS)
        for n in range(rows):
            writer.writerow(
                [
                    f"hall-{n}",
                    f"Village Hall {n}",
                    "community_centre",
                    f"{n} Front Street, County Durham",
                    f"{54.55 + n % 997 / 2500:.6f}",
                    f"{-1.95 + n % 991 / 1100:.6f}",
                    "1923" if n % 3 == 0 else "",
                    "2019-06" if n % 7 == 0 else "",
                ]
            )


def saved_rows(markers):
    """Which of each kind's marker addresses have a row, and the import's and the queue's
    state."""
    from django_tasks_db.models import DBTaskResult

    from django.db.models import Count

    from assets_register.models import Asset, Nomination, Report, Subscription

    tables = {
        "nomination": (Nomination, "contact_email"),
        "subscription": (Subscription, "email"),
        "report": (Report, "email"),
    }
    found, duplicated = {}, {}
    for kind, (model, field) in tables.items():
        counts = dict(
            model.objects.filter(**{f"{field}__in": markers[kind]})
            .values_list(field)
            .annotate(n=Count("pk"))
            .values_list(field, "n")
        )
        found[kind] = set(counts)
        duplicated[kind] = sum(n - 1 for n in counts.values() if n > 1)
    tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")))
    failed = Counter(
        DBTaskResult.objects.filter(status="FAILED").values_list("exception_class_path", flat=True)
    )
    return (
        found,
        duplicated,
        Asset.objects.filter(source=IMPORT_SOURCE).count(),
        tasks,
        dict(failed),
    )


# --- the writers ---------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The hidden inputs of the page's first POST form (CSRF token, submission token)."""

    def __init__(self, html):
        super().__init__()
        self.fields, self.in_form, self.done = {}, False, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and not self.done:
            self.in_form = True
        elif tag == "input" and self.in_form and attrs.get("type") == "hidden" and "name" in attrs:
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def answers(kind, email, pub_id):
    if kind == "nomination":
        return f"/assets/{pub_id}/nominate/", {
            "land_name": "The Robin Hood",
            "land_address": "Front Street, Sacriston, DH7 6LQ",
            "land_description": "The pub, its car park and beer garden.",
            "occupants": "The tenant landlord",
            "owners": "Pubco Ltd, 1 Brewery Yard, Leeds",
            "current_use": "The only pub in the village; the quiz and walking club meet there.",
            "future_use": "A community benefit society is ready to run it.",
            "body_name": f"Friends of the Robin Hood ({email})",
            "body_type": "charity",
            "body_number": "1100001",
            "members_on_roll": "",
            "local_connection": "All our work is in Sacriston.",
            "contact_name": "Jo Bloggs",
            "contact_email": email,
            "contact_phone": "",
            "website": "",
        }
    if kind == "subscription":
        return f"/alerts/?area={WARD}", {
            "area": WARD,
            "email": email,
            "wants_closures": "on",
            "wants_acv": "on",
            "frequency": "immediately",
            "website": "",
        }
    return f"/assets/{pub_id}/report/", {
        "kind": "closed",
        "happened_on": "2024-11-20",
        "details": f"Boarded up on Friday, says {email}.",
        "source_url": "",
        "email": email,
        "website": "",
    }


def succeeded(kind, response):
    if kind == "nomination":
        return response.status_code == 302 and "/received/" in response.headers.get("Location", "")
    return response.status_code == 200 and "Check your email" in response.text


def writer(number, args, base_url, pub_id, start, import_done, results):
    import requests

    session = requests.Session()
    rng = random.Random(number)
    start.wait()
    round_number = 0
    while round_number < args.rounds or not import_done.is_set():
        for kind in rng.sample(KINDS, len(KINDS)):
            email = f"w{number}r{round_number}.{kind}@bench.example"
            path, data = answers(kind, email, pub_id)
            record = {"kind": kind, "email": email, "round": round_number}
            try:
                page = session.get(base_url + path, timeout=args.timeout)
                record["form_status"] = page.status_code
                if page.status_code != 200:
                    record["status"], record["ok"] = None, False
                    results.append(record)
                    continue
                data.update(FormFields(page.text).fields)
                began = time.perf_counter()
                response = session.post(
                    base_url + path, data=data, timeout=args.timeout, allow_redirects=False
                )
                record.update(
                    status=response.status_code,
                    ok=succeeded(kind, response),
                    seconds=time.perf_counter() - began,
                )
            except requests.RequestException as error:
                record.update(status=None, ok=False, error=type(error).__name__)
            results.append(record)
        round_number += 1


# --- the run -------------------------------------------------------------------------------


class WriteLockProbe(threading.Thread):
    """On SQLite, how long anyone who writes waits for the database's one write lock:
    every 50 ms it takes the lock (BEGIN IMMEDIATE, then ROLLBACK) and notes the wait."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.waits, self.failures = path, [], 0
        self.stopping = threading.Event()

    def run(self):
        import sqlite3

        probe = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        while not self.stopping.wait(0.05):
            began = time.perf_counter()
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                self.waits.append(time.perf_counter() - began)
            except sqlite3.OperationalError:
                self.failures += 1
        probe.close()

    def stop(self):
        self.stopping.set()
        self.join()
        from bench.measure import latency_ms

        return {"probes": len(self.waits), "failed": self.failures, **latency_ms(self.waits)}


def git_commit():
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip() or "unknown"


def drain_queue(seconds):
    """Wait until the worker has nothing ready or running; how long that took."""
    from django_tasks_db.models import DBTaskResult

    from django.db import connections

    began = time.monotonic()
    while time.monotonic() - began < seconds:
        busy = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        connections.close_all()
        if not busy:
            break
        time.sleep(0.5)
    return round(time.monotonic() - began, 1)


def summarise(records, found, duplicated):
    from bench.measure import latency_ms

    rows = {}
    for kind in KINDS:
        mine = [r for r in records if r["kind"] == kind]
        ok = [r for r in mine if r["ok"]]
        statuses = Counter(r["status"] for r in mine if r["status"] is not None)
        rows[kind] = {
            "requests": len(mine),
            "successes": len(ok),
            "status_4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
            "status_5xx": sum(n for s, n in statuses.items() if s >= 500),
            "other_errors": sum(1 for r in mine if r["status"] is None),
            "statuses": {str(s): n for s, n in sorted(statuses.items())},
            "errors": dict(
                Counter(
                    r.get("error") or f"form answered {r.get('form_status')}"
                    for r in mine
                    if r["status"] is None
                )
            ),
            "rows_saved": len(found[kind]),
            "lost_writes": sum(1 for r in ok if r["email"] not in found[kind]),
            "saved_despite_error": sum(
                1 for r in mine if not r["ok"] and r["email"] in found[kind]
            ),
            "duplicates": duplicated[kind],
            **latency_ms([r["seconds"] for r in mine if "seconds" in r]),
        }
    return rows


def parse_args():
    cpus = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--writers", type=int, default=20, help="client threads writing at once")
    p.add_argument("--rounds", type=int, default=5, help="at least this many rounds each")
    p.add_argument("--import-rows", type=int, default=20_000)
    server_options(p, workers=2 * cpus + 1, worker_class="gthread", threads=4)
    p.add_argument("--timeout", type=float, default=120, help="seconds a client waits")
    p.add_argument("--drain", type=float, default=300, help="seconds to wait for the worker")
    results_database_option(p, rebuild=False)  # built afresh every run
    p.add_argument("--label", help="names the results (default: the commit)")
    args = p.parse_args()
    results_database(p, args, "concurrent", "concurrent-writers.sqlite3")
    args.label = args.label or git_commit()
    return args


def main():
    args = parse_args()
    finally_on_sigterm()
    database = "sqlite" if args.database_url.startswith("sqlite") else "postgresql"
    env = bench_env(args.database_url, LOG_LEVEL="WARNING", **dict.fromkeys(RATE_LIMITS, GENEROUS))
    import django

    django.setup()
    from django.db import connections

    reset_database(args.database_url, env, drop=True)  # with SQLite's journal files
    pub_id = seed()
    connections.close_all()  # this process holds no connection while the others write
    import_csv = RESULTS / "concurrent-writers-import.csv"
    write_import(import_csv, args.import_rows)

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    worker_log = RESULTS / f"concurrent-writers-worker-{stamp}.log"
    import_log = RESULTS / f"concurrent-writers-import-{stamp}.log"
    busy_before = busy_cpu_percent()
    with worker_log.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    records, start = [], threading.Barrier(args.writers + 1)
    import_done = threading.Event()
    try:
        with Gunicorn(env, args, RESULTS / f"concurrent-writers-gunicorn-{stamp}.log") as server:
            threads = [
                threading.Thread(
                    target=writer,
                    args=(n, args, server.url, pub_id, start, import_done, records),
                )
                for n in range(args.writers)
            ]
            for thread in threads:
                thread.start()
            probe = WriteLockProbe(args.database_url.removeprefix("sqlite:///"))
            if database == "sqlite":
                probe.start()
            start.wait()
            began = time.perf_counter()
            with import_log.open("w") as log:
                importing = subprocess.run(
                    [
                        sys.executable,
                        "manage.py",
                        "import_assets",
                        str(import_csv),
                        "--format",
                        "generic",
                        "--source",
                        IMPORT_SOURCE,
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            import_seconds = time.perf_counter() - began
            import_done.set()
            for thread in threads:
                thread.join()
            writing_seconds = time.perf_counter() - began
            write_lock = probe.stop() if database == "sqlite" else None
        drain_seconds = drain_queue(args.drain)
    finally:
        stop(worker)

    markers = {kind: [r["email"] for r in records if r["kind"] == kind] for kind in KINDS}
    found, duplicated, imported, tasks, failed_tasks = saved_rows(markers)
    rows = summarise(records, found, duplicated)
    import_text = import_log.read_text()
    worker_text = worker_log.read_text()
    rows["import"] = {
        "requests": 1,
        "successes": int(importing.returncode == 0),
        "other_errors": int(importing.returncode != 0),
        "error": None if importing.returncode == 0 else import_text.strip().splitlines()[-1:],
        "rows_expected": args.import_rows,
        "rows_saved": imported,
        "lost_writes": args.import_rows - imported if importing.returncode == 0 else 0,
        "seconds": round(import_seconds, 1),
    }
    rows["worker"] = {
        "tasks": tasks,
        "failed_by_exception": failed_tasks,
        "locked_in_log": len(re.findall(r"database is locked", worker_text)),
        "tracebacks_in_log": worker_text.count("Traceback"),
        "exit_code": worker.returncode,
        "drain_seconds": drain_seconds,
    }
    facts = {
        "label": args.label,
        "commit": git_commit(),
        "database": database,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "busy_cpu_percent_before": busy_before,
        "load_avg_after": [round(v, 2) for v in os.getloadavg()],
        "server": f"gunicorn {args.workers} x {args.worker_class} ({args.threads} threads)",
        "writing_seconds": round(writing_seconds, 1),
        "write_lock_wait_ms": write_lock,
        "worker_log": str(worker_log.relative_to(ROOT)),
        "import_log": str(import_log.relative_to(ROOT)),
    }
    report(args, rows, facts, RESULTS / f"concurrent-writers-{database}-{args.label}.json")


def report(args, rows, facts, out):
    print(
        f"\n{facts['database']}, code {facts['commit']} ({facts['label']}); {facts['server']}; "
        f"{args.writers} writers, at least {args.rounds} rounds each, for "
        f"{facts['writing_seconds']} s; CPU busy before {facts['busy_cpu_percent_before']}%."
    )
    head = (
        f"{'writer':<14}{'requests':>9}{'ok':>6}{'4xx':>5}{'5xx':>5}{'other':>6}{'saved':>7}"
        f"{'lost':>6}{'saved/err':>10}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
    )
    print(head + "\n" + "-" * len(head))
    for kind in KINDS:
        r = rows[kind]
        print(
            f"{kind:<14}{r['requests']:>9}{r['successes']:>6}{r['status_4xx']:>5}"
            f"{r['status_5xx']:>5}{r['other_errors']:>6}{r['rows_saved']:>7}{r['lost_writes']:>6}"
            f"{r['saved_despite_error']:>10}"
            + "".join(f"{'-' if r[q] is None else r[q]:>8}" for q in ("p50", "p95", "max"))
        )
    i = rows["import"]
    print(
        f"{'import':<14}{1:>9}{i['successes']:>6}{'':>5}{'':>5}{i['other_errors']:>6}"
        f"{i['rows_saved']:>7}{i['lost_writes']:>6}{'':>10}  {i['seconds']} s for "
        f"{i['rows_expected']} rows" + (f": {i['error']}" if i["error"] else "")
    )
    w = rows["worker"]
    print(
        f"worker tasks {w['tasks']}, failed {w['failed_by_exception'] or 'none'}; "
        f"'database is locked' in its log {w['locked_in_log']} times, tracebacks "
        f"{w['tracebacks_in_log']}; queue drained in {w['drain_seconds']} s"
    )
    if facts["write_lock_wait_ms"]:
        lock = facts["write_lock_wait_ms"]
        print(
            f"waits for SQLite's write lock (a probe every 50 ms): p50 {lock['p50']} ms, "
            f"p95 {lock['p95']} ms, max {lock['max']} ms over {lock['probes']} probes"
            + (f", {lock['failed']} gave up" if lock["failed"] else "")
        )
    total_5xx = sum(rows[k]["status_5xx"] for k in KINDS)
    lost = sum(rows[k]["lost_writes"] for k in (*KINDS, "import"))
    print(f"5xx: {total_5xx}, lost writes: {lost} (goal: 0 and 0)")
    shown_args = vars(args) | {"database_url": re.sub(r"//[^@/]*@", "//***@", args.database_url)}
    out.write_text(json.dumps({"args": shown_args, **facts, "rows": rows}, indent=2, default=str))
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
