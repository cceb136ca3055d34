"""The 'losing places to meet' computation against a register small enough to count by hand.

The reference date ('now') is 1 March 2025, so '5 years ago' is 1 March 2020 and
'10 years ago' 1 March 2015. The register (built by build_counted_register in conftest.py):

Council Northtown (E06000901, population 10,000)
  Ward Abbey (E05000901, population 2,000; its boundary changed on 2 May 2019: the
  old generation, 2003-2019, also exists and reached further east)
    LSOA Abbey North (E01000901, IMD rank 1,000 = decile 1, population 3,000)
      P1  The Crown, pub: no events (open throughout)
      P2  Abbey Library: closed 10 June 2017
      P3  The Plough, pub: closed "2020" (year only: counts as 1 July 2020)
    LSOA Abbey South (E01000902, IMD rank 5,000 = decile 2, population 1,000)
      P4  Abbey Hall, community centre: closed 15 January 2016, reopened 1 September 2022
      P5  Bean There, cafe: opened "May 2021" (month only: counts as 15 May 2021)
      P8  The Anchor, pub: at risk 1 January 2023 (still open)
      P9  The Swan, pub: closed 1 April 2018, listed for sale 1 January 2019 (stays shut)
      --  Abbey Post Office: closed 2019, but a post office is not a place to meet
      --  The Ghost, pub: closed 2018, but a draft (not live)
  Ward Bridge (E05000902, population 500)
    LSOA Bridge Town (E01000903, IMD rank 20,000 = decile 7, population 500)
      P10 Bridge Inn, pub: closed 1 August 2019
      P11 Bridge Library: no events
  Ward Cross (E05000903, no population figure; no LSOA assigned to its places)
      P12 The Cross Keys, pub: closed "2018"
      P13 Cross Library: closed 1 February 2019
Council Southby (E06000902, population 4,000)
  Ward Dale (E05000904, population 4,000)
    LSOA Dale Town (E01000904, IMD rank 30,000 = decile 10, population 4,000)
      P14 The Dale, pub: no events
      P15 Dale Youth Club: opened 1 January 2010
"""

import datetime

import pytest

from assets_register.indicators import compute as indicators
from assets_register.indicators.compute import Rules, compute, recompute
from assets_register.models import (
    Area,
    AreaIndicator,
    AreaKind,
    EventKind,
    IndicatorSnapshot,
)

from ..factories import AreaFactory, AssetFactory
from .conftest import ON, YEAR, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(register):
    """Each area's figures by name, computed with the default rules."""
    frames = compute(ON, Rules())
    names = dict(Area.objects.values_list("pk", "name"))
    return {names[pk]: row for frame in frames.values() for pk, row in frame.iterrows()}


def test_a_ward_is_counted_by_hand(figures):
    """Abbey, place by place (P6, the post office, and P7, the draft, never count):

    on 1 March     2015  2020  2025
    P1 Crown        yes   yes   yes
    P2 Library      yes   no    no    closed June 2017
    P3 Plough       yes   yes   no    '2020' counts as 1 July 2020, after 1 March
    P4 Hall         yes   no    yes   closed January 2016, reopened September 2022
    P5 Cafe         no    no    yes   opened '15' May 2021
    P8 Anchor       yes   yes   yes   being at risk does not close it
    P9 Swan         yes   no    no    closed 2018; for sale later does not reopen it
    total           6     3     4

    Change: 4 - 6 = -2 over 10 years, 4 - 3 = +1 over 5 years.
    Closures in 10 years: P2, P3, P4 (2016), P9 = 4; openings: P4 (2022), P5 = 2.
    In 5 years (after 1 March 2020): closures P3 = 1; openings P4, P5 = 2.
    Per 1,000 of 2,000 residents: now 4 / 2 = 2.0, 5 years ago 1.5, 10 years ago 3.0;
    change -2 / 2 = -1.0.
    """
    abbey = figures["Abbey"]
    assert (abbey.open_10, abbey.open_5, abbey.open_0) == (6, 3, 4)
    assert (abbey.change_10y, abbey.change_5y) == (-2, 1)
    assert (abbey.closures_10y, abbey.openings_10y) == (4, 2)
    assert (abbey.closures_5y, abbey.openings_5y) == (1, 2)
    assert (abbey.per_1000_now, abbey.per_1000_5y_ago, abbey.per_1000_10y_ago) == (2.0, 1.5, 3.0)
    assert abbey.change_per_1000 == -1.0


