"""The load balancer's health check: GET /healthz answers 200 with a tiny JSON body when
the database answers a query and the cache keeps a value, 503 when either does not.

It answers first in the middleware chain, before the HTTPS redirect (probes come over
plain HTTP from inside the network), the host check (they name the machine by address),
sessions, the page cache and any rate limit, so a probe neither fails for those nor
leaves a trace in them. It says which part failed, never why (no error text leaks)."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import Error, connection
from django.http import JsonResponse

from assets_register.core.middleware import RETRY_AFTER_SECONDS, close_failed_connections

logger = logging.getLogger(__name__)
PROBE_KEY = "healthz-probe"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Error as error:
        logger.warning("Health check: the database does not answer: %s", error)
        close_failed_connections()
        return False


def cache_answers():
    token = secrets.token_hex(8)
    try:
        cache.set(PROBE_KEY, token, timeout=10)
        return cache.get(PROBE_KEY) == token
    except Exception as error:  # each cache backend raises its own errors
        logger.warning("Health check: the cache does not answer: %s", error)
        return False


def health_response():
    checks = {"database": database_answers(), "cache": cache_answers()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update((name, "ok" if ok else "unavailable") for name, ok in checks.items())
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class HealthCheckMiddleware:
    """Answers HEALTH_CHECK_PATH itself; first in MIDDLEWARE (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == settings.HEALTH_CHECK_PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
