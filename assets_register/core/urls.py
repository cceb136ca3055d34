"""Absolute URLs for what leaves the site (emails, feeds, letters), built from SITE_URL
so that a background task, which has no request, writes the same links as a page."""

import functools
from urllib.parse import urljoin

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_ID = 123456789  # stands in for the id while the path is reversed


def absolute(path):
    return urljoin(settings.SITE_URL, path)


def absolute_url(name, *args):
    return absolute(reverse(name, args=args))


def id_path(name, pk):
    """reverse(name, args=[pk]) for a path whose one argument is an integer id, reversed
    once per name, script prefix and URLconf: a list of 50 places reversed 50 times."""
    head, tail = _id_path_parts(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{pk}{tail}"


@functools.cache
def _id_path_parts(name, script_prefix, urlconf):
    head, tail = reverse(name, args=[_ID], urlconf=urlconf).split(str(_ID))
    return head, tail
