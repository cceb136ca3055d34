"""'Losing places to meet': open places to meet per council, ward and LSOA now, 5 and 10
years ago, the change, and two flags, computed in one pass over the event table.

How a count is reconstructed (the same words are on /indicators/):

* Places to meet are live assets in PLACES_TO_MEET categories, counted in the council,
  ward and LSOA they are assigned to today, so past counts use today's boundaries and
  change compares like with like.
* A place is open on a date when the last status-changing event on or before it leaves
  it open (opened, reopened, bought by the community). Threats (at risk, for sale)
  never change whether a place is open. Before its first event a place is taken to have
  been open, unless that first event is its opening or reopening.
* A date known only to its year counts as 1 July, one known to its month as the 15th:
  the middle of what we know, so an event lands in the period it most likely fell in.
  An event known only to lie between two dates (a pub in one OpenStreetMap snapshot and
  gone from the next) counts from the midpoint of the two.
  It never counts later than the reference date ('now'), and never before an earlier
  event of the same place.
* Rates per 1,000 residents use the area's current population, and are left empty when
  there is none: counts only, never an invented rate.
"""

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import shapely

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assets_register.core.caching import bump_content_version
from assets_register.geo.spatial import geometry_from_geojson
from assets_register.models import (
    Area,
    AreaIndicator,
    AreaKind,
    Asset,
    AssetEvent,
    DatePrecision,
    EventKind,
    IndicatorSnapshot,
)
from assets_register.models.assets import OPEN_STATUSES, STATUS_AFTER_EVENT, THREAT_KINDS

YEARS_BACK = 10
# England's LSOAs (2011) ranked by the IMD 2019: rank 1 is the most deprived.
IMD_2019_LSOA_COUNT = 32_844
OPEN_AFTER = {
    kind: status in OPEN_STATUSES
    for kind, status in STATUS_AFTER_EVENT.items()
    if kind not in THREAT_KINDS
}
STARTS_NOT_OPEN = {EventKind.OPENED, EventKind.REOPENED}
KIND_COLUMN = {AreaKind.COUNCIL: "council_id", AreaKind.WARD: "ward_id", AreaKind.LSOA: "lsoa_id"}


@dataclass
class Rules:
    """The thresholds behind the two flags (settings INDICATOR_*)."""

    period_years: int = 10
    min_net_loss: dict = field(default_factory=lambda: dict.fromkeys(AreaKind.values, 2))
    worst_percent: float = 10.0
    left_behind_max_decile: int = 1

    def __post_init__(self):
        if self.period_years not in (5, 10):
            raise ValueError("INDICATOR_PERIOD_YEARS must be 5 or 10")
        if isinstance(self.min_net_loss, int):
            self.min_net_loss = dict.fromkeys(AreaKind.values, self.min_net_loss)
        # A kind left out of a per-kind setting keeps the default of 2.
        self.min_net_loss = {**dict.fromkeys(AreaKind.values, 2), **self.min_net_loss}

    @classmethod
    def from_settings(cls):
        return cls(
            period_years=getattr(settings, "INDICATOR_PERIOD_YEARS", 10),
            min_net_loss=getattr(settings, "INDICATOR_LOSING_MIN_NET_LOSS", 2),
            worst_percent=getattr(settings, "INDICATOR_LOSING_WORST_PERCENT", 10.0),
            left_behind_max_decile=getattr(settings, "INDICATOR_LEFT_BEHIND_MAX_IMD_DECILE", 1),
        )

    def as_json(self):
        return asdict(self)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _days(values):
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def load_places(assets=None):
    """Live places to meet with their areas, and their status-changing events."""
    assets = (assets if assets is not None else Asset.objects.all()).live().places_to_meet()
    places = (
        pd.DataFrame.from_records(
            list(assets.values_list("pk", "council_id", "ward_id", "lsoa_id")),
            columns=["asset_id", "council_id", "ward_id", "lsoa_id"],
        )
        .astype("float64")
        .astype({"asset_id": np.int64})
    )
    events = pd.DataFrame.from_records(
        list(
            AssetEvent.objects.filter(
                asset__in=assets,
                kind__in=list(OPEN_AFTER),
            ).values_list("asset_id", "date", "date_precision", "kind", "pk", "date_until")
        ),
        columns=["asset_id", "date", "precision", "kind", "pk", "until"],
    )
    return places, events


