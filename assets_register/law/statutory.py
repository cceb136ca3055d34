"""Statutory date arithmetic for the Community Right to Bid (domain.md §1.12).

A period "beginning with" a day includes that day, so N days beginning with D
end on D + N - 1. Month periods follow the corresponding-date rule (Dodds v
Walker): N months beginning with D end the day before the same day-of-month N
months on, or, where that month is too short to have it, on the last day of
that month (6 months beginning 31 August end on 28 or 29 February). A period
"after" a day excludes it: 28 days after D end on D + 28.

Lengths are never written here: they come from a regime (see models.acv) so
that a change in the law is a change of data.
"""

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class Counting(StrEnum):
    BEGINNING_WITH = "beginning_with"  # the trigger day is the first day of the period
    AFTER = "after"  # the period starts the day after the trigger


# House style, as in the statute's own text: lengths one to nine in words, 10 and above
# in figures ("eight weeks", "28 days", "18 months").
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
COUNTING_WORDS = {Counting.BEGINNING_WITH: "beginning with", Counting.AFTER: "after"}


@dataclass(frozen=True)
class Period:
    length: int
    unit: Unit
    counting: Counting = Counting.BEGINNING_WITH

    def __str__(self):
        return f"{self.length} {self._unit_words()}"

    def _unit_words(self):
        return self.unit.value if self.length != 1 else self.unit.value[:-1]

    def in_words(self) -> str:
        """How a page says it: 'eight weeks', '28 days', 'one year'."""
        if self.length <= len(NUMBER_WORDS):
            return f"{NUMBER_WORDS[self.length - 1]} {self._unit_words()}"
        return str(self)

    def counted_from(self, trigger: str) -> str:
        """The period with its trigger: 'eight weeks beginning with the notice of listing',
        '28 days after the review decision was sent'."""
        return f"{self.in_words()} {COUNTING_WORDS[self.counting]} {trigger}"

    def last_day(self, trigger: datetime.date) -> datetime.date:
        """The last day on which the period is still running."""
        if self.counting == Counting.AFTER:
            return trigger + datetime.timedelta(days=self.in_days(trigger))
        if self.unit in (Unit.MONTHS, Unit.YEARS):
            months = self.length * (12 if self.unit == Unit.YEARS else 1)
            return months_beginning_with(trigger, months)
        return trigger + datetime.timedelta(days=self.in_days(trigger) - 1)

    def in_days(self, trigger: datetime.date) -> int:
        if self.unit == Unit.DAYS:
            return self.length
        if self.unit == Unit.WEEKS:
            return self.length * 7
        raise ValueError("month and year periods have no fixed number of days")


def add_months(day: datetime.date, months: int):
    """The same day-of-month `months` later, or None when that month is too short."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day > calendar.monthrange(year, month)[1]:
        return None
    return day.replace(year=year, month=month)


def months_beginning_with(day: datetime.date, months: int) -> datetime.date:
    corresponding = add_months(day, months)
    if corresponding is not None:
        return corresponding - datetime.timedelta(days=1)
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def days_left(last_day: datetime.date, today: datetime.date):
    """Days between today and the last day (0 on the last day itself), or None once
    the period is over: on 1 June a period ending 10 June has 9 days left."""
    return (last_day - today).days if last_day >= today else None
