"""The server and the load generator of the HTTP benchmarks: gunicorn on a free port of
127.0.0.1 (bench.settings, from bench/common.py's bench_env), ready once /bench/bare/ answers,
its workers' memory and CPU read from /proc; and wrk, driven by a Lua script that prints
machine-readable BENCH_ lines.

A script adds `server_options(parser, ...)` and `wrk_options(parser, ...)`, then
`with Gunicorn(env, args, log_path) as server:` and `run_wrk(server.url, ...)`.
"""

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT


def server_options(parser, workers, worker_class="sync", threads=1, preload=False):
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn processes")
    parser.add_argument("--worker-class", default=worker_class, help="sync or gthread")
    parser.add_argument("--threads", type=int, default=threads, help="threads per gthread worker")
    if preload:
        parser.add_argument(
            "--preload",
            action="store_true",
            help="gunicorn --preload: import the app before forking, so workers share it",
        )


def wrk_options(parser, duration, warmup):
    parser.add_argument("--duration", type=int, default=duration, help="seconds per scenario")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="split each scenario's duration into this many interleaved rounds",
    )
    parser.add_argument("--threads-wrk", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=warmup, help="seconds of warm-up load")


def stop(proc, timeout=30):
    """SIGTERM (a graceful shutdown), then SIGKILL if it has not ended in `timeout` s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Gunicorn:
    """gunicorn with args.workers x args.worker_class (args.threads, args.preload); its
    messages go to log_path (removed if empty), each request to access_log if given."""

    def __init__(self, env, args, log_path, access_log=None, access_format=None):
        self.env, self.args, self.log_path, self.proc = env, args, log_path, None
        self.access = []
        if access_log:
            self.access = ["--access-logfile", str(access_log)]
            self.access += ["--access-logformat", access_format] if access_format else []

    def __enter__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "wsgi:application"),
                *("--pythonpath", f"{ROOT / 'site'},{ROOT}"),
                *("--bind", f"127.0.0.1:{self.port}"),
                *("--workers", str(self.args.workers)),
                *("--worker-class", self.args.worker_class),
                *("--threads", str(self.args.threads)),
                *("--timeout", "120", "--log-level", "warning"),
                # Django and its libraries imported once, before forking: their pages
                # stay shared between workers (README: the web server).
                *(["--preload"] if getattr(self.args, "preload", False) else []),
                *self.access,
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

    def __exit__(self, *exc):
        if self.proc:
            stop(self.proc)
        self.log.close()
        if not self.log_path.stat().st_size:
            self.log_path.unlink()

    def worker_pids(self):
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue
        return pids

    def workers_peak_rss_mb(self):
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024)
            except (OSError, TypeError):
                continue
        return [round(p, 1) for p in sorted(peaks)]

    def workers_private_mb(self):
        """Each worker's memory of its own now (USS: private clean + dirty pages), which
        VmHWM overstates when pages are shared with the master after --preload."""
        sizes = []
        for pid in self.worker_pids():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            private = sum(int(kb) for kb in re.findall(r"^Private_\w+:\s+(\d+) kB", rollup, re.M))
            sizes.append(round(private / 1024, 1))
        return sorted(sizes)


def cpu_ticks(pids):
    """User and system CPU ticks so far of these processes (a server's master and workers)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total


def ensure_wrk():
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, timeout=600)


def run_wrk(url, script, paths_file, duration, connections, args, *script_args, timeout=10):
    """wrk's output after `duration` seconds of `connections` clients (args.threads_wrk
    threads) sending what the Lua script in bench/ picks from paths_file."""
    cmd = [
        *("wrk", f"-t{args.threads_wrk}", f"-c{connections}", f"-d{duration}s"),
        *("--timeout", f"{timeout}s", "--latency"),
        *("-s", str(ROOT / "bench" / script), url + "/", "--", str(paths_file)),
        *map(str, script_args),
    ]
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=duration + 120, check=True
    ).stdout


def wrk_lines(out, *names):
    """The rest of each line 'NAME ...' the Lua script printed."""
    found = {name: re.search(rf"^{name} ?(.*)$", out, re.M) for name in names}
    if not all(found.values()):
        raise RuntimeError(f"missing BENCH_ lines in wrk output:\n{out}")
    return {name: line[1] for name, line in found.items()}


def key_values(text, value=float):
    """'a=1 b=2' -> {'a': 1.0, 'b': 2.0}"""
    return {key: value(v) for key, v in (pair.split("=") for pair in text.split())}


def wrk_summary(result):
    """A BENCH_RESULT line's requests, seconds and latencies in ms (wrk gives µs)."""
    return {
        "requests": int(result["requests"]),
        "seconds": result["duration_us"] / 1e6,
        **{key: result[key] / 1000 for key in ("p50", "p95", "p99", "max")},
    }