def test_open_places_on_each_anniversary(figures):
    """Abbey on 1 March of each year, 2015 to 2025 (see the table above):
    2015: 6. 2016: P4 closed in January -> 5. 2017: 5 (P2 closes in June). 2018: 4.
    2019: P9 closed April 2018 -> 3. 2020: 3 (P3 still open until July).
    2021: P3 closed -> 2. 2022: P5 opened May 2021 -> 3. 2023: P4 reopened -> 4. 2024, 2025: 4.
    """
    abbey = figures["Abbey"]
    assert [abbey[f"open_{years}"] for years in range(10, -1, -1)] == [
        6,
        5,
        5,
        4,
        3,
        3,
        2,
        3,
        4,
        4,
        4,
    ]


def test_a_closure_known_only_by_its_year_counts_in_the_period_it_most_likely_fell():
    """A pub closed in '2020' (stored as 1 January 2020) counts as closing on 1 July 2020.

    Seen from 1 March 2025, five years ago is 1 March 2020: the pub was still open then
    and its closure is one of the last five years'. Seen from 1 September 2025, five
    years ago is 1 September 2020: it had closed, and the closure is older than 5 years.
    """
    ward = AreaFactory(population=1_000)
    place(
        "The Plough",
        (None, ward, None),
        events=[(EventKind.CLOSED, datetime.date(2020, 1, 1), YEAR)],
    )
    march = compute(ON, Rules(), kinds=[AreaKind.WARD])[AreaKind.WARD].loc[ward.pk]
    september = compute(datetime.date(2025, 9, 1), Rules(), kinds=[AreaKind.WARD])[
        AreaKind.WARD
    ].loc[ward.pk]
    assert (march.open_5, march.open_0, march.closures_5y) == (1, 0, 1)
    assert (september.open_5, september.open_0, september.closures_5y) == (0, 0, 0)
    assert september.closures_10y == 1


def test_a_closure_in_the_current_year_counts_now_even_before_1_july():
    """'2025' would count as 1 July 2025, which is after 1 March 2025; it is on the record,
    so it has happened: it counts on the reference date instead."""
    ward = AreaFactory()
    place(
        "The Plough",
        (None, ward, None),
        events=[(EventKind.CLOSED, datetime.date(2025, 1, 1), YEAR)],
    )
    row = compute(ON, Rules(), kinds=[AreaKind.WARD])[AreaKind.WARD].loc[ward.pk]
    assert (row.open_5, row.open_0, row.closures_5y) == (1, 0, 1)


def test_a_reopened_place_is_one_closure_and_one_opening(figures):
    """Abbey South holds P4 (closed 2016, reopened 2022), P5 (opened 2021), P8, P9 (closed
    2018). 10 years ago: P4, P8, P9 = 3. 5 years ago: P8 = 1. Now: P4, P5, P8 = 3.
    10 years: closures P4, P9 = 2, openings P4, P5 = 2, net 0. 5 years: openings P4, P5."""
    south = figures["Abbey South"]
    assert (south.open_10, south.open_5, south.open_0) == (3, 1, 3)
    assert (south.closures_10y, south.openings_10y, south.change_10y) == (2, 2, 0)
    assert (south.closures_5y, south.openings_5y, south.change_5y) == (0, 2, 2)
    assert not south.losing_places


