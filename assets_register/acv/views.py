"""Public pages and files for each council's assets of community value."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from assets_register.acv import lists as acv_lists
from assets_register.acv.national import FIGURE_LABELS, FIGURES, council_figures, listed_places
from assets_register.acv.the_law import the_law
from assets_register.core.caching import cached_page
from assets_register.core.embedding import embeddable
from assets_register.core.files import csv_response, geojson_response, ics_response
from assets_register.models import AreaKind, Asset, RegimeBook
from assets_register.models.areas import named_area


def _council(gss_code):
    # What these pages draw of the council: not its boundary (kilobytes of GeoJSON).
    council = named_area(gss_code, kinds=[AreaKind.COUNCIL])
    if council is None:
        raise Http404("No such council")
    return council


@cached_page
def acv_national(request):
    today = timezone.localdate()
    councils, totals, without = council_figures(today)
    return render(
        request,
        "assets_register/acv_national.html",
        {
            "councils": councils,
            "totals": [(FIGURE_LABELS[name], totals[name]) for name in FIGURES],
            "without": without,
            "listed_places": listed_places(today),
            "today": today,
        },
    )


def _list_today(gss_code):
    council, today = _council(gss_code), timezone.localdate()
    return {"council": council, "today": today, "rows": acv_lists.published_rows(council, today)}


@cached_page
def acv_list(request, gss_code):
    # One reading of the law for the page's worded periods and its rows' dates.
    with RegimeBook().in_use():
        context = _list_today(gss_code)
        context["pending"] = acv_lists.pending(context["council"])
        return render(request, "assets_register/acv_list.html", context)


@embeddable
@cached_page
def embed_acv_list(request, gss_code):
    """A council's list for other sites to frame: /embed/acv/<GSS code>/."""
    with RegimeBook().in_use():
        return render(request, "assets_register/embed_acv_list.html", _list_today(gss_code))


@cached_page
def acv_unsuccessful(request, gss_code):
    council = _council(gss_code)
    return render(
        request,
        "assets_register/acv_unsuccessful.html",
        {
            "council": council,
            "nominations": acv_lists.unsuccessful(council),
        },
    )


@cached_page(query=["part"])
def acv_export_csv(request, gss_code):
    council = _council(gss_code)
    national, statutory = acv_lists.national_rows(council, timezone.localdate())
    if request.GET.get("part") == "statutory":
        return csv_response(statutory, acv_lists.STATUTORY_FIELDS, f"acv-{gss_code}-statutory.csv")
    return csv_response(national, acv_lists.NATIONAL_FIELDS, f"acv-{gss_code}.csv")


@cached_page
def acv_export_geojson(request, gss_code):
    council = _council(gss_code)
    national, statutory = acv_lists.national_rows(council, timezone.localdate())
    extra = {row["reference"]: row for row in statutory}
    features = []
    for row in national:
        point = row["point"]
        geometry = None
        if point:
            lon, lat = point.removeprefix("POINT (").removesuffix(")").split()
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        properties = {k: v for k, v in row.items() if k not in ("point", "geometry")}
        properties.update(
            {k: v for k, v in extra.get(row["reference"], {}).items() if k != "reference"}
        )
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return geojson_response(features, f"acv-{gss_code}.geojson")


def _calendar(request, name, items, filename):
    events = [
        (
            item.uid,
            item.day,
            item.summary,
            item.description,
            request.build_absolute_uri(item.asset.get_absolute_url()) if item.asset else "",
        )
        for item in items
    ]
    return ics_response(name, events, filename)


@cached_page
def acv_deadlines(request, gss_code):
    council = _council(gss_code)
    return _calendar(
        request,
        f"Community Right to Bid deadlines: {council.name}",
        acv_lists.deadlines(timezone.localdate(), council=council),
        f"acv-{gss_code}-deadlines.ics",
    )


@cached_page
def asset_deadlines(request, pk):
    asset = get_object_or_404(Asset.objects.live(), pk=pk)
    return _calendar(
        request,
        f"Community Right to Bid deadlines: {asset.name}",
        acv_lists.deadlines(timezone.localdate(), asset=asset),
        f"asset-{pk}-deadlines.ics",
    )


@cached_page
def about_the_law(request):
    return render(request, "assets_register/about_the_law.html", the_law(timezone.localdate()))
