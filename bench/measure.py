"""Measuring helpers shared by the benchmarks: peak memory, database commits, latencies."""

import re
import time
from pathlib import Path


def proc_status_mb(field):
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return round(int(found[1]) / 1024, 1) if found else None


class PeakRSS:
    """Peak RSS of the process during a phase: VmHWM, reset at the start (Linux >= 4.0)."""

    def __enter__(self):
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.reset = True
        except OSError:
            self.reset = False
        self.start_mb = proc_status_mb("VmRSS")
        return self

    def __exit__(self, *exc):
        self.peak_mb = proc_status_mb("VmHWM")
        self.end_mb = proc_status_mb("VmRSS")

    def as_dict(self):
        return {
            "rss_start_mb": self.start_mb,
            "rss_peak_mb": self.peak_mb,
            "rss_end_mb": self.end_mb,
            "peak_is_this_phase": self.reset,
        }


class CommitTimer:
    """Counts and times the database's commits (on SQLite each one is a write to disk)."""

    def __init__(self, connection):
        self.connection, self.count, self.seconds = connection, 0, 0.0

    def __enter__(self):
        original = self.connection._commit

        def timed_commit():
            start = time.perf_counter()
            try:
                return original()
            finally:
                self.count += 1
                self.seconds += time.perf_counter() - start

        self.connection._commit = timed_commit
        return self

    def __exit__(self, *exc):
        del self.connection._commit  # back to the class's method


def latency_ms(seconds):
    """Median, 95th percentile (nearest rank) and maximum of durations in seconds, in
    milliseconds; None for each when there are none."""
    if not seconds:
        return {"p50": None, "p95": None, "max": None}
    ordered = sorted(seconds)

    def rank(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000)

    return {"p50": rank(0.50), "p95": rank(0.95), "max": round(ordered[-1] * 1000)}
