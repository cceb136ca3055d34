"""The stored snapshot as pages read it: the newest snapshot and its period, an area's
stored lists. Without pandas, which only computing the figures needs (compute.py): a web
process that imported it would hold ~36 MB more for no page."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from assets_register.core.prepared import PreparedQuery
from assets_register.models import (
    AreaIndicatorDetail,
    AssetEvent,
    IndicatorSnapshot,
    PendingRecompute,
)
from assets_register.models.assets import closure_rows, closure_rows_by_pk

YEARS_BACK = 10
POPULATION_SOURCE = "ONS mid-year population estimates for wards and LSOAs"
POPULATION_SOURCE_URL = (
    "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/"
    "populationestimates/datasets/lowersuperoutputareamidyearpopulationestimates"
)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class AreaHistory:
    """One area's counts and the closures behind them, from its events as they stand."""

    counts: dict
    # Pks of the closing events of the period; when stored (AreaIndicatorDetail), only
    # the newest LISTED
    closure_pks: list
    closure_count: int  # how many: a page showing a few need not load them all
    evidence: list  # as compute.evidence, for this area's places
    # Pks of its newest closures of any kind of place, when stored (AreaIndicatorDetail)
    newest_closures: list | None = None

    @property
    def closures(self):
        """The closing events of the period, newest first."""
        return (
            AssetEvent.objects.filter(pk__in=self.closure_pks)
            .select_related("asset")
            .order_by("-date", "-pk")
        )

    def newest_closure_rows(self):
        """The rows (ClosureRow) of the period's newest LISTED closing events: stored,
        the same compiled query for every area."""
        if self.newest_closures is not None:
            return closure_rows_by_pk(self.closure_pks)[: AreaIndicatorDetail.LISTED]
        return closure_rows(self.closures[: AreaIndicatorDetail.LISTED])


def with_stored_lists(rows):
    """AreaIndicator rows with their AreaIndicatorDetail's lists (None without one) and
    whether an edit waits for a recompute, in the rows' own query: what stored_history
    reads."""
    detail = AreaIndicatorDetail.objects.filter(
        snapshot=OuterRef("snapshot"), area=OuterRef("area")
    )
    return rows.annotate(
        stored_evidence=Subquery(detail.values("evidence")[:1]),
        stored_places_lost=Subquery(detail.values("places_lost")[:1]),
        stored_newest_closures=Subquery(detail.values("newest_closures")[:1]),
        edits_waiting=Exists(PendingRecompute.objects.all()),
    )


def stored_history(row):
    """An area's closures and evidence as its snapshot worked them out with its figures
    (`counts` empty: the row's own stand), and its newest closures, from a row read
    with_stored_lists; None when an edit waits for a recompute (they may be out of date;
    the page counts again) or the snapshot has none for it."""
    if row.edits_waiting or row.stored_evidence is None:
        return None
    return AreaHistory(
        {}, row.stored_places_lost, row.closures, row.stored_evidence, row.stored_newest_closures
    )


# Every area and indicators page reads it: compiled once (core.prepared).
_newest_snapshot = PreparedQuery(lambda: IndicatorSnapshot.objects.newest_first()[:1], slots={})


def latest_snapshot():
    return next(iter(_newest_snapshot()), None)


def period_start(snapshot):
    return years_before(snapshot.reference_date, snapshot.period_years)
