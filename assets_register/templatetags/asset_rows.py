"""{% asset_rows places %}: a list's rows of places, written in Python from values
(PlaceRow). As a template, with an include per row, a row cost more than the rest of an
area's page: a template looks up each of a row's variables, and makes a context, for each
of fifty rows."""

import html

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assets_register.core.urls import paths_of
from assets_register.models import Asset
from assets_register.models.assets import PlaceRow

register = template.Library()


@register.simple_tag
def asset_rows(places, empty=""):
    """An <li> for each place, a PlaceRow or, for the nearest places, a (PlaceRow, km)
    pair; for none, `empty` in one."""
    path = paths_of("asset_detail")
    rows = [
        _place(path, *((item, None) if isinstance(item, PlaceRow) else item)) for item in places
    ]
    if not rows and empty:
        return format_html("<li>{}</li>", empty)
    return mark_safe("".join(rows))


def _place(path, place, km):
    # html.escape is what escape() does, without its check for lazy text (a row's values
    # are plain); the result is marked safe once, for all the rows.
    meta = Asset.label_html("category", place.category)
    if place.ward_name is not None:
        meta += f" · {html.escape(place.ward_name)}"
    if km is not None:
        meta += f" · {floatformat(km, 1)} km"
    return (
        f'<li><a href="{path(place.pk)}">{html.escape(place.name)}</a>\n'
        f'  <span class="meta">{meta}</span>\n'
        f'  <span class="status status-{html.escape(place.status)}">'
        f"{Asset.label_html('status', place.status)}</span>\n</li>\n"
    )