class History:
    """Whether each place was open on any date, and when it closed or opened."""

    def __init__(self, places, events, on):
        self.asset_ids = places["asset_id"].to_numpy()
        on_day = _days([on])[0]
        position = pd.Series(np.arange(len(places)), index=self.asset_ids)
        events = events.assign(
            day=_days(events["date"].tolist()),
            position=position.reindex(events["asset_id"]).to_numpy(),
        )
        events = events[(events["day"] <= on_day) & events["position"].notna()]
        events = events.astype({"position": np.int64}).sort_values(
            ["position", "day", "pk"], kind="stable"
        )
        self.events = events.assign(effective=self._effective_days(events, on_day))
        self.position = events["position"].to_numpy()
        self.open_after = events["kind"].map(OPEN_AFTER).to_numpy(dtype=bool)
        self.first = np.r_[True, self.position[1:] != self.position[:-1]][: len(events)]
        self.initially_open = np.ones(len(places), dtype=bool)
        self.initially_open[self.position[self.first]] = (
            ~events["kind"].isin(STARTS_NOT_OPEN).to_numpy()[self.first]
        )
        # Events sorted by place, then effective day: one sorted key searches them all.
        self.origin = int(self.events["effective"].min()) if len(events) else on_day
        self.span = on_day - self.origin + 2
        self.keys = self.position * self.span + (self.events["effective"].to_numpy() - self.origin)

    @staticmethod
    def _effective_days(events, on_day):
        day = events["day"].to_numpy().astype("datetime64[D]")
        year_middle = (day.astype("datetime64[Y]").astype("datetime64[M]") + 6).astype(
            "datetime64[D]"
        )
        month_middle = day.astype("datetime64[M]").astype("datetime64[D]") + 14
        precision = events["precision"].to_numpy()
        middle = np.where(
            precision == DatePrecision.YEAR,
            year_middle,
            np.where(precision == DatePrecision.MONTH, month_middle, day),
        )
        if "until" in events:
            until = events["until"].to_numpy()
            ranged = pd.notna(until)
            if ranged.any():
                ends = np.asarray(
                    [u if r else d for u, d, r in zip(until, day, ranged, strict=True)],
                    dtype="datetime64[D]",
                )
                midpoint = day + (ends - day) // 2
                middle = np.where(ranged, midpoint, middle)
        effective = np.minimum(middle.astype(np.int64), on_day)
        return (
            pd.Series(effective, index=events.index)
            .groupby(events["position"].to_numpy())
            .cummax()
            .to_numpy()
        )

    def open_on(self, day):
        """A boolean per place: open on this date."""
        if not len(self.keys):
            return self.initially_open.copy()
        positions = np.arange(len(self.asset_ids))
        offset = _days([day])[0] - self.origin
        index = np.searchsorted(self.keys, positions * self.span + offset, side="right") - 1
        safe = np.clip(index, 0, None)
        has_event = (index >= 0) & (self.position[safe] == positions)
        return np.where(has_event, self.open_after[safe], self.initially_open)

    def change_masks(self, day):
        """(closed, opened): per event, whether it closed an open place or opened a shut
        one, with an effective date after `day`."""
        before = np.roll(self.open_after, 1)
        before[self.first] = self.initially_open[self.position[self.first]]
        recent = self.events["effective"].to_numpy() > _days([day])[0]
        return before & ~self.open_after & recent, ~before & self.open_after & recent

    def changes_since(self, day):
        """(closures, openings) per place, counting changes effective after `day`."""
        return [
            np.bincount(self.position[mask], minlength=len(self.asset_ids))
            for mask in self.change_masks(day)
        ]


def per_place_figures(places, events, on):
    """One row per place: open on each anniversary (oldest first) and its changes."""
    history = History(places, events, on)
    frame = places.copy()
    for years in range(YEARS_BACK, -1, -1):
        frame[f"open_{years}"] = history.open_on(years_before(on, years)).astype(np.int64)
    for years in (5, 10):
        closures, openings = history.changes_since(years_before(on, years))
        frame[f"closures_{years}y"], frame[f"openings_{years}y"] = closures, openings
    return frame


def closures_since(assets, start, on):
    """The events that closed an open place to meet among `assets` after `start`, by the
    same rules as the counts, newest first."""
    history = History(*load_places(assets), on)
    closed, _ = history.change_masks(start)
    pks = history.events["pk"].to_numpy()[closed].tolist()
    return AssetEvent.objects.filter(pk__in=pks).select_related("asset").order_by("-date", "-pk")


