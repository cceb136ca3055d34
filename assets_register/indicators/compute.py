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
* What is known and what is assumed: a place's history is known from its earliest
  dated evidence (its first dated event, the first snapshot it was seen in, the edition
  of a dataset that lists it, else the day it was recorded). Counted open on a date
  before that, it is *assumed* open: each year's count says how many are assumed.
  A list of what exists now (Open Pubs) gives no history at all.
* Rates per 1,000 residents use the area's current population, and are left empty when
  there is none: counts only, never an invented rate. No population is loaded yet (ONS
  mid-year estimates, POPULATION_SOURCE_URL, would give it).
* Deprivation is the IMD edition published for the area's geography: IMD 2019 for
  2011 LSOAs (IMD 2025 for a 2021 LSOA without a 2019 rank); a ward or council gets the
  decile of its LSOAs' average IMD 2019 rank.
"""

import datetime
import math
import re
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import shapely

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from assets_register.core.caching import bump_content_version
from assets_register.geo.spatial import geometry_from_geojson
from assets_register.indicators.stored import YEARS_BACK, AreaHistory, years_before
from assets_register.models import (
    CLOSURE_KINDS,
    Area,
    AreaIndicator,
    AreaIndicatorDetail,
    AreaKind,
    Asset,
    AssetEvent,
    AssetSource,
    DatePrecision,
    EventKind,
    IndicatorSnapshot,
)
from assets_register.models.assets import OPEN_STATUSES, STATUS_AFTER_EVENT, THREAT_KINDS

# England's LSOAs (2011) ranked by the IMD 2019: rank 1 is the most deprived.
IMD_2019_LSOA_COUNT = 32_844
IMD_2019, IMD_2025 = "IMD 2019", "IMD 2025"
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


def _days(values):
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def load_places(assets=None):
    """Live places to meet with their areas, and their status-changing events."""
    assets = (assets if assets is not None else Asset.objects.all()).live().places_to_meet()
    places = pd.DataFrame.from_records(
        list(
            assets.values_list(
                "pk",
                "council_id",
                "ward_id",
                "lsoa_id",
                "category",
                "source",
                "source_edition",
                "created_at",
            )
        ),
        columns=[
            "asset_id",
            "council_id",
            "ward_id",
            "lsoa_id",
            "category",
            "source",
            "edition",
            "created_at",
        ],
    )
    places = places.astype(
        {"asset_id": np.int64, **dict.fromkeys(["council_id", "ward_id", "lsoa_id"], "float64")}
    )
    # Every event, in one query: the earliest of any kind dates a place's evidence, the
    # status-changing ones make its history.
    every_event = pd.DataFrame.from_records(
        list(
            AssetEvent.objects.filter(asset__in=assets).values_list(
                "asset_id", "date", "date_precision", "kind", "pk", "date_until"
            )
        ),
        columns=["asset_id", "date", "precision", "kind", "pk", "until"],
    )
    places["known_from"] = known_from(assets, places, every_event)
    places = places.drop(columns=["edition", "created_at"])
    events = every_event[every_event["kind"].isin(list(OPEN_AFTER))].reset_index(drop=True)
    return places, events


def _edition_day(edition):
    """The day an edition stands for: a year counts as its 1 July, a date as itself."""
    edition = (edition or "").strip()
    if re.fullmatch(r"\d{4}", edition):
        return datetime.date(int(edition), 7, 1)
    try:
        return datetime.date.fromisoformat(edition[:10])
    except ValueError:
        return None


def _earliest(pairs):
    """{key: its earliest day} of (key, day) pairs, days that are None left out."""
    earliest = {}
    for key, day in pairs:
        if day and (key not in earliest or day < earliest[key]):
            earliest[key] = day
    return earliest


def known_from(assets, places, events):
    """Per place (aligned with `places`), the day of its earliest dated evidence; `events`
    are every event of `assets`."""
    if places.empty:
        return pd.Series(dtype="datetime64[s]")
    ids = places["asset_id"]
    first_event = _earliest(zip(events["asset_id"].tolist(), events["date"].tolist(), strict=True))
    # The first snapshot a place was seen in, or another dataset's record of the same
    # place (a library in the 2016 edition) dated by that record's edition.
    first_seen = _earliest(
        (asset_id, day)
        for asset_id, seen, edition in AssetSource.objects.filter(asset__in=assets).values_list(
            "asset_id", "first_seen", "record__source_edition"
        )
        for day in (seen, _edition_day(edition))
    )
    editions = {edition: _edition_day(edition) for edition in places["edition"].unique()}
    recorded = pd.to_datetime(places["created_at"], utc=True).dt.tz_localize(None).dt.floor("D")
    # numpy, not a DataFrame of candidates: an area page does this for a few dozen places,
    # where pandas' fixed costs outweigh the work.
    candidates = [
        np.array([days.get(pk) for pk in ids.tolist()], dtype="datetime64[D]")
        for days in (first_event, first_seen)
    ]
    candidates.append(np.array([editions[e] for e in places["edition"]], dtype="datetime64[D]"))
    earliest = np.fmin.reduce(candidates)
    return np.where(np.isnat(earliest), recorded.to_numpy().astype("datetime64[D]"), earliest)


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


def per_place_figures(places, events, on, history=None):
    """One row per place: open on each anniversary (oldest first) and its changes."""
    history = history or History(places, events, on)
    known = _days(places["known_from"]) if "known_from" in places else None
    columns = {}
    for years in range(YEARS_BACK, -1, -1):
        day = years_before(on, years)
        open_then = history.open_on(day)
        columns[f"open_{years}"] = open_then.astype(np.int64)
        unknown_then = known > _days([day])[0] if known is not None else False
        columns[f"assumed_{years}"] = (open_then & unknown_then).astype(np.int64)
    for years in (5, 10):
        closures, openings = history.changes_since(years_before(on, years))
        columns[f"closures_{years}y"], columns[f"openings_{years}y"] = closures, openings
    # One frame joined once: a column set at a time costs more than an area's figures.
    return pd.concat([places, pd.DataFrame(columns, index=places.index)], axis=1)


def closures_since(assets, start, on):
    """The events that closed an open place to meet among `assets` after `start`, by the
    same rules as the counts, newest first."""
    return area_history(assets, on, start).closures


def area_history(assets, on, start):
    """The figures of one area's places worked out now, by the snapshot's rules, with the
    list of closures they count: a page showing both can never contradict itself, even
    before the background recompute has caught up with an edit."""
    places, events = load_places(assets)
    history = History(places, events, on)
    frame = per_place_figures(places, events, on, history)
    columns = [f"{name}_{y}" for name in ("open", "assumed") for y in range(YEARS_BACK + 1)]
    columns += [f"{name}_{y}y" for name in ("closures", "openings") for y in (5, 10)]
    total = {column: int(value) for column, value in frame[columns].sum().items()}
    counts = {
        "open_now": total["open_0"],
        "open_5y_ago": total["open_5"],
        "open_10y_ago": total["open_10"],
        "open_by_year": [total[f"open_{y}"] for y in range(YEARS_BACK, -1, -1)],
        "assumed_by_year": [total[f"assumed_{y}"] for y in range(YEARS_BACK, -1, -1)],
        "change_5y": total["open_0"] - total["open_5"],
        "change_10y": total["open_0"] - total["open_10"],
        **{
            f"{name}_{years}y": total[f"{name}_{years}y"]
            for name in ("closures", "openings")
            for years in (5, 10)
        },
    }
    closed, _ = history.change_masks(start)
    pks = history.events["pk"].to_numpy()[closed].tolist()
    return AreaHistory(counts, pks, len(pks), evidence(frame, on))


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
                "imd_2025_rank",
                "imd_2025_decile",
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
            "imd_2025_rank",
            "imd_2025_decile",
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
        "imd_2025_rank",
        "imd_2025_decile",
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


def derived_imd(member_of, lsoas):
    """Per group: the average IMD 2019 rank of its LSOAs, population-weighted when every
    LSOA in the group has a population, and that rank's decile (columns rank, decile)."""
    ranked = lsoas[lsoas["imd_rank"].notna()].assign(group=member_of).dropna(subset=["group"])
    if ranked.empty:
        return pd.DataFrame({"rank": [], "decile": []}, dtype=float)
    weights = ranked["population"].astype(float)
    all_known = weights.notna().groupby(ranked["group"]).transform("all")
    weight = weights.where(all_known, 1.0)
    mean_rank = (ranked["imd_rank"] * weight).groupby(ranked["group"]).sum() / weight.groupby(
        ranked["group"]
    ).sum()
    return pd.DataFrame(
        {
            "rank": mean_rank.round(1),
            "decile": np.ceil(mean_rank * 10 / IMD_2019_LSOA_COUNT).clip(1, 10),
        }
    )


