"""Django's Redis cache, with one client object per connection pool instead of one per
call. Django builds a new redis.Redis for every get and set (redis-py 7: 60-100 us of CPU
here, a third of a GET's own cost, and a cached page is two of them). A client only holds
its pool and settings, and redis-py's clients are safe to share between threads."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # pool index: its client

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
