"""Statutory periods in templates, worded from the regime in force, never typed in:
{% period_words "interim_moratorium" %} renders "six weeks" under the 2012 rules."""

from django import template

from assets_register.models import period_counted_from, period_words

register = template.Library()


@register.simple_tag(name="period_words")
def period_words_tag(clock, day=None):
    """The period for `clock` in the regime in force on `day` (today by default)."""
    return period_words(clock, day)


@register.simple_tag(name="period_counted_from")
def period_counted_from_tag(clock, day=None, trigger=None):
    """'eight weeks beginning with the day the council receives the nomination': length,
    counting and trigger event from the regime in force on `day`; a letter may name the
    day in its reader's terms ("the day this notice was sent to you")."""
    return period_counted_from(clock, day, trigger)
