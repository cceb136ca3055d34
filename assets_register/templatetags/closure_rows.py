"""{% closure_rows events %}: a list's rows of closures, written in Python from values
(ClosureRow), as {% asset_rows %} writes places: a template row of an event and its
place, each a model, cost several times more."""

import html

from django import template
from django.utils.safestring import mark_safe

from assets_register.core.urls import paths_of
from assets_register.models import Asset, AssetEvent
from assets_register.models.assets import date_in_words

register = template.Library()


@register.simple_tag
def closure_rows(events, category=False):
    """An <li> for each closure (ClosureRow): its place linked, what happened and when,
    with the kind of place first if `category`."""
    path = paths_of("asset_detail")
    return mark_safe("".join(_closure(path, event, category) for event in events))


def _closure(path, event, category):
    # html.escape, as in asset_rows: plain values, the whole marked safe once.
    meta = AssetEvent.label_html("kind", event.kind).lower()
    if category:
        meta = f"{Asset.label_html('category', event.category).lower()}, {meta}"
    when = date_in_words(event.date, event.date_precision, event.date_until)
    return (
        f'<li><a href="{path(event.asset_pk)}">{html.escape(event.asset_name)}</a> '
        f'<span class="meta">{meta} {html.escape(when)}</span></li>'
    )
