"""A cache every process on one machine shares, kept in a SQLite file: the default where
there is no Redis. The web processes, the task worker and management commands then read
one content version, one map version and one count per rate limit, and a page one process
made is served by all. (Each process's own memory cache used to hold its own versions: a
place the worker geocoded showed in the web server only when its copy expired.)

One connection per process and thread, in autocommit; WAL lets readers run while one
writes. Integers are stored as SQLite integers, so `incr` is one atomic UPDATE; anything
else is pickled."""

import os
import pickle
import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value NOT NULL, expires REAL);
CREATE INDEX IF NOT EXISTS cache_expires ON cache (expires);
"""
LIVE = "(expires IS NULL OR expires > ?)"
CULL_EVERY = 100  # writes by one process between checks of the number of entries
SQLITE_INTEGERS = range(-(2**63), 2**63)


def stored(value):
    return value if type(value) is int and value in SQLITE_INTEGERS else pickle.dumps(value)


def loaded(value):
    return value if type(value) is int else pickle.loads(value)


class SQLiteCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        self.path = Path(location)
        self.busy_timeout = float(params.get("OPTIONS", {}).get("TIMEOUT", 5))
        self._connection, self._pid, self._writes = None, None, 0

    @property
    def db(self):
        # Django gives each thread its own cache object. After a fork (gunicorn --preload)
        # the child opens its own connection: SQLite's may not cross a fork.
        if self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last writes is fine
            db.executescript(SCHEMA)
            self._connection, self._pid = db, os.getpid()
        return self._connection

    def get_many(self, keys, version=None):
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not made:
            return {}
        rows = self.db.execute(
            f"SELECT key, value FROM cache WHERE key IN ({','.join('?' * len(made))}) AND {LIVE}",
            [*made, time.time()],
        )
        return {made[key]: loaded(value) for key, value in rows}

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def has_key(self, key, version=None):
        return bool(self.get_many([key], version=version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(
            "INSERT INTO cache VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value, expires = excluded.expires",
            key,
            value,
            timeout,
            version,
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Keeps value only where the key holds nothing live: an atomic test and set."""
        return self._write(
            "INSERT INTO cache VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value, expires = excluded.expires "
            "WHERE cache.expires <= ?",
            key,
            value,
            timeout,
            version,
            time.time(),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        changed = self.db.execute(
            f"UPDATE cache SET expires = ? WHERE key = ? AND {LIVE}",
            [self.get_backend_timeout(timeout), key, time.time()],
        )
        return changed.rowcount == 1

    def incr(self, key, delta=1, version=None):
        made = self.make_and_validate_key(key, version=version)
        row = self.db.execute(
            f"UPDATE cache SET value = value + ? WHERE key = ? AND {LIVE} "
            "AND typeof(value) = 'integer' RETURNING value",
            [delta, made, time.time()],
        ).fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found, or not an integer")
        return row[0]

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self.db.execute("DELETE FROM cache WHERE key = ?", [key]).rowcount == 1

    def clear(self):
        self.db.execute("DELETE FROM cache")

    def _write(self, sql, key, value, timeout, version, *more):
        """True if a row was written."""
        key = self.make_and_validate_key(key, version=version)
        expires = self.get_backend_timeout(timeout)
        written = self.db.execute(sql, [key, stored(value), expires, *more]).rowcount == 1
        self._writes += 1
        if self._writes % CULL_EVERY == 0:
            self._cull()
        return written

    def _cull(self):
        """Drops expired entries; then, past MAX_ENTRIES, a CULL_FREQUENCY'th of those that
        expire soonest. Entries kept without a timeout (the shared versions) stay."""
        db = self.db
        db.execute("DELETE FROM cache WHERE expires <= ?", [time.time()])
        (count,) = db.execute("SELECT count(*) FROM cache").fetchone()
        if count > self._max_entries:
            db.execute(
                "DELETE FROM cache WHERE key IN (SELECT key FROM cache "
                "WHERE expires IS NOT NULL ORDER BY expires LIMIT ?)",
                [count - self._max_entries + self._max_entries // self._cull_frequency],
            )


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_beyond_one_machine(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] != f"{__name__}.SQLiteCache":
        return []
    return [
        checks.Warning(
            "The cache is a file that only this machine's processes share.",
            hint="Set REDIS_URL, so that every web machine shares pages, the map's version "
            "and the rate limits' counts.",
            id="assets_register.W001",
        )
    ]
