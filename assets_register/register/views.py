from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from assets_register.acv.lists import STATUTORY_FIELD_MEANINGS, asset_listing
from assets_register.core.caching import cached_page
from assets_register.core.embedding import embeddable
from assets_register.core.postcodes import Postcode
from assets_register.geo.lookup import locate_postcode, nearest_assets, search
from assets_register.indicators.compute import closures_since, latest_snapshot, period_start
from assets_register.indicators.views import area_row
from assets_register.models import (
    CLOSURE_KINDS,
    Area,
    AreaKind,
    Asset,
    AssetEvent,
    Category,
    Status,
    without_geometry,
)


@cached_page
def home(request):
    recent_closures = (
        AssetEvent.objects.filter(kind__in=CLOSURE_KINDS, asset__live=True)
        .select_related("asset", "asset__ward", "asset__council")
        .defer(*without_geometry("asset__ward", "asset__council"))
        .order_by("-date", "-pk")[:8]
    )
    return render(
        request,
        "assets_register/home.html",
        {
            "categories": Category.choices,
            "statuses": Status.choices,
            "recent_closures": recent_closures,
            "asset_count": Asset.objects.live().count(),
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


@cached_page
def asset_detail(request, pk):
    asset = get_object_or_404(Asset.objects.live().select_related("council", "ward", "lsoa"), pk=pk)
    return render(
        request,
        "assets_register/asset_detail.html",
        {
            "asset": asset,
            "timeline": asset.timeline().select_related("source_document", "report"),
            "withdrawn": list(asset.withdrawn_events()),
            "acv": asset_listing(asset, timezone.localdate()),
            "cited": asset.sources.all(),
        },
    )


@cached_page(query=["postcode"])
def area_detail(request, gss_code):
    area = Area.objects.select_related("parent").by_code(gss_code)
    if area is None:
        raise Http404("No such area")
    assets = (
        Asset.objects.live().in_area(area).select_related("ward").defer(*without_geometry("ward"))
    )
    status_counts = dict(assets.values_list("status").annotate(n=Count("pk")).order_by())
    place = None
    nearest = []
    postcode = Postcode.parse_or_none(request.GET.get("postcode", ""))
    if postcode:
        place = locate_postcode(postcode)
        if place:
            nearest = nearest_assets(place.latitude, place.longitude)
    children = area.children.current().order_by("name") if area.kind == AreaKind.COUNCIL else []
    snapshot = latest_snapshot()
    indicator = area_row(area, snapshot)
    lost_since = period_start(snapshot) if indicator else None
    return render(
        request,
        "assets_register/area_detail.html",
        {
            "snapshot": snapshot,
            "indicator": indicator,
            "lost_since": lost_since,
            "places_lost": closures_since(assets, lost_since, snapshot.reference_date)
            if indicator
            else [],
            "area": area,
            "assets": assets.order_by("category", "name")[:500],
            "asset_total": sum(status_counts.values()),
            "open_total": sum(status_counts.get(s, 0) for s in ("open", "at_risk", "for_sale")),
            "recent_closures": AssetEvent.objects.filter(kind__in=CLOSURE_KINDS, asset__in=assets)
            .select_related("asset")
            .order_by("-date", "-pk")[:20],
            "children": children,
            "place": place,
            "nearest": nearest,
            "map_api": reverse("api:map_markers"),
        },
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
