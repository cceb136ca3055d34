"""Dates as sources give them: a day, a month or only a year."""

import datetime
import re

from django.db import models


class DatePrecision(models.TextChoices):
    """How much of a date a source gave: the stored date is the first day of that period."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


_PATTERNS = [
    (re.compile(r"^(\d{4})$"), ("year",), DatePrecision.YEAR),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("year", "month"), DatePrecision.MONTH),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), ("month", "year"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day"), DatePrecision.DAY),
    # British order only: 03/04/2021 is 3 April.
    (
        re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$"),
        ("day", "month", "year"),
        DatePrecision.DAY,
    ),
]
EARLIEST_YEAR = 1000


class InvalidDate(ValueError):
    pass


def parse_partial_date(text):
    """(first day of the period, precision) for '2013', '2013-05', '05/2013', '2013-05-31',
    '31/05/2013' or a datetime value; InvalidDate otherwise."""
    if isinstance(text, datetime.datetime):
        return text.date(), DatePrecision.DAY
    if isinstance(text, datetime.date):
        return text, DatePrecision.DAY
    value = str(text).strip()
    if re.fullmatch(r"\d{4}\.0", value):  # a year that went through a float column
        value = value[:4]
    for pattern, parts, precision in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        fields = dict(zip(parts, map(int, match.groups()), strict=True))
        try:
            day = datetime.date(fields["year"], fields.get("month", 1), fields.get("day", 1))
        except ValueError as error:
            raise InvalidDate(f"{value!r} is not a real date ({error})") from None
        if day.year < EARLIEST_YEAR:
            raise InvalidDate(f"{value!r} is too far in the past")
        return day, precision
    raise InvalidDate(f"{value[:30]!r} is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)")
