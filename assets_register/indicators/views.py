"""Public pages for 'losing places to meet': the choropleth and ranking table, its CSV,
the map's GeoJSON, and two areas side by side. Everything reads the latest snapshot."""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from assets_register.core.caching import cached_page
from assets_register.core.files import csv_response
from assets_register.core.licences import source_name
from assets_register.core.prepared import PreparedQuery
from assets_register.indicators.stored import (
    POPULATION_SOURCE,
    POPULATION_SOURCE_URL,
    YEARS_BACK,
    latest_snapshot,
    period_start,
    stored_history,
    with_stored_lists,
    years_before,
)
from assets_register.models import (
    PLACES_TO_MEET,
    Area,
    AreaIndicator,
    AreaKind,
    Asset,
    Category,
    without_geometry,
)

PLACE_KINDS = [label for value, label in Category.choices if value in PLACES_TO_MEET]
CATEGORY_LABELS = dict(Category.choices)  # Category.choices is worked out on every use
PAGE_SIZE = 100
# Above this many areas the map asks for a council: 568 LSOA outlines are ~0.5 MB.
MAP_MAX_AREAS = 1000
NO_DATA_COLOUR = "#b1b4b6"
LOSS_TO_GAIN = ["#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#67a9cf", "#2166ac"]
LOW_TO_HIGH = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
DEPRIVED_FIRST = ["#54278f", "#756bb1", "#9e9ac8", "#cbc9e2", "#f2f0f7"]
KIND_SINGULAR = {AreaKind.COUNCIL: "council", AreaKind.WARD: "ward", AreaKind.LSOA: "LSOA"}
KIND_PLURAL = {kind: f"{name}s" for kind, name in KIND_SINGULAR.items()}


@dataclass(frozen=True)
class LegendClass:
    label: str
    colour: str
    low: float = -np.inf  # value > low
    high: float = np.inf  # value <= high


MEASURES = {
    "flags": "Flags (losing places to meet; left-behind risk)",
    "change": "Net change in open places to meet",
    "change_per_1000": "Net change per 1,000 residents",
    "open_now": "Places to meet open now",
    "per_1000_now": "Places to meet per 1,000 residents now",
    "imd_decile": "IMD decile (the edition published for each area)",
}


def measure_value(row, measure):
    if measure == "flags":
        return 2 if row.left_behind_risk else 1 if row.losing_places else 0
    if measure == "change":
        return row.change
    return getattr(row, measure)


def _number(value):
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def quantile_classes(values, colours):
    """Five classes with about as many areas in each, labelled with their bounds."""
    values = np.array([v for v in values if v is not None], dtype=float)
    if not len(values):
        return []
    breaks = sorted(set(np.round(np.quantile(values, [0.2, 0.4, 0.6, 0.8, 1.0]), 2)))
    classes, low = [], -np.inf
    for i, high in enumerate(breaks):
        label = (
            f"up to {_number(high)}"
            if low == -np.inf
            else (f"more than {_number(low)} up to {_number(high)}")
        )
        classes.append(LegendClass(label, colours[i + len(colours) - len(breaks)], low, high))
        low = high
    return classes


def legend(measure, values=()):
    """The map's classes for a measure; `values` set the breaks of the two count measures."""
    if measure == "flags":
        return [
            LegendClass("Left-behind risk", LOSS_TO_GAIN[0], 1, 2),
            LegendClass("Losing places to meet", LOSS_TO_GAIN[1], 0, 1),
            LegendClass("Not flagged", LOSS_TO_GAIN[3], -1, 0),
        ]
    if measure == "change":
        bounds = [
            (-np.inf, -3, "Lost 3 or more"),
            (-3, -2, "Lost 2"),
            (-2, -1, "Lost 1"),
            (-1, 0, "No change"),
            (0, np.inf, "Gained 1 or more"),
        ]
        colours = LOSS_TO_GAIN[:4] + LOSS_TO_GAIN[5:]
    elif measure == "change_per_1000":
        bounds = [
            (-np.inf, -1, "Lost 1 or more per 1,000"),
            (-1, -0.5, "Lost 0.5 to 1"),
            (-0.5, -1e-9, "Lost under 0.5"),
            (-1e-9, 0, "No change"),
            (0, np.inf, "Gained"),
        ]
        colours = LOSS_TO_GAIN[:4] + LOSS_TO_GAIN[5:]
    elif measure == "imd_decile":
        bounds = [
            (0, 1, "1 (most deprived tenth)"),
            (1, 2, "2"),
            (2, 4, "3 to 4"),
            (4, 7, "5 to 7"),
            (7, 10, "8 to 10 (least deprived)"),
        ]
        colours = DEPRIVED_FIRST
    else:
        return quantile_classes(values, LOW_TO_HIGH)
    return [
        LegendClass(label, colour, low, high)
        for (low, high, label), colour in zip(bounds, colours, strict=True)
    ]