def own_imd(areas):
    """The area's own IMD (rank, decile, edition): 2019 where given, else 2025."""
    has_2019 = areas["imd_decile"].notna()
    has_2025 = ~has_2019 & areas["imd_2025_decile"].notna()
    return pd.DataFrame(
        {
            "rank": areas["imd_rank"].where(has_2019, areas["imd_2025_rank"]),
            "decile": areas["imd_decile"].where(has_2019, areas["imd_2025_decile"]),
            "edition": np.where(has_2019, IMD_2019, np.where(has_2025, IMD_2025, "")),
        },
        index=areas.index,
    )


def area_figures(kind, areas, figures, rules, imd_from_lsoas):
    column = KIND_COLUMN[kind]
    counted = [f"{name}_{y}" for name in ("open", "assumed") for y in range(YEARS_BACK, -1, -1)] + [
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
    own = own_imd(areas)
    derived = imd_from_lsoas.reindex(areas.index)
    out["imd_decile"] = own["decile"].fillna(derived["decile"])
    out["imd_rank"] = own["rank"].where(own["decile"].notna(), derived["rank"])
    out["imd_from_lsoas"] = own["decile"].isna() & out["imd_decile"].notna()
    out["imd_edition"] = own["edition"].where(own["decile"].notna(), "")
    out.loc[out["imd_from_lsoas"], "imd_edition"] = IMD_2019
    loses_enough = change <= -rules.min_net_loss[kind]
    worst_tenth = (change < 0) & (out["percentile_national"] <= rules.worst_percent)
    out["losing_places"] = loses_enough | worst_tenth
    out["left_behind_risk"] = out["losing_places"] & (
        out["imd_decile"] <= rules.left_behind_max_decile
    )
    return out


class AreaFrames(dict):
    """{kind: DataFrame of its areas' figures}, with the national evidence table and, per
    kind, {area id: (its evidence table, its newest closures' pks)} for the area pages."""

    evidence = ()
    details = None


def evidence_by_area(figures, column, on):
    """{area id: its evidence table}, for every area at once: per kind of place and source
    (sorted so, a place without a source after one with ""), how many places, the
    earliest dated evidence of any, and how many are known at the start of YEARS_BACK."""
    placed = figures[figures[column].notna()]
    if placed.empty:
        return {}
    start = np.datetime64(years_before(on, YEARS_BACK), "D")
    known = placed["known_from"].to_numpy().astype("datetime64[D]")
    # Grouped by hand, not by DataFrame.groupby, whose fixed cost is most of the work for
    # the few dozen places of an area page (0.1 ms, not 4).
    keys = list(
        zip(
            placed[column].astype(np.int64).tolist(),
            placed["category"].tolist(),
            [None if pd.isna(source) else source for source in placed["source"].tolist()],
            strict=True,
        )
    )
    groups = sorted(set(keys), key=lambda key: (key[0], key[1], key[2] is None, key[2] or ""))
    number = {key: n for n, key in enumerate(groups)}
    codes = np.fromiter((number[key] for key in keys), dtype=np.int64, count=len(keys))
    places = np.bincount(codes, minlength=len(groups))
    known_at_start = np.bincount(codes, weights=known <= start, minlength=len(groups))
    earliest = np.full(len(groups), np.datetime64("NaT"), dtype="datetime64[D]")
    np.fmin.at(earliest, codes, known)
    out = {}
    for (area, category, source), count, day, known_count in zip(
        groups, places, earliest, known_at_start, strict=True
    ):
        out.setdefault(area, []).append(
            {
                "category": category,
                "source": source or "",
                "places": int(count),
                "earliest": str(day),
                "known_at_start": int(known_count),
            }
        )
    return out


def newest_closures_by_area(keep):
    """{kind: {area id: pks of the newest `keep` CLOSURE_KINDS events of its live places,
    any kind of place and date}}, newest first: each area page's 'Recent closures'."""
    columns = list(KIND_COLUMN.values())
    frame = pd.DataFrame.from_records(
        list(
            AssetEvent.objects.filter(kind__in=CLOSURE_KINDS, asset__live=True).values_list(
                "pk", "date", *(f"asset__{column}" for column in columns)
            )
        ),
        columns=["pk", "date", *columns],
    ).sort_values(["date", "pk"], ascending=False)
    out = {}
    for kind, column in KIND_COLUMN.items():
        newest = frame.dropna(subset=[column]).groupby(column, sort=False).head(keep)
        out[kind] = {
            int(area): [int(pk) for pk in pks]
            for area, pks in newest.groupby(column, sort=False)["pk"].agg(list).items()
        }
    return out


def closures_by_area(figures, history, column, start, keep):
    """{area id: pks of its newest `keep` events that closed a place after `start`}, newest
    first (by date, then pk, as area_history orders them)."""
    closed, _ = history.change_masks(start)
    events = history.events[closed]
    frame = pd.DataFrame(
        {
            "area": figures[column].to_numpy()[events["position"].to_numpy()],
            "date": events["date"].to_numpy(),
            "pk": events["pk"].to_numpy(),
        }
    ).dropna(subset=["area"])
    newest = frame.sort_values(["date", "pk"], ascending=False).groupby("area").head(keep)
    return {
        int(area): [int(pk) for pk in pks]
        for area, pks in newest.groupby("area", sort=False)["pk"].agg(list).items()
    }


def evidence(figures, on):
    """Per kind of place and source: how many places, the earliest dated evidence of any,
    and how many are known (not assumed) at the start of ten years back: the table of
    evidence_by_area for all these places as one area."""
    return evidence_by_area(figures.assign(everywhere=0), "everywhere", on).get(0, [])


def compute(on=None, rules=None, kinds=tuple(AreaKind.values)):
    """{kind: DataFrame indexed by area id} of every current area's figures and flags."""
    on = on or timezone.localdate()
    rules = rules or Rules.from_settings()
    places, events = load_places()
    history = History(places, events, on)
    figures = per_place_figures(places, events, on, history)
    areas = {kind: load_areas(kind, on) for kind in AreaKind.values}
    lsoas = areas[AreaKind.LSOA]
    lsoa_council = councils_of(lsoas, figures, "lsoa_id")
    none = pd.DataFrame({"rank": [], "decile": []}, dtype=float)
    imd = {
        AreaKind.LSOA: none,
        AreaKind.WARD: derived_imd(lsoa_members(on, lsoas), lsoas)
        if AreaKind.WARD in kinds
        else none,
        AreaKind.COUNCIL: derived_imd(lsoa_council, lsoas),
    }
    frames = AreaFrames(
        {kind: area_figures(kind, areas[kind], figures, rules, imd[kind]) for kind in kinds}
    )
    frames.evidence = evidence(figures, on)
    start = years_before(on, rules.period_years)
    listed = AreaIndicatorDetail.LISTED
    newest = newest_closures_by_area(listed)
    frames.details = {
        kind: (
            evidence_by_area(figures, KIND_COLUMN[kind], on),
            closures_by_area(figures, history, KIND_COLUMN[kind], start, listed),
            newest[kind],
        )
        for kind in kinds
    }
    return frames


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
            evidence=list(getattr(frames, "evidence", [])),
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
                        imd_rank=_value(row.imd_rank, float),
                        imd_edition=row.imd_edition,
                        assumed_by_year=[
                            int(getattr(row, f"assumed_{y}")) for y in range(YEARS_BACK, -1, -1)
                        ],
                        imd_from_lsoas=bool(row.imd_from_lsoas),
                        losing_places=bool(row.losing_places),
                        left_behind_risk=bool(row.left_behind_risk),
                    )
                )
        _insert(rows)
        _insert(detail_rows(frames, snapshot))
        # Straight to SQL: a cascading delete() would first load every old row (a
        # post_delete receiver for every model rules out Django's fast delete).
        with connection.cursor() as cursor:
            for model in (AreaIndicatorDetail, AreaIndicator):
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE snapshot_id <> %s", [snapshot.pk]
                )
        IndicatorSnapshot.objects.exclude(pk=snapshot.pk).delete()
    return snapshot


