"""Settings for benchmarking under gunicorn: production-like (DEBUG off), local only.

The database comes from DATABASE_URL and the cache file from CACHE_FILE (bench/common.py's
bench_env sets both: a new cache file each run); there is no tile server and email goes
nowhere.
"""

from settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"
CACHES = {"default": {**LOCAL_CACHE}}  # noqa: F405  (the site's own, never REDIS_URL's)
MAP_TILES_URL = ""
LEAFLET_CONFIG["TILES"] = []  # noqa: F405
GEOCODER_ONLINE = ""
MAP_INDEX_AT_START = True  # as production
# The task worker sends its emails nowhere: bench/concurrent_writers.py runs it.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# For bench/load.py only (bench/map_api.py sets neither variable): BENCH_REDIS_URL shares
# one Redis cache between the workers, as production does with REDIS_URL; BENCH_CACHE_PROBE
# tags each response the page cache was asked about with X-Bench-Cache: hit or miss.
import os  # noqa: E402

if os.environ.get("BENCH_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "assets_register.core.redis_cache.RedisCache",
            "LOCATION": os.environ["BENCH_REDIS_URL"],
        }
    }
if os.environ.get("BENCH_CACHE_PROBE"):
    CACHES["default"]["BACKEND"] = (
        "bench.load.Probed" + CACHES["default"]["BACKEND"].rsplit(".", 1)[1]
    )
    MIDDLEWARE = ["bench.load.CacheProbeMiddleware", *MIDDLEWARE]  # noqa: F405