def classify(value, classes):
    if value is None:
        return None
    return next((c for c in classes if c.low < value <= c.high), None)


def no_data_label(measure):
    """What an area without a value shows, for the measures that can lack one."""
    return {
        "imd_decile": "No IMD figure",
        "per_1000_now": "No population figure",
        "change_per_1000": "No population figure",
    }.get(measure)


@dataclass
class Filters:
    kind: str
    measure: str
    council: Area | None
    flagged: str
    query: str
    sort: str

    QUERY_PARAMS = ("kind", "indicator", "council", "flagged", "q", "sort")
    SORTS = {
        "name": "area__name",
        "council": "council__name",
        "population": "population",
        "open_now": "open_now",
        "per_1000_now": "per_1000_now",
        "change": None,
        "closures": None,
        "openings": None,
        "change_per_1000": "change_per_1000",
        "percentile_national": "percentile_national",
        "percentile_in_council": "percentile_in_council",
        "imd_decile": "imd_decile",
    }

    @classmethod
    def from_request(cls, request, kind=None):
        get = request.GET
        kind = kind or get.get("kind", AreaKind.WARD)
        if kind not in AreaKind.values:
            raise Http404("No such kind of area")
        council = Area.objects.by_code(get.get("council"), kinds=[AreaKind.COUNCIL])
        measure = get.get("indicator", "flags")
        sort = get.get("sort", "change")
        return cls(
            kind=kind,
            measure=measure if measure in MEASURES else "flags",
            council=council,
            flagged=get.get("flagged", "")
            if get.get("flagged") in ("losing", "left_behind")
            else "",
            query=get.get("q", "").strip()[:100],
            sort=sort if sort.lstrip("-") in cls.SORTS else "change",
        )

    def map_rows(self, snapshot):
        """The areas the map draws: every one of the kind, in the council if one is chosen."""
        rows = snapshot.areas.filter(kind=self.kind)
        in_council = self.council and self.kind != AreaKind.COUNCIL
        return rows.filter(council=self.council) if in_council else rows

    def legend(self, snapshot):
        counted = self.measure in ("open_now", "per_1000_now")
        return legend(
            self.measure,
            self.map_rows(snapshot).values_list(self.measure, flat=True) if counted else (),
        )

    def rows(self, snapshot):
        rows = self.map_rows(snapshot).select_related("area", "council")
        if self.flagged == "losing":
            rows = rows.filter(losing_places=True)
        elif self.flagged == "left_behind":
            rows = rows.filter(left_behind_risk=True)
        if self.query:
            rows = rows.filter(area__name__icontains=self.query)
        return rows

    def ordered(self, rows, snapshot):
        key = self.sort.lstrip("-")
        field = self.SORTS[key] or f"{key}_{snapshot.period_years}y"
        expression = (
            F(field).desc(nulls_last=True)
            if self.sort.startswith("-")
            else F(field).asc(nulls_last=True)
        )
        return rows.order_by(expression, "area__name")

    def get_measure_display(self):
        return MEASURES[self.measure]

    def query_string(self, **changes):
        params = {
            "kind": self.kind,
            "indicator": self.measure,
            "council": self.council.gss_code if self.council else "",
            "flagged": self.flagged,
            "q": self.query,
            "sort": self.sort,
        }
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})


