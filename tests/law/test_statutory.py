"""Statutory periods, checked against the worked examples and an independent statement."""

import calendar
import datetime

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets_register.law.statutory import Counting, Period, Unit, days_left

D = datetime.date
SIX_WEEKS = Period(6, Unit.WEEKS)
SIX_MONTHS = Period(6, Unit.MONTHS)
EIGHTEEN_MONTHS = Period(18, Unit.MONTHS)
FIVE_YEARS = Period(5, Unit.YEARS)
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


def test_the_worked_disposal_example():
    """Disposal notice received 30 April 2021 (Rushcliffe, Flintham Spinney)."""
    notice = D(2021, 4, 30)
    assert SIX_WEEKS.last_day(notice) == D(2021, 6, 10)
    assert SIX_MONTHS.last_day(notice) == D(2021, 10, 29)
    assert EIGHTEEN_MONTHS.last_day(notice) == D(2022, 10, 29)


@pytest.mark.parametrize("year, last", [(2021, D(2022, 2, 28)), (2023, D(2024, 2, 29))])
def test_six_months_beginning_31_august_end_on_the_last_day_of_february(year, last):
    assert SIX_MONTHS.last_day(D(year, 8, 31)) == last


def test_five_year_listing_from_29_february_ends_28_february():
    assert FIVE_YEARS.last_day(D(2024, 2, 29)) == D(2029, 2, 28)
    assert FIVE_YEARS.last_day(D(2021, 6, 1)) == D(2026, 5, 31)


def test_after_counting_excludes_the_trigger_day():
    assert Period(28, Unit.DAYS, Counting.AFTER).last_day(D(2024, 1, 1)) == D(2024, 1, 29)
    assert Period(8, Unit.WEEKS).last_day(D(2024, 1, 1)) == D(2024, 2, 25)


@given(days, st.integers(1, 60))
def test_week_periods_beginning_with_a_day_hold_exactly_that_many_days(start, weeks):
    last = Period(weeks, Unit.WEEKS).last_day(start)
    assert (last - start).days + 1 == weeks * 7


@given(days, st.integers(1, 24))
def test_month_periods_follow_the_corresponding_date_rule(start, months):
    """Independent statement: walk forward month by month to the target month; the
    period covers every day before the corresponding date, or the whole target month
    when it has no such date."""
    year, month = start.year, start.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    length = calendar.monthrange(year, month)[1]
    if start.day <= length:
        expected = D(year, month, start.day).toordinal() - 1
    else:
        expected = D(year, month, length).toordinal()
    assert Period(months, Unit.MONTHS).last_day(start).toordinal() == expected


@given(days, st.integers(1, 24))
def test_month_periods_always_end_after_the_start_and_grow_with_length(start, months):
    shorter = Period(months, Unit.MONTHS).last_day(start)
    longer = Period(months + 1, Unit.MONTHS).last_day(start)
    assert start < shorter < longer


def test_days_left_as_the_published_countdown_reads():
    """'A community group can ask to bid until Thursday 10 June 2021: 9 days left' (1 June)."""
    assert days_left(D(2021, 6, 10), D(2021, 6, 1)) == 9
    assert days_left(D(2021, 6, 10), D(2021, 6, 10)) == 0
    assert days_left(D(2021, 6, 10), D(2021, 6, 11)) is None
    assert str(SIX_WEEKS) == "6 weeks" and str(Period(1, Unit.YEARS)) == "1 year"


TRIBUNAL_28_DAYS = Period(28, Unit.DAYS, Counting.AFTER_TO_WORKING_DAY)


@pytest.mark.parametrize(
    "sent, last",
    [
        (D(2026, 11, 28), D(2026, 12, 29)),  # Sat 26 Dec; Mon 28 Dec is Boxing Day observed
        (D(2026, 3, 6), D(2026, 4, 7)),  # Fri 3 April is Good Friday, Mon 6 Easter Monday
        (D(2026, 5, 1), D(2026, 5, 29)),  # a Friday: no move
        (D(2026, 8, 3), D(2026, 9, 1)),  # Mon 31 August is the late summer bank holiday
    ],
)
def test_a_tribunal_last_day_moves_to_the_next_working_day(sent, last):
    assert TRIBUNAL_28_DAYS.last_day(sent) == last


@given(days)
def test_a_working_day_period_ends_on_the_first_working_day_from_the_calendar_end(day):
    calendar_end = Period(28, Unit.DAYS, Counting.AFTER).last_day(day)
    last = TRIBUNAL_28_DAYS.last_day(day)
    assert last >= calendar_end and last.weekday() < 5
    assert (last - calendar_end).days <= 5  # Christmas and a weekend at the most
    between = [calendar_end + datetime.timedelta(n) for n in range((last - calendar_end).days)]
    assert all(d.weekday() >= 5 or d in _holidays(d.year) for d in between)


def _holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


@pytest.mark.parametrize(
    "trigger, last",
    [
        (D(2026, 1, 15), D(2026, 2, 15)),
        (D(2026, 1, 31), D(2026, 2, 28)),
        (D(2024, 1, 31), D(2024, 2, 29)),
    ],
)
def test_a_month_after_a_day_ends_on_the_corresponding_date(trigger, last):
    assert Period(1, Unit.MONTHS, Counting.AFTER).last_day(trigger) == last
