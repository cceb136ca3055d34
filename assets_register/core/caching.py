"""Whole-page caching for the public site. Every copy of a page is tagged with the content
version it was made at, which any change to the register bumps (places, events, areas, the
ACV workflow, indicators), and is served only while that version holds; it is keyed on
today's date too, because countdowns ("9 days left") change at midnight. So an edit shows
on the next request, on every web process sharing the cache. The version and the copy are
read together: one round trip to a shared cache, not two.

A page is also keyed on the query parameters its view declares it reads, and on nothing
else in the query string: the view is given only those, in a fixed order, so a tracking
tag, a cache-buster or junk neither makes another copy of the page nor finds its way into
a copy that other visitors are served."""

import functools
import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date

CONTENT_VERSION_KEY = "register:content-version"
# Pages, and the redirects pages answer with (a postcode search sends the browser to the
# postcode's ward): each follows from the URL and the register alone.
KEPT = frozenset({200, 301, 302})


def shared_version(key):
    """A counter in the shared cache: every web process sees a bump at once."""
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def bump_shared_version(key):
    try:
        cache.incr(key)
    except ValueError:  # evicted or never set: any fresh number will do
        cache.set(key, time.time_ns(), timeout=None)


def content_version():
    return shared_version(CONTENT_VERSION_KEY)


def bump_content_version():
    bump_shared_version(CONTENT_VERSION_KEY)


def page_key(request):
    path = request.get_full_path()
    day = timezone.localdate().isoformat()
    return "page:" + hashlib.sha256(f"{day} {path}".encode()).hexdigest()


def current_copy(key):
    """(the content version, the copy kept under key if it was made at that version)."""
    version, copy = copy_in(cache.get_many([CONTENT_VERSION_KEY, key]), key)
    return (content_version(), None) if version is None else (version, copy)


def copy_in(kept, key):
    """(the content version, the copy under key if made at it) in what get_many read."""
    version = kept.get(CONTENT_VERSION_KEY)
    made_at, copy = kept.get(key, (None, None))
    return version, copy if version is not None and made_at == version else None


def mark_validators(response):
    """An ETag of the body, and the time this copy was made as Last-Modified: a copy lives
    only until the content version moves, so nothing it shows changed after that time (a
    feed's own Last-Modified, its newest event's date, would miss a backdated import).
    ConditionalGetMiddleware then answers If-None-Match / If-Modified-Since with 304."""
    set_response_etag(response)
    response["Last-Modified"] = http_date()


def keep_query_params(request, names):
    """Leave the request only the query parameters in names, sorted by name."""
    query = urlencode(
        [(name, value) for name in sorted(names) for value in request.GET.getlist(name)]
    )
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def cached_page(view=None, *, query=()):
    """Serve anonymous GETs of a public page from the cache. Only pages with no per-visitor
    content (no CSRF token, no messages) use this. `query` names the query parameters the
    view reads: `@cached_page(query=["q"])`."""
    if view is None:
        return functools.partial(cached_page, query=query)
    names = frozenset(query)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        keep_query_params(request, names)
        key = page_key(request)
        version, response = current_copy(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code in KEPT and not response.streaming and not response.cookies:
                if response.status_code == 200:
                    mark_validators(response)
                # Tagged with the version read before it was made: an edit meanwhile
                # makes it stale at once.
                cache.set(key, (version, response), settings.PAGE_CACHE_SECONDS)
        # Browsers and shared caches may reuse it briefly; edits show within that time.
        patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
        return response

    return wrapper