def rule_context(snapshot):
    rules = snapshot.rules
    return {
        "snapshot": snapshot,
        "rules": rules,
        "period_start": period_start(snapshot),
        "min_net_loss": [(None, loss) for loss in set(rules["min_net_loss"].values())]
        if len(set(rules["min_net_loss"].values())) == 1
        else [(KIND_PLURAL[kind], loss) for kind, loss in rules["min_net_loss"].items()],
        "population_source": POPULATION_SOURCE,
        "population_source_url": POPULATION_SOURCE_URL,
        "evidence": evidence_rows(snapshot.evidence, snapshot.reference_date),
    }


def evidence_rows(evidence, on):
    """The evidence table (compute.evidence) in words: per kind of place and source, how
    far back its history is known and how much of ten years ago is assumed."""
    start = years_before(on, YEARS_BACK)
    rows = []
    for item in evidence or []:
        earliest = datetime.date.fromisoformat(item["earliest"])
        known, places = item["known_at_start"], item["places"]
        if known == places:
            assumed = "none"
        elif known == 0:
            assumed = f"all {places:,}: no dated record of any before {earliest:%B %Y}"
        else:
            assumed = f"{places - known:,} of {places:,}"
        rows.append(
            {
                "kind": CATEGORY_LABELS.get(item["category"], item["category"]),
                "source": source_name(item["source"]) if item["source"] else "entered here",
                "places": places,
                "earliest": earliest,
                "assumed": assumed,
                "start": start,
            }
        )
    return rows


