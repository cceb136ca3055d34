"""What the benchmarks share: the database options and the guard on a database they drop,
the scratch directory and its clean-up, the environment their subprocesses run in, making
a database from scratch, and the machine facts beside every figure (load, peak memory);
and the measuring tools several scripts use: SQL and garbage-collector timers, a profile's
text, a command run in its own process, the demo's geography loaded as the demo loads it.

A script that starts afresh each run builds its own parser, adds `database_options(parser)`,
calls `scratch_database(parser, args, "name")` and runs `run_cleaning_up(run, args)`. One
that keeps a register between runs in bench/results/ adds `results_database_option(parser)`
and calls `results_database(parser, args, "name", "file.sqlite3")`. bench/server.py starts
the web server and the load generator for the HTTP benchmarks.
"""

import atexit
import gc
import io
import os
import pstats
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"


DROPPED = "a PostgreSQL database is DROPPED AND RECREATED, so its name must start with 'bench'"


def database_options(parser, env_var="DATABASE_URL"):
    parser.add_argument(
        "--database-url",
        default=os.environ.get(env_var) or "",
        help=f"default: ${env_var}, else a temporary SQLite file; {DROPPED}",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory and its database"
    )


def results_database_option(parser, rebuild=True):
    """--database-url (not $DATABASE_URL: that is someone's own), and --rebuild for a
    benchmark that reuses a register it built before."""
    parser.add_argument(
        "--database-url", default="", help=f"default: a SQLite file in bench/results/; {DROPPED}"
    )
    if rebuild:
        parser.add_argument("--rebuild", action="store_true", help="drop and regenerate it")


def refuse_unless_bench(parser, url, name):
    """A PostgreSQL database is dropped and recreated, so one whose name does not start
    with "bench" (anyone's own) is refused."""
    if url and not url.startswith("sqlite"):
        import dj_database_url

        database = dj_database_url.parse(url)["NAME"]
        if not database.startswith("bench"):
            parser.error(
                f"database {database!r} would be dropped: use one named bench..., "
                f"e.g. .../bench_{name}"
            )


def scratch_database(parser, args, name):
    """args.tmpdir, a new temporary directory, and args.database_url: a SQLite file in it
    unless a URL was given (refused unless a bench database)."""
    refuse_unless_bench(parser, args.database_url, name)
    args.tmpdir = tempfile.mkdtemp(prefix=f"bench-{name}-")
    args.database_url = args.database_url or f"sqlite:///{args.tmpdir}/{name}.sqlite3"
    return args


def results_database(parser, args, name, sqlite_file):
    """args.database_url: the URL given (refused unless a bench database), else
    bench/results/<sqlite_file>, which stays for the next run to reuse."""
    refuse_unless_bench(parser, args.database_url, name)
    RESULTS.mkdir(exist_ok=True)
    args.database_url = args.database_url or f"sqlite:///{RESULTS / sqlite_file}"
    return args


