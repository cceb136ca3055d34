"""What /about/the-law/ says: the regime in force today, what is enacted and waiting, and
how each clock is counted, every figure read from the regimes themselves."""

import datetime
from dataclasses import dataclass

from assets_register.models import Clock, RegimeBook, StatutoryRegime


@dataclass
class ClockRow:
    label: str
    wording: str  # "eight weeks beginning with the day the council receives the nomination"
    meaning: str  # "The council decides whether to list the land (Reg 7)."
    working_day: bool
    example_trigger: datetime.date
    example_last_day: datetime.date
    inherited: bool  # set by an earlier regime, not this one
    to_be_confirmed: bool


RULE_WORDS = {
    "community_right_to_buy": (
        "A community group that registers its intention to buy gets the first chance to buy",
        "A community group can ask to bid; the owner need not sell to it",
    ),
    "economic_wellbeing": (
        "Economic wellbeing counts as community value",
        "Only social wellbeing and interests count as community value",
    ),
    "past_use_must_be_recent": (
        "A past use counts only if it was in the recent past",
        "A past use counts without having to be recent",
    ),
    "sports_grounds_route": (
        "Sports grounds have a route of their own",
        "Sports grounds are nominated like any other land",
    ),
}


def clock_rows(regime: StatutoryRegime, example: datetime.date):
    """Every clock as the regime sets it or inherits it, worked from `example`."""
    own = {row.clock: row for row in regime.periods.all()}
    rows = []
    for clock in Clock:
        period = regime.period(clock)
        rows.append(
            ClockRow(
                label=clock.label,
                wording=period.counted_from(),
                meaning=period.meaning,
                working_day=period.ends_on_working_day,
                example_trigger=example,
                example_last_day=period.last_day(example),
                inherited=clock not in own,
                to_be_confirmed=clock in own and own[clock].to_be_confirmed,
            )
        )
    return rows


def rule_lines(regime: StatutoryRegime):
    """The regime's rules besides its clocks, in words, with whether it changed each."""
    return [
        (RULE_WORDS[name][0 if regime.rule(name) else 1], getattr(regime, name) is None)
        for name in RULE_WORDS
    ]


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
        "in_force_rules": rule_lines(in_force),
        "waiting": [(regime, clock_rows(regime, today), rule_lines(regime)) for regime in waiting],
        "earlier": in_force.earlier_regimes,
    }