@cached_page(query=[*Filters.QUERY_PARAMS, "page"])
def indicators_page(request):
    snapshot = latest_snapshot()
    if snapshot is None:
        return render(request, "assets_register/indicators.html", {"snapshot": None})
    filters = Filters.from_request(request)
    rows = filters.rows(snapshot)
    page = Paginator(filters.ordered(rows, snapshot), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.flag_reasons = flag_reasons(row, snapshot)
    columns = [
        ("name", "Area"),
        ("council", "Council"),
        ("population", "Population"),
        ("open_now", "Open now"),
        ("per_1000_now", "Per 1,000 now"),
        ("change", f"Net change, {snapshot.period_years} years"),
        ("closures", "Closures"),
        ("openings", "Openings"),
        ("change_per_1000", "Change per 1,000"),
        ("percentile_national", "Percentile, all"),
        ("percentile_in_council", "Percentile, in council"),
        ("imd_decile", "IMD decile"),
    ]
    headers = []
    for key, label in columns:
        direction = (
            "ascending"
            if filters.sort == key
            else "descending"
            if filters.sort == f"-{key}"
            else ""
        )
        headers.append(
            {
                "label": label,
                "aria_sort": direction,
                "url": "?"
                + filters.query_string(sort=f"-{key}" if filters.sort == key else key, page=""),
            }
        )
    area_count = filters.map_rows(snapshot).count()
    return render(
        request,
        "assets_register/indicators.html",
        {
            **rule_context(snapshot),
            "filters": filters,
            "page": page,
            "headers": headers,
            "area_count": area_count,
            "kinds": AreaKind.choices,
            "measures": MEASURES.items(),
            "councils": Area.objects.councils().current().order_by("name"),
            "classes": filters.legend(snapshot),
            "table_count": page.paginator.count,
            "no_data_label": no_data_label(filters.measure),
            "no_data_colour": NO_DATA_COLOUR,
            "map_too_big": area_count > MAP_MAX_AREAS,
            "kind_singular": KIND_SINGULAR[filters.kind],
            "kind_plural": KIND_PLURAL[filters.kind],
            "place_kinds": PLACE_KINDS,
            "geojson_url": reverse("indicators_geojson", args=[filters.kind])
            + "?"
            + filters.query_string(sort="", q="", flagged=""),
            "csv_url": reverse("indicators_csv", args=[filters.kind])
            + "?"
            + filters.query_string(indicator="", sort=""),
            "page_query": filters.query_string(),
        },
    )


def deprivation(row):
    """'IMD 2019 decile 3 (rank 4,120)', with where a ward's or council's comes from;
    '' when not known."""
    if not row.imd_decile:
        return ""
    rank = ""
    if row.imd_rank is not None:
        rank = f" ({'its LSOAs’ average ' if row.imd_from_lsoas else ''}rank {row.imd_rank:,.0f})"
    return f"{row.imd_edition or 'IMD'} decile {row.imd_decile}{rank}"


def flag_reasons(row, snapshot):
    """Why an area is flagged, in words, from the rules that flagged it."""
    rules, reasons = snapshot.rules, []
    if not row.losing_places:
        return reasons
    loss = rules["min_net_loss"][row.kind]
    if row.change <= -loss:
        reasons.append(
            f"net loss of {-row.change} place{'s' if row.change != -1 else ''} "
            f"to meet in {snapshot.period_years} years (threshold: {loss})"
        )
    if (
        row.percentile_national is not None
        and row.percentile_national <= rules["worst_percent"]
        and row.change < 0
    ):
        reasons.append(
            f"change per 1,000 residents among the worst "
            f"{_number(rules['worst_percent'])}% ({_number(row.percentile_national)})"
        )
    if row.left_behind_risk:
        reasons.append(deprivation(row))
    return reasons


@cache_control(public=True, max_age=300)
@cached_page(query=Filters.QUERY_PARAMS)
def indicators_geojson(request, kind):
    snapshot = latest_snapshot()
    if snapshot is None:
        raise Http404("No indicators computed yet")
    filters = Filters.from_request(request, kind)
    key = f"indicators:geojson:{snapshot.pk}:{filters.kind}:{filters.query_string(sort='')}"
    body = cache.get(key)
    if body is None:
        body = _geojson(filters, snapshot)
        cache.set(key, body, 3600)
    return HttpResponse(body, content_type="application/geo+json")


def _geojson(filters, snapshot):
    rows = filters.map_rows(snapshot)
    if rows.count() > MAP_MAX_AREAS:
        return json.dumps({"type": "FeatureCollection", "features": [], "too_many": True})
    classes = filters.legend(snapshot)
    rows = rows.select_related("area").defer("area__boundary")
    features = []
    for row in rows:
        if not row.area.boundary_display:
            continue
        value = measure_value(row, filters.measure)
        found = classify(value, classes)
        label = found.label if found else no_data_label(filters.measure) or ""
        if filters.measure != "flags" and row.losing_places:
            label += " (left-behind risk)" if row.left_behind_risk else " (losing places to meet)"
        features.append(
            {
                "type": "Feature",
                "geometry": row.area.boundary_display,
                "properties": {
                    "gss": row.area.gss_code,
                    "name": row.area.name,
                    "url": row.area.get_absolute_url(),
                    "colour": found.colour if found else NO_DATA_COLOUR,
                    "label": label,
                    "open_now": row.open_now,
                    f"change_{snapshot.period_years}y": row.change,
                    "imd_decile": row.imd_decile,
                    "imd_rank": row.imd_rank,
                    "imd_edition": row.imd_edition,
                    "imd_from_lsoas": row.imd_from_lsoas,
                    "deprivation": deprivation(row),
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


# The figures the CSV copies from each AreaIndicator as they are.
FIGURES = (
    "population",
    "open_now",
    "per_1000_now",
    "open_5y_ago",
    "per_1000_5y_ago",
    "open_10y_ago",
    "per_1000_10y_ago",
    "change_5y",
    "change_10y",
    "closures_5y",
    "openings_5y",
    "closures_10y",
    "openings_10y",
    "percentile_national",
    "percentile_in_council",
    "imd_decile",
)
# The published column order.
CSV_FIELDS = [
    "gss_code",
    "name",
    "kind",
    "council_gss_code",
    "council_name",
    "population",
    "open_now",
    "per_1000_now",
    "open_5y_ago",
    "per_1000_5y_ago",
    "open_10y_ago",
    "per_1000_10y_ago",
    "change_5y",
    "change_10y",
    "closures_5y",
    "openings_5y",
    "closures_10y",
    "openings_10y",
    "period_years",
    "change_per_1000_in_period",
    "percentile_national",
    "percentile_in_council",
    "imd_decile",
    "imd_decile_source",
    "imd_rank",
    "imd_edition",
    "open_5y_ago_assumed",
    "open_10y_ago_assumed",
    "losing_places_to_meet",
    "left_behind_risk",
    "reference_date",
    "computed_at",
]


@cached_page(query=Filters.QUERY_PARAMS)
def indicators_csv(request, kind):
    snapshot = latest_snapshot()
    if snapshot is None:
        raise Http404("No indicators computed yet")
    filters = Filters.from_request(request, kind)
    rows = filters.ordered(filters.rows(snapshot), snapshot)
    out = []
    for row in rows.iterator(chunk_size=2000):
        out.append(
            {
                "gss_code": row.area.gss_code,
                "name": row.area.name,
                "kind": row.kind,
                "council_gss_code": row.council.gss_code if row.council else "",
                "council_name": row.council.name if row.council else "",
                **{field: getattr(row, field) for field in FIGURES},
                "period_years": snapshot.period_years,
                "change_per_1000_in_period": row.change_per_1000,
                "imd_decile_source": (
                    "average rank of its LSOAs" if row.imd_from_lsoas else row.imd_edition
                ),
                "imd_rank": row.imd_rank,
                "imd_edition": row.imd_edition,
                "open_5y_ago_assumed": row.assumed_ago(5),
                "open_10y_ago_assumed": row.assumed_ago(10),
                "losing_places_to_meet": "yes" if row.losing_places else "no",
                "left_behind_risk": "yes" if row.left_behind_risk else "no",
                "reference_date": snapshot.reference_date.isoformat(),
                "computed_at": snapshot.computed_at.isoformat(timespec="seconds"),
            }
        )
    name = f"places-to-meet-{kind}-{snapshot.reference_date:%Y-%m-%d}.csv"
    return csv_response(out, CSV_FIELDS, name)


def area_row(area, snapshot, with_lists=False):
    """An area's figures in the snapshot, with its flag reasons and chart, or None.

    With its lists (the area's own page), `row.places_lost` are the rows (ClosureRow) of
    the newest closures its counts count, so the page's figures and its list agree: both
    as the snapshot stored them while no edit waits for a recompute, else both worked
    out again from the area's places' events as they stand, the ranking and flags
    waiting for the background recompute (`row.updating` says so)."""
    if snapshot is None or area is None:
        return None
    if with_lists:
        row = next(iter(_row_with_lists(snapshot=snapshot.pk, area=area.pk)), None)
    else:
        row = _row_query(snapshot.areas.filter(area=area)).first()
    if row is None:
        return None
    row.snapshot = snapshot  # its time is shown while figures are being recomputed
    row.flag_reasons = flag_reasons(row, snapshot)
    row.kind_plural = KIND_PLURAL[row.kind]
    row.updating = False
    row.population_source, row.population_source_url = POPULATION_SOURCE, POPULATION_SOURCE_URL
    if with_lists:
        now = stored_history(row) or _counted_again(Asset.objects.live().in_area(area), snapshot)
        row.places_lost, row.places_lost_total = now.newest_closure_rows(), now.closure_count
        row.newest_closures = now.newest_closures
        row.evidence = evidence_rows(now.evidence, snapshot.reference_date)
        stored = {name: getattr(row, name) for name in now.counts}
        row.updating = any(
            stored[name] != value
            for name, value in now.counts.items()
            if name != "assumed_by_year" or stored[name]
        )
        for name, value in now.counts.items():
            setattr(row, name, value)
        population = row.population or None
        for name, count in (
            ("now", row.open_now),
            ("5y_ago", row.open_5y_ago),
            ("10y_ago", row.open_10y_ago),
        ):
            if now.counts:  # counted again, so the rates follow; else stored with them
                rate = round(count * 1000 / population, 3) if population else None
                setattr(row, f"per_1000_{name}", rate)
    row.chart = history_chart(row, snapshot)
    return row


def _counted_again(assets, snapshot):
    """An area's history counted from its places' events as they stand. Imported here:
    only while an edit waits for a recompute does a page need compute.py and pandas."""
    from assets_register.indicators.compute import area_history

    return area_history(assets, snapshot.reference_date, period_start(snapshot))


def _row_query(rows):
    return rows.select_related("council").defer(*without_geometry("council")).order_by("pk")


# Every view of an area's page reads its row so: compiled once (core.prepared).
_row_with_lists = PreparedQuery(
    lambda snapshot, area: _row_query(
        with_stored_lists(AreaIndicator.objects.filter(snapshot=snapshot, area=area))
    )[:1],
    slots={"snapshot": int, "area": int},
)


def _area(code):
    return Area.objects.by_code(code)


@cached_page(query=["a", "b"])
def compare(request):
    snapshot = latest_snapshot()
    areas = [_area(request.GET.get("a")), _area(request.GET.get("b"))]
    rows = [area_row(area, snapshot) for area in areas]
    return render(
        request,
        "assets_register/indicators_compare.html",
        {
            "snapshot": snapshot,
            "pairs": list(zip(areas, rows, strict=True)),
            "lines": comparison_lines(rows) if all(rows) else [],
            "codes": [request.GET.get("a", ""), request.GET.get("b", "")],
            "missing": [
                code
                for code, area in zip("ab", areas, strict=True)
                if request.GET.get(code) and area is None
            ],
        },
    )


def _rate(value):
    return "no population figure" if value is None else f"{value:.2f} per 1,000"


def _signed(value):
    return f"+{value}" if value > 0 else str(value)


COMPARED = [
    ("Population", lambda r: f"{r.population:,}" if r.population else "not known"),
    ("Open now", lambda r: str(r.open_now)),
    ("Open now per 1,000 residents", lambda r: _rate(r.per_1000_now)),
    ("Open 5 years ago", lambda r: str(r.open_5y_ago)),
    ("Open 10 years ago", lambda r: str(r.open_10y_ago)),
    ("Net change, 5 years", lambda r: _signed(r.change_5y)),
    ("Net change, 10 years", lambda r: _signed(r.change_10y)),
    ("Closures, 10 years", lambda r: str(r.closures_10y)),
    ("Openings, 10 years", lambda r: str(r.openings_10y)),
    ("Change per 1,000 residents in the period", lambda r: _rate(r.change_per_1000)),
    (
        "Percentile, all areas of its kind",
        lambda r: "none" if r.percentile_national is None else _number(r.percentile_national),
    ),
    (
        "Percentile, in its council",
        lambda r: "none" if r.percentile_in_council is None else _number(r.percentile_in_council),
    ),
    ("Deprivation", lambda r: deprivation(r) or "not known"),
    (
        "Losing places to meet",
        lambda r: "yes: " + "; ".join(r.flag_reasons) if r.losing_places else "no",
    ),
    ("Left-behind risk", lambda r: "yes" if r.left_behind_risk else "no"),
]


def comparison_lines(rows):
    return [(label, [show(row) for row in rows]) for label, show in COMPARED]


def history_chart(row, snapshot, width=320, height=120):
    """Coordinates for a small inline SVG line chart of open places on each anniversary."""
    values = row.open_by_year or []
    if len(values) < 2:
        return None
    left, right, top, bottom = 34, 10, 10, 22
    top_value = max(max(values), 1)
    step = (width - left - right) / (len(values) - 1)
    first_year = years_before(snapshot.reference_date, len(values) - 1).year

    def y_of(value):
        return round(top + (height - top - bottom) * (1 - value / top_value), 1)

    points = [(round(left + i * step, 1), y_of(v)) for i, v in enumerate(values)]
    years = [first_year + i for i in range(len(values))]
    assumed = row.assumed_by_year if len(row.assumed_by_year or []) == len(values) else None
    known = [v - a for v, a in zip(values, assumed, strict=True)] if assumed else values
    return {
        "width": width,
        "height": height,
        "left": left,
        "baseline": height - bottom,
        "right_edge": width - right,
        "top_value": top_value,
        "top_y": y_of(top_value),
        "points": " ".join(f"{x},{y}" for x, y in points),
        # Only places with dated evidence by each year: the gap above it is assumed.
        "known_points": " ".join(f"{x},{y_of(k)}" for (x, _y), k in zip(points, known, strict=True))
        if any(assumed or [])
        else "",
        "dots": [
            {"x": x, "y": y, "year": year, "value": v, "known": k}
            for (x, y), year, v, k in zip(points, years, values, known, strict=True)
        ],
        "labels": [
            {"x": points[i][0], "year": years[i], "anchor": anchor}
            for i, anchor in ((0, "middle"), (len(values) // 2, "middle"), (len(values) - 1, "end"))
        ],
        "description": ", ".join(
            f"{year}: {v}" + (f" ({v - k} assumed)" if v != k else "")
            for year, v, k in zip(years, values, known, strict=True)
        ),
    }
