"""{% place_rows places %} and {% closure_rows events %}: a list's rows of places and of
closures, written in Python from values (PlaceRow, ClosureRow). As a template, with an
include per row, a row cost more than the rest of an area's page: a template looks up
each of a row's variables, and makes a context, for each of fifty rows."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from assets_register.core.urls import reverse_one
from assets_register.models import Asset, AssetEvent
from assets_register.models.assets import PlaceRow, date_in_words

register = template.Library()


@register.simple_tag
def place_rows(places, empty=""):
    """An <li> for each place, a PlaceRow or, for the nearest places, a (PlaceRow, km)
    pair; for none, `empty` in one."""
    rows = [_place(*((item, None) if isinstance(item, PlaceRow) else item)) for item in places]
    if not rows and empty:
        return format_html("<li>{}</li>", empty)
    return mark_safe("".join(rows))


def _place(place, km):
    meta = escape(Asset.label_of("category", place.category))
    if place.ward_name is not None:
        meta += f" · {escape(place.ward_name)}"
    if km is not None:
        meta += f" · {floatformat(km, 1)} km"
    return (
        f'<li><a href="{reverse_one("asset_detail", place.pk)}">{escape(place.name)}</a>\n'
        f'  <span class="meta">{meta}</span>\n'
        f'  <span class="status status-{escape(place.status)}">'
        f"{escape(Asset.label_of('status', place.status))}</span>\n</li>\n"
    )


@register.simple_tag
def closure_rows(events, category=False):
    """An <li> for each closure (ClosureRow): its place linked, what happened and when,
    with the kind of place first if `category`."""
    return mark_safe("".join(_closure(event, category) for event in events))


def _closure(event, category):
    meta = escape(AssetEvent.label_of("kind", event.kind).lower())
    if category:
        meta = f"{escape(Asset.label_of('category', event.category).lower())}, {meta}"
    when = date_in_words(event.date, event.date_precision, event.date_until)
    return (
        f'<li><a href="{reverse_one("asset_detail", event.asset_pk)}">'
        f'{escape(event.asset_name)}</a> <span class="meta">{meta} {escape(when)}</span></li>'
    )