def test_an_area_without_population_has_counts_and_no_rates(figures):
    """Cross: P12 closed '2018', P13 closed February 2019: 2 open 10 years ago, none since.
    A net loss of 2 flags it; with no population there is no rate and no percentile."""
    cross = figures["Cross"]
    assert (cross.open_10, cross.open_5, cross.open_0, cross.change_10y) == (2, 0, 0, -2)
    for rate in (
        "per_1000_now",
        "per_1000_5y_ago",
        "per_1000_10y_ago",
        "change_per_1000",
        "percentile_national",
        "percentile_in_council",
    ):
        assert cross[rate] != cross[rate], rate  # NaN: not computed, never invented
    assert cross.losing_places
    assert cross.imd_decile != cross.imd_decile  # no LSOA lies inside it
    assert not cross.left_behind_risk


def test_percentiles_rank_change_per_1000_within_the_kind_and_the_council(figures):
    """Wards with a population: Bridge -1 / 0.5 = -2.0, Abbey -1.0, Dale 0.0. As bad or
    worse: Bridge 1 of 3 (33.3), Abbey 2 of 3 (66.7), Dale 3 of 3 (100). In Northtown:
    Bridge 1 of 2 (50), Abbey 2 of 2 (100); Dale is alone in Southby (100).
    LSOAs: Bridge Town -1 / 0.5 = -2.0 (25), Abbey North -2 / 3 = -0.667 (50), and Abbey
    South and Dale Town both 0.0: tied, each has all 4 as bad or worse (100)."""
    assert [figures[n].percentile_national for n in ("Bridge", "Abbey", "Dale")] == [
        33.3,
        66.7,
        100.0,
    ]
    assert [figures[n].percentile_in_council for n in ("Bridge", "Abbey", "Dale")] == [
        50.0,
        100.0,
        100.0,
    ]
    assert [
        figures[n].percentile_national
        for n in ("Bridge Town", "Abbey North", "Abbey South", "Dale Town")
    ] == [25.0, 50.0, 100.0, 100.0]
    assert figures["Abbey North"].change_per_1000 == -0.667


def test_ward_and_council_deprivation_come_from_their_lsoas(figures):
    """Abbey holds Abbey North (rank 1,000, 3,000 people) and Abbey South (5,000, 1,000):
    weighted mean (3,000,000 + 5,000,000) / 4,000 = 2,000, decile ceil(2,000 x 10 / 32,844)
    = 1. Bridge holds Bridge Town (20,000): decile ceil(6.09) = 7; the old Abbey
    boundary also covered it but is not in force. Northtown holds all three Northtown
    LSOAs: (3,000,000 + 5,000,000 + 20,000 x 500) / 4,500 = 4,000, decile ceil(1.22) = 2
    (unweighted it would be 8,667, decile 3)."""
    assert (figures["Abbey"].imd_decile, figures["Abbey"].imd_from_lsoas) == (1, True)
    assert figures["Bridge"].imd_decile == 7
    assert (figures["Northtown"].imd_decile, figures["Southby"].imd_decile) == (2, 10)
    assert (figures["Abbey North"].imd_decile, figures["Abbey North"].imd_from_lsoas) == (1, False)


def test_flags_follow_the_rules(figures):
    """Losing (net loss of 2 or more): Abbey (-2), Cross (-2), Northtown (10 -> 5 = -5),
    Abbey North (3 -> 1 = -2). Bridge lost 1 and Dale nothing. Left-behind risk also needs
    IMD decile 1: Abbey (1, from its LSOAs) and Abbey North (1); not Northtown (2) or Cross
    (unknown)."""
    losing = sorted(name for name, row in figures.items() if row.losing_places)
    left_behind = sorted(name for name, row in figures.items() if row.left_behind_risk)
    assert losing == ["Abbey", "Abbey North", "Cross", "Northtown"]
    assert left_behind == ["Abbey", "Abbey North"]
    northtown = figures["Northtown"]
    assert (northtown.open_10, northtown.open_5, northtown.open_0) == (10, 4, 5)
    assert (northtown.closures_10y, northtown.openings_10y) == (7, 2)


def test_the_worst_percent_rule_flags_a_small_loss_in_a_small_place(register):
    """Bridge lost only 1 place, but per 1,000 residents (-2.0) it is the worst third of
    wards (33.3): with worst_percent=34 it is flagged; Abbey (66.7) is flagged only by its
    net loss, and with a threshold of 3 places it is no longer."""
    rules = Rules(min_net_loss=3, worst_percent=34)
    wards = compute(ON, rules, kinds=[AreaKind.WARD])[AreaKind.WARD]
    flagged = set(
        Area.objects.filter(pk__in=wards.index[wards.losing_places]).values_list("name", flat=True)
    )
    assert flagged == {"Bridge"}


