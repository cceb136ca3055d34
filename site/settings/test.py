"""Test settings: fast hashing, in-memory cache and mail, tasks run at once, no tiles."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A test run is one process: its memory cache counts rate limits correctly.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
MAP_TILES_URL = ""
LEAFLET_CONFIG["TILES"] = []  # noqa: F405
CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILES_URL)  # noqa: F405
GEOCODER_ONLINE = ""
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES["private"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}  # noqa: F405
