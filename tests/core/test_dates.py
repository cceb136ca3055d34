import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets_register.core.dates import InvalidDate, parse_partial_date
from assets_register.models import DatePrecision


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2013", (datetime.date(2013, 1, 1), DatePrecision.YEAR)),
        ("2013.0", (datetime.date(2013, 1, 1), DatePrecision.YEAR)),
        ("2013-05", (datetime.date(2013, 5, 1), DatePrecision.MONTH)),
        ("05/2013", (datetime.date(2013, 5, 1), DatePrecision.MONTH)),
        ("2013-05-31", (datetime.date(2013, 5, 31), DatePrecision.DAY)),
        ("31/05/2013", (datetime.date(2013, 5, 31), DatePrecision.DAY)),
        ("03/04/2021", (datetime.date(2021, 4, 3), DatePrecision.DAY)),  # British order
    ],
)
def test_partial_dates(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("bad", ["", "soon", "31/02/2020", "2013-13", "13/2013", "0999", "20130"])
def test_bad_dates_raise_a_readable_error(bad):
    with pytest.raises(InvalidDate):
        parse_partial_date(bad)


@given(st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_day_dates_round_trip_in_both_written_forms(day):
    assert parse_partial_date(day.isoformat()) == (day, DatePrecision.DAY)
    assert parse_partial_date(day.strftime("%d/%m/%Y")) == (day, DatePrecision.DAY)


@given(st.text(max_size=20))
def test_any_text_gives_a_date_or_invalid_date(text):
    try:
        day, precision = parse_partial_date(text)
    except InvalidDate:
        return
    assert isinstance(day, datetime.date) and precision in DatePrecision.values