def sqlite_files(path):
    """A SQLite database and the journal files beside it, which must go with it."""
    path = Path(path)
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def finally_on_sigterm():
    """A SIGTERM (a timeout) ends the run through its `finally` blocks: servers stop."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def run_cleaning_up(run, args):
    """run(args); then the scratch directory goes, unless --keep. A SIGTERM ends the run
    through the same clean-up."""
    finally_on_sigterm()
    try:
        return run(args)
    finally:
        if getattr(args, "keep", False):
            print(f"kept: {args.tmpdir} ({args.database_url})")
        else:
            shutil.rmtree(args.tmpdir, ignore_errors=True)


def bench_env(database_url, **extra):
    """The environment of the run and its subprocesses: bench.settings on that database,
    with a cache file of its own (removed at exit), also set in this process so
    django.setup() reads them. bench.settings' switches (BENCH_REDIS_URL,
    BENCH_CACHE_PROBE) are on only when a run passes them."""
    switches = ("BENCH_REDIS_URL", "BENCH_CACHE_PROBE")
    cache_file = RESULTS / f"cache-{os.getpid()}.sqlite3"
    atexit.register(lambda: [path.unlink(missing_ok=True) for path in sqlite_files(cache_file)])
    env = {
        **{key: value for key, value in os.environ.items() if key not in switches},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "CACHE_FILE": str(cache_file),
        **extra,
    }
    os.environ.update(
        {key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CACHE_FILE")}
    )
    return env


def reset_database(url, env, drop):
    """Create (or drop and recreate) the database, then migrate it."""
    recreate_database(url, drop)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )


def recreate_database(url, drop):
    """Create the database if missing; with drop, drop it first (scratch_database has
    made sure a PostgreSQL one is a bench database)."""
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite"):
        if drop:
            for path in sqlite_files(url.removeprefix("sqlite:///")):
                path.unlink(missing_ok=True)
    else:
        import dj_database_url
        import psycopg
        from psycopg import sql

        cfg = dj_database_url.parse(url)
        with psycopg.connect(
            host=cfg["HOST"],
            port=cfg["PORT"] or 5432,
            user=cfg["USER"],
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            name = sql.Identifier(cfg["NAME"])
            if drop:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def load_average():
    """The machine is shared: every figure says how busy it was."""
    return [round(x, 2) for x in os.getloadavg()]


def ru_maxrss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def machine_ticks():
    """The machine's CPU ticks so far: total, and idle (with iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def busy_cpu_percent(seconds=2.0):
    """Share of CPU time the machine spends busy right now (other work skews results)."""
    (total0, idle0), _, (total1, idle1) = machine_ticks(), time.sleep(seconds), machine_ticks()
    return round(100 * (1 - (idle1 - idle0) / max(total1 - total0, 1)), 1)


def django_in_process(database_url, sqlite_name):
    """Set Django up in this process on `database_url`, or else on bench/results/<sqlite_name>
    (kept between runs, so a register built once is reused), and migrate. The URL used."""
    url = database_url or f"sqlite:///{RESULTS / sqlite_name}"
    RESULTS.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")
    for path in (str(ROOT), str(ROOT / "site")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


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

    def by_kind(self):
        return {
            kind: {"n": self.counts[kind], "rows": self.rows[kind], "s": round(seconds, 3)}
            for kind, seconds in self.seconds.most_common()
        }


class GCTimer:
    """Time the cyclic garbage collector's runs, through gc.callbacks, by generation."""

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


def profile_text(profiler, lines=25):
    """A cProfile's top `lines` by cumulative and by own time."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    out.write("\n" + "=" * 100 + "\nsorted by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def in_own_process(argv, env, timeout=3600):
    """Run argv (from the repository root) in a process of its own: wall time, that
    process's peak RSS and CPU time (os.wait4), and the last line it printed."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        lines = out.read().strip().splitlines()
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{' '.join(argv)} exited {status}: {lines[-5:]}")
    return {
        "seconds": round(seconds, 2),
        "ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "user_s": round(usage.ru_utime, 2),
        "system_s": round(usage.ru_stime, 2),
        "summary": lines[-1] if lines else "",
    }


# What load_demo_data loads before any places: the demo's councils, wards and LSOAs, then
# its ~27,000 real postcodes (County Durham, Swale, Stoke-on-Trent).
DEMO_GEOGRAPHY = [
    ("import_boundaries", "councils.geojson", ["--kind", "council", "--valid-from", "2024-05-01"]),
    ("import_boundaries", "wards_2013.geojson", ["--kind", "ward", "--valid-from", "2013-05-02"]),
    ("import_boundaries", "lsoa_2011.geojson", ["--kind", "lsoa", "--valid-from", "2011-03-27"]),
    ("import_postcodes", "postcodes.csv.gz", []),
]


def load_demo_geography(env):
    """The demo's boundaries and postcodes, each command in a process of its own (so the
    caller's peak memory is its own): seconds by step."""
    timings = {}
    for command, filename, extra in DEMO_GEOGRAPHY:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", command, str(ROOT / "demo_data" / filename)]
            + ["--verbosity", "0", *extra],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=1200,
        )
        timings[f"{command} {filename}"] = round(time.perf_counter() - start, 1)
    return timings
