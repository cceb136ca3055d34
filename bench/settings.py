"""Settings for benchmarking under gunicorn: production-like (DEBUG off), local only.

The database comes from DATABASE_URL (set by bench/map_api.py); the cache is
per-process locmem and there is no tile server.
"""

from settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAP_TILES_URL = ""
LEAFLET_CONFIG["TILES"] = []  # noqa: F405
GEOCODER_ONLINE = ""
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