def load_areas(kind, on):
    frame = pd.DataFrame.from_records(
        list(
            Area.objects.current(on)
            .filter(kind=kind)
            .values_list(
                "pk",
                "parent_id",
                "parent__kind",
                "population",
                "imd_rank",
                "imd_decile",
                "min_longitude",
                "min_latitude",
                "max_longitude",
                "max_latitude",
            )
        ),
        columns=[
            "area_id",
            "parent_id",
            "parent_kind",
            "population",
            "imd_rank",
            "imd_decile",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
        ],
    ).set_index("area_id")
    numeric = [
        "parent_id",
        "population",
        "imd_rank",
        "imd_decile",
        "min_lon",
        "min_lat",
        "max_lon",
        "max_lat",
    ]
    # Columns that are all None come back as objects; make every number a float (NaN).
    return frame.astype(dict.fromkeys(numeric, "float64"))


def councils_of(areas, figures, column):
    """An area's council: its parent, else the council most of its places are in."""
    council = areas["parent_id"].where(areas["parent_kind"] == AreaKind.COUNCIL)
    pairs = figures[[column, "council_id"]].dropna().value_counts().reset_index()
    usual = pairs.drop_duplicates(column).set_index(column)["council_id"]
    return council.fillna(usual.reindex(areas.index))


def lsoa_members(on, lsoas):
    """Ward id for each LSOA whose bounding-box centre lies inside a current ward.

    Good enough to average deprivation ranks; LSOAs do not nest exactly in wards anyway.
    """
    ward_ids, boundaries = [], []
    for pk, boundary in (
        Area.objects.current(on)
        .wards()
        .filter(boundary_display__isnull=False)
        .values_list("pk", "boundary_display")
    ):
        ward_ids.append(pk)
        boundaries.append(geometry_from_geojson(boundary))
    lsoas = lsoas[lsoas["min_lon"].notna()]
    if not ward_ids or lsoas.empty:
        return pd.Series(dtype=float)
    tree = shapely.STRtree(boundaries)
    centres = shapely.points(
        (lsoas["min_lon"] + lsoas["max_lon"]) / 2, (lsoas["min_lat"] + lsoas["max_lat"]) / 2
    )
    point_at, ward_at = tree.query(centres, predicate="intersects")
    found = pd.Series(np.array(ward_ids)[ward_at], index=lsoas.index.to_numpy()[point_at])
    return found[~found.index.duplicated()]


def derived_imd_deciles(member_of, lsoas):
    """Decile of the average IMD rank of each group's LSOAs, population-weighted when every
    LSOA in the group has a population."""
    ranked = lsoas[lsoas["imd_rank"].notna()].assign(group=member_of).dropna(subset=["group"])
    if ranked.empty:
        return pd.Series(dtype=float)
    weights = ranked["population"].astype(float)
    all_known = weights.notna().groupby(ranked["group"]).transform("all")
    weight = weights.where(all_known, 1.0)
    mean_rank = (ranked["imd_rank"] * weight).groupby(ranked["group"]).sum() / weight.groupby(
        ranked["group"]
    ).sum()
    return np.ceil(mean_rank * 10 / IMD_2019_LSOA_COUNT).clip(1, 10)


def area_figures(kind, areas, figures, rules, imd_from_lsoas):
    column = KIND_COLUMN[kind]
    counted = [f"open_{y}" for y in range(YEARS_BACK, -1, -1)] + [
        "closures_5y",
        "openings_5y",
        "closures_10y",
        "openings_10y",
    ]
    sums = figures.dropna(subset=[column]).groupby(column)[counted].sum()
    out = sums.reindex(areas.index, fill_value=0).astype(np.int64)
    out["kind"], out["population"] = kind, areas["population"]
    out["council_id"] = councils_of(areas, figures, column) if kind != AreaKind.COUNCIL else None
    population = areas["population"].where(areas["population"] > 0).astype(float)
    for name, years in (("now", 0), ("5y_ago", 5), ("10y_ago", 10)):
        out[f"per_1000_{name}"] = (out[f"open_{years}"] * 1000 / population).round(3)
    out["change_5y"] = out["open_0"] - out["open_5"]
    out["change_10y"] = out["open_0"] - out["open_10"]
    change = out[f"change_{rules.period_years}y"]
    out["change_per_1000"] = (change * 1000 / population).round(3)
    # 'As bad or worse': ties share the larger rank, so a crowd of equal losses is not
    # all 'worst tenth'.
    rate = out["change_per_1000"]
    out["percentile_national"] = (rate.rank(method="max", pct=True) * 100).round(1)
    out["percentile_in_council"] = (
        rate.groupby(out["council_id"]).rank(method="max", pct=True) * 100
    ).round(1)
    out["imd_decile"] = areas["imd_decile"].astype(float).fillna(imd_from_lsoas)
    out["imd_from_lsoas"] = areas["imd_decile"].isna() & out["imd_decile"].notna()
    loses_enough = change <= -rules.min_net_loss[kind]
    worst_tenth = (change < 0) & (out["percentile_national"] <= rules.worst_percent)
    out["losing_places"] = loses_enough | worst_tenth
    out["left_behind_risk"] = out["losing_places"] & (
        out["imd_decile"] <= rules.left_behind_max_decile
    )
    return out


