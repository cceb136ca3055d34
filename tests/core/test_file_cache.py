"""The cache the processes of one machine share where there is no Redis: a SQLite file
(core.file_cache, the default). Values round-trip, expire and are culled as Django's
caches promise; counting and adding are atomic across processes; a fork opens its own
connection; and a version bumped in another process (the task worker) makes this process's
copy of a page stale at once."""

import multiprocessing
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.test import override_settings

from assets_register.core import file_cache
from assets_register.core.caching import bump_content_version
from assets_register.core.file_cache import SQLiteCache
from assets_register.models import Asset

from ..factories import AssetFactory

FORK = multiprocessing.get_context("fork")


@pytest.fixture
def cache(tmp_path):
    return SQLiteCache(tmp_path / "cache.sqlite3", {"TIMEOUT": 60})


def in_processes(count, action):
    """Run action() in `count` forked processes at once; fails if any of them did."""
    processes = [FORK.Process(target=action) for _ in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0] * count


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_any_value_comes_back_as_it_went_in(cache, value):
    cache.set("key", value)
    back = cache.get("key", default=KeyError)
    assert back == value and type(back) is type(value)


def test_get_many_reads_only_live_keys_in_one_statement(cache, monkeypatch):
    cache.set_many({"a": 1, "b": [2], "gone": 3})
    cache.set("short", 4, timeout=10)
    cache.set("forever", 5, timeout=None)
    cache.delete("gone")
    statements = []
    cache.db.set_trace_callback(statements.append)
    assert cache.get_many(["a", "b", "gone", "short", "forever", "never"]) == {
        "a": 1,
        "b": [2],
        "short": 4,
        "forever": 5,
    }
    assert len(statements) == 1
    later = time.time() + 30
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.get_many(["a", "short", "forever"]) == {"a": 1, "forever": 5}
    assert cache.get("short", "expired") == "expired" and not cache.has_key("short")


def test_add_keeps_a_value_only_where_nothing_live_is(cache, monkeypatch):
    assert cache.add("key", "first", timeout=10)
    assert not cache.add("key", "second")
    assert cache.get("key") == "first"
    later = time.time() + 30
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.add("key", "third")
    assert cache.get("key") == "third"


def test_touch_delete_clear_and_a_timeout_of_zero(cache, monkeypatch):
    cache.set("key", 1, timeout=0)
    assert cache.get("key") is None and not cache.touch("key")
    cache.set("key", 1, timeout=10)
    assert cache.touch("key", timeout=None)
    later = time.time() + 30
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.get("key") == 1
    assert cache.delete("key") and not cache.delete("key")
    cache.set("other", 2)
    cache.clear()
    assert cache.get_many(["key", "other"]) == {}


def test_incr_counts_integers_and_refuses_anything_else(cache):
    cache.set("count", 5)
    assert cache.incr("count") == 6
    assert cache.decr("count", 10) == -4
    assert cache.get("count") == -4
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    cache.set("text", "five")
    with pytest.raises(ValueError, match="not an integer"):
        cache.incr("text")


def test_counting_and_adding_are_atomic_across_processes(cache):
    """The parent's connection is open before the forks: each child opens its own."""
    cache.set("count", 0, timeout=None)

    def count():
        for _ in range(200):
            cache.incr("count")
        cache.add("first", "set once")

    in_processes(4, count)
    assert cache.get("count") == 800
    assert cache.get("first") == "set once"


def test_past_max_entries_those_expiring_soonest_go_and_versions_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "CULL_EVERY", 1)
    cache = SQLiteCache(tmp_path / "cache.sqlite3", {"OPTIONS": {"MAX_ENTRIES": 10}})
    cache.set("version", 1, timeout=None)
    for n in range(30):
        cache.set(f"page-{n}", n, timeout=1000 + n)
    (count,) = cache.db.execute("SELECT count(*) FROM cache").fetchone()
    assert count <= 10
    assert cache.get("version") == 1
    assert cache.get("page-29") == 29 and cache.get("page-0") is None


@pytest.mark.django_db
def test_a_version_bumped_in_another_process_makes_this_ones_copy_stale(tmp_path, client):
    """As when the task worker geocodes a place: the web process's copy must not outlive
    it (each process's own memory cache kept it until it expired)."""
    backend = "assets_register.core.file_cache.SQLiteCache"
    shared = {"default": {"BACKEND": backend, "LOCATION": tmp_path / "cache.sqlite3"}}
    with override_settings(CACHES=shared):
        asset = AssetFactory(name="The Red Lion")
        assert b"The Red Lion" in client.get(asset.get_absolute_url()).content
        Asset.objects.filter(pk=asset.pk).update(name="The Old Red Lion")  # no signal
        assert b"Old Red Lion" not in client.get(asset.get_absolute_url()).content

        in_processes(1, bump_content_version)

        assert b"The Old Red Lion" in client.get(asset.get_absolute_url()).content
