from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from assets_register.acv.lists import (
    STATUTORY_FIELD_MEANINGS,
    asset_listing,
    pending_for,
    with_acv_flags,
)
from assets_register.core.caching import cached_page
from assets_register.core.embedding import embeddable
from assets_register.core.postcodes import Postcode
from assets_register.core.prepared import PreparedQuery
from assets_register.core.urls import reverse_link
from assets_register.geo.lookup import locate_postcode, nearest_assets, search
from assets_register.indicators.stored import latest_snapshot, period_start
from assets_register.indicators.views import area_row
from assets_register.models import (
    CLOSURE_KINDS,
    Area,
    AreaIndicatorDetail,
    AreaKind,
    Asset,
    AssetEvent,
    AssetSource,
    Category,
    Status,
    live_places,
    without_geometry,
)
from assets_register.models.assets import PAGE_FIELDS, closure_rows, closure_rows_by_pk
from assets_register.register.area_page import (
    PLACES_PER_PAGE,
    area_by_code,
    neighbourhood_count,
    place_rows_page,
    ward_links,
)
from assets_register.register.area_page import status_counts as area_status_counts
from assets_register.register.coverage import coverage

NEIGHBOURHOODS_PER_PAGE = 100


@cached_page
def home(request):
    recent_closures = (
        AssetEvent.objects.filter(asset__live=True)
        .newest_of_kinds(CLOSURE_KINDS, 8)
        .select_related("asset", "asset__ward", "asset__council")
        .defer(*without_geometry("asset__ward", "asset__council"))
    )
    held = live_places.live_places()
    return render(
        request,
        "assets_register/home.html",
        {
            # The map's filters: a box for a kind with no places would only empty the map.
            "categories": [choice for choice in Category.choices if choice[0] in held],
            "statuses": Status.choices,
            "recent_closures": recent_closures,
            "asset_count": sum(held.values()),
        },
    )


@cached_page(query=["q"])
def search_view(request):
    results = search(request.GET.get("q", ""))
    if results.postcode:
        place = locate_postcode(Postcode.parse(results.postcode))
        if place and (place.ward or place.council):
            target = place.ward or place.council
            return redirect(f"{target.get_absolute_url()}?postcode={results.postcode}")
        results.postcode_not_found = place is None
        if place:
            return render(
                request,
                "assets_register/search.html",
                {
                    "results": results,
                    "place": place,
                    "nearest": nearest_assets(place.latitude, place.longitude),
                },
            )
    return render(request, "assets_register/search.html", {"results": results})


# A place's page: the place with what it shows of its areas, whether it is on its
# council's list today or a nomination of it is pending, and whether it has a history or
# records of other datasets (a third of places have neither: their page is one query).
_asset_page = PreparedQuery(
    lambda today, pk: (
        with_acv_flags(Asset.objects.live(), today)
        .annotate(
            has_history=Exists(AssetEvent.every_edition.filter(asset=OuterRef("pk"))),
            has_records=Exists(AssetSource.objects.filter(asset=OuterRef("pk"))),
        )
        .select_related("council", "ward", "lsoa")
        .only(*PAGE_FIELDS)
        .filter(pk=pk)
    ),
    slots={"pk": int},
)


@cached_page
def asset_detail(request, pk):
    today = timezone.localdate()
    asset = next(iter(_asset_page(today=today, pk=pk)), None)
    if asset is None:
        raise Http404("No such place")
    pending, pending_public = pending_for(asset) if asset.nomination_pending else (None, False)
    timeline, withdrawn = asset.history() if asset.has_history else ([], [])
    return render(
        request,
        "assets_register/asset_detail.html",
        {
            "asset": asset,
            "timeline": timeline,
            "withdrawn": withdrawn,
            "acv": asset_listing(asset, today) if asset.on_list_today else None,
            "cited": asset.cited() if asset.has_records else [],
            "pending_nomination": pending,
            "pending_public": pending_public,
        },
    )


