"""Absolute URLs for what leaves the site (emails, feeds, letters), built from SITE_URL
so that a background task, which has no request, writes the same links as a page."""

from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse


def absolute(path):
    return urljoin(settings.SITE_URL, path)


def absolute_url(name, *args):
    return absolute(reverse(name, args=args))
