"""Whole-page caching for the public site. Every page is keyed on the content version,
which any change to the register bumps (places, events, areas, the ACV workflow,
indicators), and on today's date, because countdowns ("9 days left") change at midnight.
So an edit shows on the next request, on every web process sharing the cache."""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control

CONTENT_VERSION_KEY = "register:content-version"


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
    digest = hashlib.sha256(f"{content_version()} {day} {path}".encode()).hexdigest()
    return f"page:{digest}"


def cached_page(view):
    """Serve anonymous GETs of a public page from the cache. Only pages with no per-visitor
    content (no CSRF token, no messages) use this."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = page_key(request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        # Browsers and shared caches may reuse it briefly; edits show within that time.
        patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
        return response

    return wrapper