def _area_or_404(gss_code, kinds=()):
    area = area_by_code(gss_code, kinds=kinds)
    if area is None:
        raise Http404("No such area")
    return area


@cached_page(query=["postcode", "page"])
def area_detail(request, gss_code):
    area = _area_or_404(gss_code)
    status_counts = area_status_counts(area)
    # A paginator of the places' positions: the page's rows are read by themselves.
    page = Paginator(range(sum(status_counts.values())), PLACES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = place_rows_page(area, page.number) if page.paginator.count else []
    place = None
    nearest = []
    postcode = Postcode.parse_or_none(request.GET.get("postcode", ""))
    if postcode:
        place = locate_postcode(postcode)
        if place:
            nearest = nearest_assets(place.latitude, place.longitude)
    snapshot = latest_snapshot()
    indicator = area_row(area, snapshot, with_lists=True)
    lost_since = period_start(snapshot) if indicator else None
    return render(
        request,
        "assets_register/area_detail.html",
        {
            "snapshot": snapshot,
            "indicator": indicator,
            "lost_since": lost_since,
            # The closures the page's own figures count, so the two agree (area_row).
            "places_lost": indicator.places_lost if indicator else [],
            "places_lost_total": indicator.places_lost_total if indicator else 0,
            "area": area,
            "places": page,
            "page_query": urlencode({"postcode": postcode.with_space}) if postcode else "",
            "asset_total": page.paginator.count,
            "open_total": sum(status_counts.get(s, 0) for s in ("open", "at_risk", "for_sale")),
            "recent_closures": _recent_closures(area, indicator),
            "wards": ward_links(area) if area.kind == AreaKind.COUNCIL else [],
            "neighbourhood_count": neighbourhood_count(area)
            if area.kind == AreaKind.COUNCIL
            else 0,
            "place": place,
            "nearest": nearest,
            "map_api": reverse_link("api:map_markers", (), {}),  # reversed once
        },
    )


def _recent_closures(area, indicator):
    """The area's newest closures of any kind of place: as its snapshot stored them while
    no edit waits (area_row), else from its places."""
    stored = getattr(indicator, "newest_closures", None)
    if stored is not None:
        return closure_rows_by_pk(stored)[: AreaIndicatorDetail.LISTED]
    # From the area's places: PostgreSQL otherwise joins every closure in England.
    events = AssetEvent.objects.filter(kind__in=CLOSURE_KINDS).of_assets(
        Asset.objects.live().in_area(area)
    )
    return closure_rows(events.order_by("-date", "-pk")[: AreaIndicatorDetail.LISTED])


def _neighbourhoods(council):
    return (
        council.children.current()
        .filter(kind=AreaKind.LSOA)
        .order_by("name", "gss_code")
        .only("gss_code", "name", "kind", "parent")
    )


@cached_page(query=["page"])
def area_neighbourhoods(request, gss_code):
    """A council's neighbourhoods (LSOAs), a page at a time: a council has hundreds."""
    council = _area_or_404(gss_code, kinds=[AreaKind.COUNCIL])
    neighbourhoods = Paginator(_neighbourhoods(council), NEIGHBOURHOODS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assets_register/area_neighbourhoods.html",
        {"area": council, "neighbourhoods": neighbourhoods},
    )


@embeddable
@cached_page
def embed_area(request, gss_code):
    """A map of an area's places for other sites to frame: /embed/areas/<GSS code>/."""
    area = Area.objects.by_code(gss_code)
    if area is None:
        raise Http404("No such area")
    return render(
        request,
        "assets_register/embed_area.html",
        {"area": area, "map_api": reverse("api:map_markers")},
    )


@cached_page
def about_data(request):
    return render(
        request, "assets_register/about_data.html", {"statutory_fields": STATUTORY_FIELD_MEANINGS}
    )


@cached_page
def about_coverage(request):
    return render(request, "assets_register/about_coverage.html", {"coverage": coverage()})
