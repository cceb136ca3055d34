"""What /about/the-law/ says: the regime in force today, what is enacted and waiting, and
how each clock is counted, every figure read from the regimes themselves."""

import datetime
from dataclasses import dataclass

from assets_register.models import Clock, RegimeBook, StatutoryRegime


@dataclass
class ClockRow:
    label: str
    wording: str  # "eight weeks beginning with the trigger day"
    working_day: bool
    example_trigger: datetime.date
    example_last_day: datetime.date
    inherited: bool  # set by an earlier regime, not this one


def clock_rows(regime: StatutoryRegime, example: datetime.date):
    """Every clock as the regime sets it or inherits it, worked from `example`."""
    own = {row.clock for row in regime.periods.all()}
    rows = []
    for clock in Clock:
        period = regime.period(clock)
        rows.append(
            ClockRow(
                label=clock.label,
                wording=period.counted_from("the day it starts"),
                working_day=period.ends_on_working_day,
                example_trigger=example,
                example_last_day=period.last_day(example),
                inherited=clock not in own,
            )
        )
    return rows


def the_law(today: datetime.date):
    book = RegimeBook()
    in_force = book.in_force_on(today)
    waiting = list(StatutoryRegime.objects.awaiting_commencement().prefetch_related("periods"))
    for regime in waiting:
        regime.earlier_regimes = [in_force, *in_force.earlier_regimes]
    return {
        "today": today,
        "in_force": in_force,
        "in_force_clocks": clock_rows(in_force, today),
        "waiting": [(regime, clock_rows(regime, today)) for regime in waiting],
        "earlier": in_force.earlier_regimes,
    }
