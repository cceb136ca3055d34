"""Absolute URLs for what leaves the site (emails, feeds, letters), built from SITE_URL
so that a background task, which has no request, writes the same links as a page; and
`reverse_one`, reverse() for the one-argument links of a list's rows, which the templates'
{% url %} uses too (templatetags/links.py)."""

import functools
import re
from urllib.parse import urljoin

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Digits, so that an <int:...> pattern takes it too; nothing else in a path looks like it.
_MARK = 918273645546372819
# What every path converter here takes as it is and reverse() would not quote.
_PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def absolute(path):
    return urljoin(settings.SITE_URL, path)


def absolute_url(name, *args):
    return absolute(reverse(name, args=args))


def reverse_one(name, value):
    """reverse(name, args=[value]), the pattern reversed once per URL configuration and
    script prefix: a page of rows links each row, and reverse() costs more than the row.
    For a pattern whose one converter takes the value as it is (a pk for <int:...>, a
    code for <str:...>); one that reverse() would quote goes to reverse() itself."""
    return paths_of(name)(value)


def paths_of(name):
    """reverse_one(name, ·) for the rows of one list: the URL configuration, script prefix
    and language (thread-locals, 10 µs a row together) looked up once for them all."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around_mark(name, urlconf, get_script_prefix(), get_language())

    def path(value):
        text = str(value)
        return f"{before}{text}{after}" if _PLAIN.fullmatch(text) else reverse(name, args=[value])

    return path


def reverse_link(name, args, kwargs):
    """What {% url %} reverses: a link with no argument, or one plain one, reversed once
    per pattern, URL configuration, script prefix and language."""
    if kwargs or len(args) > 1:
        return reverse(name, args=args, kwargs=kwargs)
    if args:
        return reverse_one(name, args[0])
    return _reversed(
        name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language()
    )


@functools.cache
def _reversed(name, urlconf, prefix, language):  # what reverse() depends on
    return reverse(name, urlconf=urlconf)


@functools.cache
def _around_mark(name, urlconf, prefix, language):  # what reverse() depends on
    before, _, after = reverse(name, args=[_MARK], urlconf=urlconf).rpartition(str(_MARK))
    return before, after
