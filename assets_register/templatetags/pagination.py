"""{% pagination page label query anchor %}: a list's links to its previous and next
pages, written in Python as {% asset_rows %} writes rows: an include given four
variables cost more than the links."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def _v(value):
    """{{ value }}"""
    return conditional_escape(localize(value))


@register.simple_tag
def pagination(page, label, query="", anchor=""):
    """For a Paginator's page of more than one: links keeping `query` (a query string),
    each ending with `anchor`."""
    if page.paginator.num_pages <= 1:
        return mark_safe("\n")
    start = f"?{_v(query)}&amp;page=" if query else "?page="
    anchor = _v(anchor)
    previous = next_ = ""
    if page.has_previous():
        previous = (
            f'<a href="{start}{_v(page.previous_page_number())}{anchor}" rel="prev">'
            "Previous page</a>"
        )
    if page.has_next():
        next_ = f'<a href="{start}{_v(page.next_page_number())}{anchor}" rel="next">Next page</a>'
    return mark_safe(
        f'\n  <nav class="pagination" aria-label="{_v(label)}">\n'
        f"    {previous}\n"
        f"    <span>Page {_v(page.number)} of {_v(page.paginator.num_pages)}</span>\n"
        f"    {next_}\n"
        "  </nav>\n\n"
    )