def test_the_period_can_be_five_years(register):
    """Over 5 years Abbey gained 1 and Cross lost none (both its closures are older), so
    neither is losing; Abbey's change per 1,000 is +1 / 2 = 0.5."""
    wards = compute(ON, Rules(period_years=5), kinds=[AreaKind.WARD])[AreaKind.WARD]
    abbey = wards.loc[Area.objects.get(name="Abbey").pk]
    assert abbey.change_per_1000 == 0.5
    assert not wards.losing_places.any()
    with pytest.raises(ValueError):
        Rules(period_years=7)


def test_a_boundary_change_keeps_history_on_todays_boundary(register, figures):
    """The old Abbey (2003-2019) gets no figures; the current Abbey counts places that shut
    before it was drawn (P2 in 2017, P4 in 2016, P9 in 2018) because the comparison is
    on today's boundaries."""
    old = Area.objects.get(name="Abbey (2003)")
    assert "Abbey (2003)" not in figures
    snapshot = recompute(ON, Rules())
    assert not AreaIndicator.objects.filter(area=old).exists()
    assert snapshot.areas.get(area__gss_code="E05000901").area == register["Abbey"]


def test_recompute_stores_one_snapshot_and_replaces_it(register):
    """Ten current areas (2 councils, 4 wards, 4 LSOAs); a second run replaces the first."""
    first = recompute(ON, Rules())
    second = recompute(ON, Rules(min_net_loss={"council": 10, "ward": 2, "lsoa": 2}))
    assert list(IndicatorSnapshot.objects.all()) == [second]
    assert not AreaIndicator.objects.filter(snapshot_id=first.pk).exists()
    assert second.area_count == second.areas.count() == 10
    assert second.reference_date == ON and second.computed_at is not None
    assert second.rules["min_net_loss"]["council"] == 10
    abbey = second.areas.get(area=register["Abbey"])
    assert abbey.open_by_year == [6, 5, 5, 4, 3, 3, 2, 3, 4, 4, 4]
    assert (abbey.council, abbey.imd_decile, abbey.left_behind_risk) == (
        register["Northtown"],
        1,
        True,
    )
    assert not second.areas.get(area=register["Northtown"]).losing_places  # -5 > -10
    cross = second.areas.get(area=register["Cross"])
    assert (cross.population, cross.per_1000_now, cross.percentile_national) == (None,) * 3


def test_a_register_with_no_events_or_places_computes():
    """Nothing to count: every area is 0, 0, 0 and nothing is flagged."""
    ward = AreaFactory()
    snapshot = recompute(ON, Rules())
    row = snapshot.areas.get(area=ward)
    assert (row.open_now, row.open_10y_ago, row.losing_places) == (0, 0, False)
    AssetFactory(ward=ward)
    assert recompute(ON, Rules()).areas.get(area=ward).open_by_year == [1] * 11


def test_rules_come_from_settings(settings):
    settings.INDICATOR_PERIOD_YEARS = 5
    settings.INDICATOR_LOSING_MIN_NET_LOSS = {"council": 20, "ward": 3, "lsoa": 2}
    settings.INDICATOR_LOSING_WORST_PERCENT = 5
    settings.INDICATOR_LEFT_BEHIND_MAX_IMD_DECILE = 2
    rules = Rules.from_settings()
    assert (
        rules.period_years,
        rules.min_net_loss["council"],
        rules.worst_percent,
        rules.left_behind_max_decile,
    ) == (5, 20, 5, 2)
    assert Rules(min_net_loss={"council": 9}).min_net_loss == {"council": 9, "ward": 2, "lsoa": 2}


def test_years_before_handles_29_february():
    assert indicators.years_before(datetime.date(2024, 2, 29), 5) == datetime.date(2019, 2, 28)
