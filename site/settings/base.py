"""Settings shared by every environment. Secure by default: DEBUG is off here."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parents[2]


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "assets_register",
    "csp",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.sites",
    "wagtail",
    "modelcluster",
    "taggit",
    "leaflet",
    "django_ratelimit",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: the load balancer's probe skips the HTTPS redirect, host check and caches.
    "assets_register.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # ETag / Last-Modified → 304 for every page, feed, export and API answer (one place).
    "assets_register.core.middleware.OpenDataCorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "assets_register.core.middleware.DatabaseUnavailableMiddleware",
    "assets_register.core.middleware.NulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns a locked-out sign-in into the lockout page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

HEALTH_CHECK_PATH = os.environ.get("HEALTH_CHECK_PATH", "/healthz")

ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assets_register.core.context_processors.site_context",
            ],
            # {% url %}, reversed once; {% once %}, the layout's fixed parts rendered once
            "builtins": ["assets_register.templatetags.links", "assets_register.templatetags.once"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        # A kept connection is checked before reuse: after a database restart the first
        # request reconnects instead of failing.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database is shared by the web processes, the task worker and imports.
    # WAL lets pages be read while someone writes; IMMEDIATE takes the write lock when a
    # transaction begins, so a writer that finds another ahead of it waits its turn (up to
    # the timeout) instead of failing at once when it tries to upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "30")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("DATABASE_REPLICA_URL"):
    # Public pages read from a PostgreSQL replica; everything else uses the primary.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASE_ROUTERS = ["assets_register.core.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(1, "assets_register.core.db_routers.ReplicaReadsMiddleware")
# The public pages' few compiled queries are PREPAREd once per PostgreSQL session
# (core.session_statements); off behind a pooler that shares sessions (PgBouncer's
# transaction mode).
POSTGRES_PREPARED_STATEMENTS = os.environ.get(
    "POSTGRES_PREPARED_STATEMENTS", "true"
).strip().lower() in ("1", "true", "yes", "on")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail 8's search index needs it on PostgreSQL (postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Without Redis, the processes of one machine (web, task worker, commands) share a cache in
# a SQLite file (core.file_cache): one content version, one count per rate limit, and a
# page one process made is served by all. 10,000 pages, 13 kB each on average at national
# scale (16,000 distinct pages in bench/load.py's mix), take ~130 MB of disk.
LOCAL_CACHE = {
    "BACKEND": "assets_register.core.file_cache.SQLiteCache",
    "LOCATION": os.environ.get("CACHE_FILE", str(BASE_DIR / "var" / "cache.sqlite3")),
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "10000"))},
}
CACHES = {"default": LOCAL_CACHE}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "assets_register.core.redis_cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# Anonymous forms are rate-limited in the cache. Both caches increment atomically, which
# is what django-ratelimit needs, though neither is on its list.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
RATELIMIT_VIEW = "assets_register.core.ratelimits.rate_limited"
# Limits count per visitor: REMOTE_ADDR, or behind this many reverse proxies the address
# the nearest of them was reached from (assets_register/core/client_address.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "assets_register.core.client_address.client_ip"
NOMINATION_RATE_PER_IP = os.environ.get("NOMINATION_RATE_PER_IP", "5/h")
NOMINATION_RATE_PER_EMAIL = os.environ.get("NOMINATION_RATE_PER_EMAIL", "3/h")
# Publish a nomination under consideration as soon as it arrives, not once accepted as valid.
ACV_SHOW_NOMINATIONS_ON_RECEIPT = os.environ.get(
    "ACV_SHOW_NOMINATIONS_ON_RECEIPT", "false"
).strip().lower() in ("1", "true", "yes", "on")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "register@localhost")
# Alerts: reminders this many days before a bid window closes or a listing expires; news
# older than ALERT_MAX_EVENT_AGE_DAYS (an import of history) is not sent.
ALERT_REMINDER_DAYS = [
    int(days) for days in os.environ.get("ALERT_REMINDER_DAYS", "7,2").split(",")
]
ALERT_MAX_EVENT_AGE_DAYS = int(os.environ.get("ALERT_MAX_EVENT_AGE_DAYS", "30"))
ALERT_MESSAGE_ID_DOMAIN = os.environ.get("ALERT_MESSAGE_ID_DOMAIN", "alerts.localhost")
ALERT_RATE_PER_IP = os.environ.get("ALERT_RATE_PER_IP", "10/h")
ALERT_RATE_PER_EMAIL = os.environ.get("ALERT_RATE_PER_EMAIL", "5/h")

# Background work: a database-backed queue drained by `manage.py db_worker`. A task running
# for longer than TASK_STALE_AFTER_SECONDS belonged to a worker that died: it is queued
# again, and failed after TASK_MAX_ATTEMPTS starts (assets_register/core/stale_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_STALE_AFTER_SECONDS = int(os.environ.get("TASK_STALE_AFTER_SECONDS", "900"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "3"))

# The admin login: after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address (the visitor's, as the rate limits count it), that pair is locked out for
# LOGIN_LOCKOUT_MINUTES. Keyed on the pair, so nobody can lock an officer out from
# elsewhere. Attempts are recorded in the database (django-axes's AccessAttempt; unlock
# early with `manage.py axes_reset_username USERNAME`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = os.environ.get("LOGIN_RESET_ON_SUCCESS", "true").lower() == "true"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "assets_register.core.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "assets_register/login_locked_out.html"
AXES_VERBOSE = False  # no banner on every start

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    # Residents' photos before moderation: never under MEDIA_ROOT, served only through views
    # that check who is asking.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))
        },
    },
}
REPORT_PHOTO_MAX_BYTES = 8 * 1024 * 1024
REPORT_RATE_PER_IP = os.environ.get("REPORT_RATE_PER_IP", "10/h")
REPORT_RATE_PER_EMAIL = os.environ.get("REPORT_RATE_PER_EMAIL", "5/h")

# Public pages are cached whole (assets_register/caching.py) and invalidated by any edit;
# browsers and shared caches may keep them for PAGE_MAX_AGE seconds.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Build the map's index when the web server loads the site (wsgi.py): with gunicorn
# --preload that is before the workers fork, so they share it. The development server
# and the tests build it on the first map request instead.
MAP_INDEX_AT_START = False
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))

WAGTAIL_SITE_NAME = "Community Asset Register"
# Links in emails and the admin; by default the local server on the port it serves
# (bin/demo's PORT), so a demo on another port links to itself.
PORT = os.environ.get("PORT", "8000")
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No third-party avatar requests from the admin (they leak editors' email hashes).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "docx", "odt", "xlsx", "txt", "png", "jpg"]

# Maps. Tiles are fetched by the visitor's browser, never by the server; set
# MAP_TILES_URL to "" to run with no tile server at all (tests do).
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (53.0, -1.5),
    "DEFAULT_ZOOM": 6,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [("Map", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})]
    if MAP_TILES_URL
    else [],
    "RESET_VIEW": False,
}


# Content Security Policy (django-csp): scripts only from this site (maps start from JSON
# options, see templatetags/register_maps.py, so no inline script and no nonce: pages can be
# cached whole), images also from the tile server. The Wagtail admin keeps its own inline
# scripts, so it is left out; it is behind a login.
def content_security_policy(tiles_url):
    tiles = ["{0.scheme}://{0.netloc}".format(urlsplit(tiles_url))] if tiles_url else []
    return {
        "EXCLUDE_URL_PREFIXES": ["/admin/"],
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            # Leaflet positions tiles and markers with style attributes.
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:", *tiles],
            "connect-src": [SELF],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }


CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILES_URL)

# Geocoding: the offline postcode table first; an online geopy geocoder only
# when configured, e.g. GEOCODER_ONLINE=geopy.geocoders.Nominatim.
GEOCODER_ONLINE = os.environ.get("GEOCODER_ONLINE", "")
GEOCODER_ONLINE_OPTIONS = {
    "user_agent": os.environ.get("GEOCODER_USER_AGENT", "community-asset-register"),
    "timeout": float(os.environ.get("GEOCODER_TIMEOUT", "5")),
}
GEOCODER_MIN_DELAY_SECONDS = float(os.environ.get("GEOCODER_MIN_DELAY_SECONDS", "1"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The 'losing places to meet' indicator (assets_register/indicators.py); the rules are
# explained on /indicators/ with these values. The period is 5 or 10 years. The net loss
# may be one number or one per area kind, e.g. {"lsoa": 2, "ward": 2, "council": 10}.
INDICATOR_PERIOD_YEARS = int(os.environ.get("INDICATOR_PERIOD_YEARS", "10"))
INDICATOR_LOSING_MIN_NET_LOSS = int(os.environ.get("INDICATOR_LOSING_MIN_NET_LOSS", "2"))
INDICATOR_LOSING_WORST_PERCENT = float(os.environ.get("INDICATOR_LOSING_WORST_PERCENT", "10"))
INDICATOR_LEFT_BEHIND_MAX_IMD_DECILE = int(
    os.environ.get("INDICATOR_LEFT_BEHIND_MAX_IMD_DECILE", "1")
)
# After an edit, how long the one queued recompute waits for the rest of the burst.
INDICATOR_RECOMPUTE_DELAY_SECONDS = int(os.environ.get("INDICATOR_RECOMPUTE_DELAY_SECONDS", "60"))

# Open data out: the read-only API (/api/) and the downloads (/downloads/register.*).
# "ninja" is an app so that /api/docs serves Swagger UI from its bundled static files,
# not from a CDN.
INSTALLED_APPS.append("ninja")
API_RATE_PER_IP = os.environ.get("API_RATE_PER_IP", "120/m")
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "60"))
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "100"))
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "500"))
DOWNLOAD_RATE_PER_IP = os.environ.get("DOWNLOAD_RATE_PER_IP", "30/h")
