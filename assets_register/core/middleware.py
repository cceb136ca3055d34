"""A clear page while the database is unreachable, and recovery with no restart.

A refused, lost or overloaded database connection surfaces as OperationalError or
InterfaceError from whatever query a view makes. Instead of a 500, the visitor gets a 503
page that says so and asks them to come back in a minute (Retry-After). The page is rendered
from templates/503.html with no request, so no context processor or tag can touch the
database. The failed connections are closed at once, so the next request opens a new one
and the site comes back by itself when the database does.
"""

import contextlib
import logging
import re

from django.conf import settings
from django.db import Error, InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseNotFound, QueryDict
from django.template.loader import get_template

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
PLAIN_MESSAGE = "The register is not available right now. Please try again in a minute.\n"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable while answering %s: %s", request.path, exception)
        close_failed_connections()
        return database_unavailable_response()


def close_failed_connections():
    """Close every open connection, as Django's request_finished handler would close an
    unusable one; closing here does not depend on that handler (test clients skip it) and
    spends no time probing a connection that has just failed."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue  # an outer transaction (a test's) owns it
        with contextlib.suppress(Error):
            connection.close()


def database_unavailable_response():
    try:
        body = get_template("503.html").render({"site_name": settings.WAGTAIL_SITE_NAME})
        content_type = "text/html; charset=utf-8"
    except Exception:
        # The page must appear whatever else is broken (a missing static manifest, say).
        logger.exception("Could not render 503.html")
        body, content_type = PLAIN_MESSAGE, "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class NulCharactersMiddleware:
    """A NUL character is never meaningful in an address, a query or a form, and PostgreSQL
    refuses text containing one: such a path is not found, and NULs are dropped from
    query and form values before any view sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return HttpResponseNotFound("Not found", content_type="text/plain")
        request.GET = _without_nul(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


def _without_nul(query):
    if not any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    ):
        return query
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        clean.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    clean._mutable = False
    # Which fields had NULs: a honeypot filled with nothing else is still filled.
    clean.nul_dropped = frozenset(
        key.replace("\x00", "")
        for key, values in query.lists()
        if "\x00" in key or any("\x00" in value for value in values)
    )
    return clean


# Open data: the API, downloads, feeds, calendars, exports and map data. Never the admin,
# forms or pages, which carry sessions and CSRF tokens.
OPEN_DATA_PATH = re.compile(r"^/(api|downloads)/|\.(atom|ics|csv|geojson|xlsx)$")
CONDITIONAL_HEADERS = "If-None-Match, If-Modified-Since"
VALIDATOR_HEADERS = "ETag, Last-Modified, Link, Retry-After"


def is_open_data(path):
    return bool(OPEN_DATA_PATH.search(path)) and not path.startswith("/admin/")


class OpenDataCorsMiddleware:
    """Lets any web site read the open data (CORS, with no credentials), including the
    conditional-GET headers a polling client sends and the validators it reads back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_open_data(request.path):
            return self.get_response(request)
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = CONDITIONAL_HEADERS
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
            response["Access-Control-Expose-Headers"] = VALIDATOR_HEADERS
        response["Access-Control-Allow-Origin"] = "*"
        return response