def detail_rows(frames, snapshot):
    """An AreaIndicatorDetail for every area of the frames (none for a snapshot computed
    without them: its area pages count again)."""
    rows = []
    for kind, frame in frames.items():
        if not frames.details or kind not in frames.details:
            continue
        evidence_of, lost_of, newest_of = frames.details[kind]
        rows += [
            AreaIndicatorDetail(
                snapshot=snapshot,
                area_id=area_id,
                evidence=evidence_of.get(area_id, []),
                places_lost=lost_of.get(area_id, []),
                newest_closures=newest_of.get(area_id, []),
            )
            for area_id in map(int, frame.index)
        ]
    return rows


def _insert(rows):
    """bulk_create in one prepared statement: SQLite's 999-parameter batches (35 rows of
    28 columns) cost more than the figures themselves."""
    if not rows:
        return
    model = type(rows[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connections[model.objects.db].ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    # Numbers, text and booleans go as they are; only the JSON lists need the backend's
    # own encoding.
    database = connections[model.objects.db]
    encoded = [f.get_internal_type() == "JSONField" for f in fields]
    params = [
        [
            f.get_db_prep_save(value, database) if json else value
            for f, json, value in zip(
                fields, encoded, (getattr(row, f.attname) for f in fields), strict=True
            )
        ]
        for row in rows
    ]
    with database.cursor() as cursor:
        cursor.executemany(sql, params)


def recompute(on=None, rules=None):
    """Compute every area's figures and store them as the current snapshot."""
    started = time.perf_counter()
    on = on or timezone.localdate()
    rules = rules or Rules.from_settings()
    frames = compute(on, rules)
    snapshot = save_snapshot(frames, on, rules, time.perf_counter() - started)
    bump_content_version()  # pages and the API show the new figures at once
    return snapshot
