"""|long_date writes a day as |date:"j F Y" does."""

import datetime

from django.template.defaultfilters import date as date_filter

from assets_register.templatetags.plain_dates import long_date


def test_long_date_is_the_date_filter_in_words():
    day = datetime.date(2020, 1, 1)
    while day < datetime.date(2021, 1, 1):
        assert long_date(day) == date_filter(day, "j F Y")
        day += datetime.timedelta(days=13)
    assert long_date(None) == ""
