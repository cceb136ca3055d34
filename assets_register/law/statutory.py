"""Statutory date arithmetic for the Community Right to Bid (domain.md §1.12).

A period "beginning with" a day includes that day, so N days beginning with D
end on D + N - 1. Month periods follow the corresponding-date rule (Dodds v
Walker): N months beginning with D end the day before the same day-of-month N
months on, or, where that month is too short to have it, on the last day of
that month (6 months beginning 31 August end on 28 or 29 February). A period
"after" a day excludes it: 28 days after D end on D + 28, and a month after D ends on
the corresponding date. Where a rule says so (the tribunal's, for appeals), a last day
that is not a working day in England and Wales moves to the next working day.

Lengths are never written here: they come from a regime (see models.acv) so
that a change in the law is a change of data.
"""

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import holidays


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class Counting(StrEnum):
    BEGINNING_WITH = "beginning_with"  # the trigger day is the first day of the period
    AFTER = "after"  # the period starts the day after the trigger
    # As AFTER, and a last day that is not a working day moves to the next working day
    # (the First-tier Tribunal's rule 12, for appeals).
    AFTER_TO_WORKING_DAY = "after_working_day"


# House style, as in the statute's own text: lengths one to nine in words, 10 and above
# in figures ("eight weeks", "28 days", "18 months").
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
COUNTING_WORDS = {
    Counting.BEGINNING_WITH: "beginning with",
    Counting.AFTER: "after",
    Counting.AFTER_TO_WORKING_DAY: "after",
}


@cache
def _bank_holidays(year):
    # The maintained calendar: England and Wales share their bank holidays.
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: datetime.date) -> bool:
    """Not a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Period:
    length: int
    unit: Unit
    counting: Counting = Counting.BEGINNING_WITH
    trigger_event: str = ""  # "the council receives the nomination"
    meaning: str = ""  # "The council decides whether to list the land"

    @property
    def ends_on_working_day(self) -> bool:
        return self.counting == Counting.AFTER_TO_WORKING_DAY

    @property
    def counts_after(self) -> bool:
        return self.counting != Counting.BEGINNING_WITH

    def __str__(self):
        return f"{self.length} {self._unit_words()}"

    def _unit_words(self):
        return self.unit.value if self.length != 1 else self.unit.value[:-1]

    def in_words(self) -> str:
        """How a page says it: 'eight weeks', '28 days', 'one year'."""
        if self.length <= len(NUMBER_WORDS):
            return f"{NUMBER_WORDS[self.length - 1]} {self._unit_words()}"
        return str(self)

    def counted_from(self, trigger: str | None = None) -> str:
        """The period with its trigger: 'eight weeks beginning with the day the council
        receives the nomination', '28 days after the day the review decision is sent'; the
        regime's own trigger event unless a caller names the day."""
        event = self.trigger_event or "it starts"
        when = trigger or f"the day {event}"
        return f"{self.in_words()} {COUNTING_WORDS[self.counting]} {when}"

    def last_day(self, trigger: datetime.date) -> datetime.date:
        """The last day on which the period is still running."""
        last = self._calendar_last_day(trigger)
        return next_working_day(last) if self.ends_on_working_day else last

    def _calendar_last_day(self, trigger):
        if self.unit in (Unit.MONTHS, Unit.YEARS):
            months = self.length * (12 if self.unit == Unit.YEARS else 1)
            if self.counts_after:
                return months_after(trigger, months)
            return months_beginning_with(trigger, months)
        if self.counts_after:
            return trigger + datetime.timedelta(days=self.in_days(trigger))
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


def _last_of_month(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def months_after(day: datetime.date, months: int) -> datetime.date:
    """A period of months after a day ends on the corresponding date (or the month's last
    day when it has none): a month after 31 January ends on 28 or 29 February."""
    return add_months(day, months) or _last_of_month(day, months)


def months_beginning_with(day: datetime.date, months: int) -> datetime.date:
    corresponding = add_months(day, months)
    if corresponding is not None:
        return corresponding - datetime.timedelta(days=1)
    return _last_of_month(day, months)


def days_left(last_day: datetime.date, today: datetime.date):
    """Days between today and the last day (0 on the last day itself), or None once
    the period is over: on 1 June a period ending 10 June has 9 days left."""
    return (last_day - today).days if last_day >= today else None
