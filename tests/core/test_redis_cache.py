"""The Redis cache production uses (REDIS_URL): one client object serves every call, and a
cached page costs one round trip. Tests needing a Redis server use REDIS_TEST_URL (default
db 15 of the local one) and are skipped where none answers, as on a new user's machine."""

import os
import threading

import pytest
import redis

from django.core.cache import caches
from django.test import override_settings

from assets_register.core.redis_cache import RedisCache

from ..factories import AssetFactory

URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
SETTINGS = {
    "default": {
        "BACKEND": "assets_register.core.redis_cache.RedisCache",
        "LOCATION": URL,
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }
}


def redis_answers():
    try:
        return redis.Redis.from_url(URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason=f"no Redis at {URL}")


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=SETTINGS):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_one_client_object_serves_reads_and_writes():
    """Django's own backend makes a new one for every call."""
    backend = RedisCache(URL, {})._cache
    client = backend.get_client("a")
    assert backend.get_client("b") is client
    assert backend.get_client("c", write=True) is client


@needs_redis
def test_the_shared_client_reads_writes_and_counts_from_many_threads(redis_cache):
    redis_cache.set("counter", 0, None)

    def count():
        for _ in range(200):
            redis_cache.incr("counter")

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("counter") == 1600
    redis_cache.set_many({"a": 1, "b": [2]})
    assert redis_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": [2]}


@needs_redis
@pytest.mark.django_db
def test_a_cached_page_is_one_round_trip_and_an_edit_shows_at_once(redis_cache, client):
    asset = AssetFactory(name="The Red Lion")
    first = client.get(asset.get_absolute_url())
    commands = []
    shared = redis_cache._cache.get_client()
    execute = shared.execute_command

    def counted(*args, **options):
        commands.append(args[0])
        return execute(*args, **options)

    shared.execute_command = counted
    try:
        again = client.get(asset.get_absolute_url())
    finally:
        del shared.execute_command
    assert commands == ["MGET"]
    assert again.content == first.content
    asset.name = "The Red Lion Inn"
    asset.save()
    assert "The Red Lion Inn" in client.get(asset.get_absolute_url()).content.decode()