def compute(on=None, rules=None, kinds=tuple(AreaKind.values)):
    """{kind: DataFrame indexed by area id} of every current area's figures and flags."""
    on = on or timezone.localdate()
    rules = rules or Rules.from_settings()
    figures = per_place_figures(*load_places(), on)
    areas = {kind: load_areas(kind, on) for kind in AreaKind.values}
    lsoas = areas[AreaKind.LSOA]
    lsoa_council = councils_of(lsoas, figures, "lsoa_id")
    imd = {
        AreaKind.LSOA: pd.Series(dtype=float),
        AreaKind.WARD: derived_imd_deciles(lsoa_members(on, lsoas), lsoas)
        if AreaKind.WARD in kinds
        else pd.Series(dtype=float),
        AreaKind.COUNCIL: derived_imd_deciles(lsoa_council, lsoas),
    }
    return {
        kind: area_figures(kind, areas[kind], figures, rules, imd[kind].reindex(areas[kind].index))
        for kind in kinds
    }


def _value(value, cast=int):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return cast(value)


def save_snapshot(frames, on, rules, seconds=0.0):
    """Write a new snapshot and drop the older ones, in one transaction."""
    with transaction.atomic():
        snapshot = IndicatorSnapshot.objects.create(
            computed_at=timezone.now(),
            reference_date=on,
            period_years=rules.period_years,
            rules=rules.as_json(),
            area_count=sum(len(frame) for frame in frames.values()),
            seconds=round(seconds, 2),
        )
        rows = []
        for frame in frames.values():
            for area_id, row in zip(frame.index, frame.itertuples(index=False), strict=True):
                rows.append(
                    AreaIndicator(
                        snapshot=snapshot,
                        area_id=int(area_id),
                        kind=row.kind,
                        council_id=_value(row.council_id),
                        population=_value(row.population),
                        open_now=row.open_0,
                        open_5y_ago=row.open_5,
                        open_10y_ago=row.open_10,
                        open_by_year=[
                            int(getattr(row, f"open_{y}")) for y in range(YEARS_BACK, -1, -1)
                        ],
                        per_1000_now=_value(row.per_1000_now, float),
                        per_1000_5y_ago=_value(row.per_1000_5y_ago, float),
                        per_1000_10y_ago=_value(row.per_1000_10y_ago, float),
                        change_5y=row.change_5y,
                        change_10y=row.change_10y,
                        closures_5y=row.closures_5y,
                        openings_5y=row.openings_5y,
                        closures_10y=row.closures_10y,
                        openings_10y=row.openings_10y,
                        change_per_1000=_value(row.change_per_1000, float),
                        percentile_national=_value(row.percentile_national, float),
                        percentile_in_council=_value(row.percentile_in_council, float),
                        imd_decile=_value(row.imd_decile),
                        imd_from_lsoas=bool(row.imd_from_lsoas),
                        losing_places=bool(row.losing_places),
                        left_behind_risk=bool(row.left_behind_risk),
                    )
                )
        AreaIndicator.objects.bulk_create(rows, batch_size=2000)
        IndicatorSnapshot.objects.exclude(pk=snapshot.pk).delete()
    return snapshot


def recompute(on=None, rules=None):
    """Compute every area's figures and store them as the current snapshot."""
    started = time.perf_counter()
    on = on or timezone.localdate()
    rules = rules or Rules.from_settings()
    frames = compute(on, rules)
    snapshot = save_snapshot(frames, on, rules, time.perf_counter() - started)
    bump_content_version()  # pages and the API show the new figures at once
    return snapshot


def latest_snapshot():
    return IndicatorSnapshot.objects.newest()


def period_start(snapshot):
    return years_before(snapshot.reference_date, snapshot.period_years)
