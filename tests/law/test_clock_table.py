"""Every clock under both regimes, worked from days that test the rules: a month end
(31 August, 31 January), 29 February, and a last day on Christmas bank holidays. The
issue note's table is this one; the 2026 Act is brought into force here only to count."""

import datetime

import pytest

from assets_register.models import Clock, StatutoryRegime

D = datetime.date
pytestmark = pytest.mark.django_db
FROM = (D(2021, 4, 30), D(2026, 8, 31), D(2028, 2, 29), D(2026, 11, 28), D(2027, 1, 31))
# Last days under the 2012 Regulations; the Act inherits all but the full moratorium.
LAST_DAYS_2012 = {
    Clock.DECISION: ("2021-06-24", "2026-10-25", "2028-04-24", "2027-01-22", "2027-03-27"),
    Clock.LISTING: ("2026-04-29", "2031-08-30", "2033-02-28", "2031-11-27", "2032-01-30"),
    Clock.REVIEW_REQUEST: ("2021-06-24", "2026-10-25", "2028-04-24", "2027-01-22", "2027-03-27"),
    Clock.APPEAL: ("2021-05-28", "2026-09-28", "2028-03-28", "2026-12-29", "2027-03-01"),
    Clock.INTERIM_MORATORIUM: (
        "2021-06-10",
        "2026-10-11",
        "2028-04-10",
        "2027-01-08",
        "2027-03-13",
    ),
    Clock.FULL_MORATORIUM: ("2021-10-29", "2027-02-28", "2028-08-28", "2027-05-27", "2027-07-30"),
    Clock.PROTECTED_PERIOD: (
        "2022-10-29",
        "2028-02-29",
        "2029-08-28",
        "2028-05-27",
        "2028-07-30",
    ),
    Clock.COMPENSATION_CLAIM: (
        "2021-07-30",
        "2026-11-30",
        "2028-05-30",
        "2027-02-27",
        "2027-05-02",
    ),
}
FULL_MORATORIUM_2026 = ("2022-04-29", "2027-08-30", "2029-02-28", "2027-11-27", "2028-01-30")


@pytest.fixture
def regimes():
    act = StatutoryRegime.objects.get(community_right_to_buy=True)
    act.takes_effect = D(2027, 1, 1)
    act.save()
    return StatutoryRegime.objects.get(takes_effect=D(2012, 9, 21)), act


@pytest.mark.parametrize("clock", list(LAST_DAYS_2012))
def test_each_clock_under_both_regimes(regimes, clock):
    regulations, act = regimes
    expected_2012 = [D.fromisoformat(day) for day in LAST_DAYS_2012[clock]]
    assert [regulations.last_day(clock, day) for day in FROM] == expected_2012
    expected_2026 = (
        [D.fromisoformat(day) for day in FULL_MORATORIUM_2026]
        if clock == Clock.FULL_MORATORIUM
        else expected_2012
    )
    assert [act.last_day(clock, day) for day in FROM] == expected_2026
