"""The read-only open data API (django-ninja): places, their events, areas with their
'losing places to meet' figures, and each council's list of assets of community value.

OpenAPI at /api/openapi.json, Swagger UI at /api/docs (served from ninja's own static
files: nothing is fetched from a CDN). Every operation is rate-limited per IP address
(a JSON 429 with Retry-After) and its response cached per full URL for a short time;
the cache key carries the content version, which every edit to the register bumps,
so an edit shows at once; parameters an operation does not declare are dropped first, so
they make no extra copies. Lists are paginated with limit and offset.

The response schemas (api_schemas.py) are the whole of what leaves: no nominator's
contact details, no subscriber, no user account, nothing from the alert send log.
"""

import functools
import hashlib

from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja import Path as PathParam
from ninja.errors import HttpError
from ninja.pagination import PaginationBase, paginate
from ninja.params.models import QueryModel

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from assets_register.acv.lists import asset_listing, list_rows
from assets_register.core import ratelimits
from assets_register.core.caching import content_version, keep_query_params
from assets_register.core.licences import (
    ATTRIBUTION_LINES,
    DEFAULT_LICENCE,
    LICENCE_SUMMARY,
    LICENCES,
    licence_link,
)
from assets_register.geo.map_index import marker_index
from assets_register.indicators.stored import latest_snapshot
from assets_register.models import OPEN_STATUSES, Area, AreaKind, Asset, AssetEvent
from assets_register.opendata.filters import UnknownArea, filter_assets
from assets_register.opendata.schemas import (
    MAX_ID,
    AcvEntryOut,
    AreaDetailOut,
    AreaFilters,
    AreaOut,
    AssetDetailOut,
    AssetFilters,
    AssetOut,
    Error,
    EventFilters,
    EventWithAssetOut,
    InvalidRequest,
    MapFilters,
    MapOut,
)

DESCRIPTION = f"""Read-only open data from the Community Asset Register: pubs, libraries,
community centres and other places where a neighbourhood meets, with each place's dated
history, the areas they are in, and each council's list of assets of community value.

**Licence.** {LICENCE_SUMMARY} Each place carries its own `licence` and `source_name`.

**Attribution.** {" ".join(ATTRIBUTION_LINES)}

**Use.** No key is needed. Lists take `limit` (at most {settings.API_MAX_PAGE_SIZE}) and
`offset` and give `count`, `next` and `previous`. Each address may make
{settings.API_RATE_PER_IP} requests; past that the answer is 429 with `Retry-After`.
Answers may be up to {settings.API_CACHE_SECONDS} seconds old. To keep a copy up to date,
ask for `/api/assets?changed_since=` the time of your last copy. Whole files are at
`/downloads/register.csv`, `.xlsx` and `.geojson`, with the same filters.
"""


class Page(PaginationBase):
    """limit/offset pages that say how many there are and link to their neighbours."""

    class Input(Schema):
        limit: int = Field(settings.API_PAGE_SIZE, ge=1, le=settings.API_MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=2**31 - 1)  # SQL's OFFSET takes no bigger number

    class Output(Schema):
        count: int
        limit: int
        offset: int
        next: str | None = Field(description="URL of the next page, if there is one")
        previous: str | None = Field(description="URL of the previous page, if there is one")
        items: list

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit, offset = pagination.limit, pagination.offset
        count = self._items_count(queryset)

        def page_url(start):
            query = request.GET.copy()
            query["offset"], query["limit"] = start, limit
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "count": count,
            "limit": limit,
            "offset": offset,
            "next": page_url(offset + limit) if offset + limit < count else None,
            "previous": page_url(max(offset - limit, 0)) if offset > 0 else None,
            "items": queryset[offset : offset + limit],
        }


def declared_query_params(operation):
    """The query parameters an operation reads: its filters' and its page's fields."""
    return frozenset(
        name
        for model in operation.models
        if issubclass(model, QueryModel)
        for name in model.__ninja_flatten_map__
    )


def public_endpoint(run):
    """Rate limit per IP, then answer from the cache (per URL and content version). The URL
    keeps only the parameters the operation declares, so junk makes no extra copies."""
    names = declared_query_params(run.__self__)
    if getattr(run.__self__.view_func, "unthrottled", False):
        return _open_headers(run)

    @functools.wraps(run)
    def view(request, *args, **kwargs):
        retry_after = ratelimits.retry_after(request, "api", settings.API_RATE_PER_IP)
        if retry_after:
            return JsonResponse(
                {
                    "detail": f"Too many requests: at most {settings.API_RATE_PER_IP} from one "
                    "address. Please wait and try again."
                },
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        keep_query_params(request, names)
        url = request.build_absolute_uri()
        key = "api:" + hashlib.sha256(f"{content_version()} {url}".encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached[1], content_type=cached[0])
        else:
            response = run(request, *args, **kwargs)
            if response.status_code == 200:
                cache.set(
                    key, (response["Content-Type"], response.content), settings.API_CACHE_SECONDS
                )
        return _with_open_headers(request, response)

    return view


def _with_open_headers(request, response):
    response["Cache-Control"] = f"public, max-age={settings.API_CACHE_SECONDS}"
    response["Link"] = licence_link(request)  # CORS: core.middleware.OpenDataCorsMiddleware
    return response


def _open_headers(run):
    @functools.wraps(run)
    def view(request, *args, **kwargs):
        return _with_open_headers(request, run(request, *args, **kwargs))

    return view


def unthrottled(operation):
    """Neither rate-limited nor cached: the site's own map pans through many boxes a
    minute, often many visitors behind one address, and its index answers from memory."""
    operation.unthrottled = True
    return operation


api = NinjaAPI(
    title="Community Asset Register API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # The UI's default validator badge would fetch from swagger.io: nothing leaves the site.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_extra={
        "info": {"license": {"name": LICENCES[DEFAULT_LICENCE][0], "identifier": DEFAULT_LICENCE}}
    },
)
api.add_decorator(public_endpoint, mode="view")

ERRORS = {404: Error, 422: InvalidRequest, 429: Error}


def _area_or_404(gss_code, kind=None):
    area = Area.objects.select_related("parent").by_code(gss_code, kinds=kind and [kind])
    if area is None:
        raise HttpError(404, f"No {kind or 'area'} with GSS code {gss_code}")
    return area


@api.get(
    "/assets",
    response={200: list[AssetOut], **ERRORS},
    tags=["places"],
    summary="Places on the register",
)
@paginate(Page)
def list_assets(request, filters: Query[AssetFilters]):
    """Places in id order, filtered as the map and the downloads are."""
    try:
        assets = filter_assets(filters)
    except UnknownArea as error:
        raise HttpError(404, str(error)) from None
    return assets.select_related("council", "ward", "lsoa").order_by("pk")


@api.get(
    "/assets/{asset_id}",
    response={200: AssetDetailOut, **ERRORS},
    tags=["places"],
    summary="One place with its history",
)
def get_asset(request, asset_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """The place, its events oldest first, and its entry on the council's list of assets
    of community value if it is on the list today."""
    asset = (
        Asset.objects.live()
        .select_related("council", "ward", "lsoa")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AssetEvent.objects.select_related("source_document").order_by(
                    "date", "pk"
                ),
            )
        )
        .filter(pk=asset_id)
        .first()
    )
    if asset is None:
        raise HttpError(404, f"No place with id {asset_id}")
    listing = asset_listing(asset, timezone.localdate())
    asset.acv_entry = _acv_entry(listing) if listing else None
    return asset


def _right_to_buy(purchase):
    if purchase is None:
        return None
    price = purchase.valuation_price
    return {
        "group": purchase.group_name,
        "registered_on": purchase.registered_on,
        "stage": purchase.stage,
        "right_last_day": purchase.right_last_day,
        "valuation_price": float(price) if price is not None else None,
        "completed_on": purchase.completed_on,
    }


def _acv_entry(row):
    entry, notice, bidder = row.entry, row.notice, row.bidder
    nomination = entry.nomination
    return {
        "reference": entry.reference,
        "asset": entry.asset,
        "listed_on": entry.listed_on,
        "listing_last_day": entry.expires_on,
        "owner_notified_on": entry.owner_notified_on,
        "occupiers_notified_on": entry.occupiers_notified_on,
        "land_registry_restriction_requested_on": entry.restriction_requested_on,
        "nomination_reference": nomination.public_reference if nomination else None,
        "nominating_group": entry.nominating_group or None,
        "disposal_notice": {
            "received_on": notice.received_on,
            "community_right_to_buy": row.under_right_to_buy,
            "right_to_buy": _right_to_buy(row.purchase),
            "interim_moratorium_last_day": notice.interim_last_day,
            "bidder_request_on": bidder.received_on if bidder else None,
            "interested_group": bidder.group_name if bidder else None,
            "full_moratorium_last_day": notice.full_last_day if bidder else None,
            "protected_period_last_day": notice.protected_last_day,
            "outcome": notice.outcome,
        }
        if notice
        else None,
        "review_pending": row.review is not None,
        "appeal_pending": row.appeal is not None,
    }


@api.get(
    "/events",
    response={200: list[EventWithAssetOut], **ERRORS},
    tags=["events"],
    summary="Events in places' histories",
)
@paginate(Page)
def list_events(request, filters: Query[EventFilters]):
    """Openings, closures, threats, sales and steps of the Community Right to Bid, newest
    first."""
    events = AssetEvent.objects.filter(asset__live=True)
    if filters.kind:
        events = events.filter(kind__in=filters.kind)
    if filters.area:
        area = _area_or_404(filters.area)
        events = events.filter(**{f"asset__{area.kind}__gss_code": area.gss_code})
    if filters.asset is not None:
        events = events.filter(asset_id=filters.asset)
    if filters.since:
        events = events.filter(date__gte=filters.since)
    if filters.recorded_since:
        events = events.filter(recorded_at__gte=filters.recorded_since)
    return events.select_related("asset", "source_document").order_by("-date", "-pk")


@api.get(
    "/areas",
    response={200: list[AreaOut], **ERRORS},
    tags=["areas"],
    summary="Councils, wards and LSOAs",
)
@paginate(Page)
def list_areas(request, filters: Query[AreaFilters]):
    """Areas by kind and name; by default only boundaries in force today."""
    areas = Area.objects.select_related("parent")
    if filters.current:
        areas = areas.current()
    if filters.kind:
        areas = areas.filter(kind=filters.kind)
    if filters.parent:
        areas = areas.filter(parent__gss_code=filters.parent.upper())
    if filters.q:
        areas = areas.filter(name__icontains=filters.q)
    return areas.order_by("kind", "name", "pk")


@api.get(
    "/areas/{gss_code}",
    response={200: AreaDetailOut, **ERRORS},
    tags=["areas"],
    summary="One area, its places and its 'losing places to meet' figures",
)
def get_area(request, gss_code: str):
    """The boundary in force today (or the latest one), counts of its places by status,
    its simplified boundary and its figures in the latest indicator snapshot."""
    area = _area_or_404(gss_code)
    counts = dict(
        Asset.objects.live().in_area(area).order_by().values_list("status").annotate(n=Count("pk"))
    )
    area.status_counts = counts
    area.asset_count = sum(counts.values())
    area.open_count = sum(n for status, n in counts.items() if status in OPEN_STATUSES)
    area.geometry = area.boundary_display
    snapshot = latest_snapshot()
    area.latest_indicators = (
        snapshot and snapshot.areas.filter(area=area).select_related("snapshot").first()
    )
    return area


@api.get(
    "/acv/{gss_code}/entries",
    response={200: list[AcvEntryOut], **ERRORS},
    tags=["assets of community value"],
    summary="A council's list of assets of community value today",
)
@paginate(Page)
def list_acv_entries(request, gss_code: str):
    """The entries on the list today, by name, with every statutory date: the last day on
    the list, notices, and after a notice of intention to sell the last days of the
    interim and full moratoriums and of the protected period."""
    council = _area_or_404(gss_code, kind=AreaKind.COUNCIL)
    return [_acv_entry(row) for row in list_rows(council, timezone.localdate())]


@api.get(
    "/map/",
    response={200: MapOut, 422: InvalidRequest},
    tags=["places"],
    summary="Markers for a map view",
    url_name="map_markers",
)
@unthrottled
def map_markers(request, filters: Query[MapFilters]):
    """The located places in a box, as GeoJSON points for a map: each place itself at street
    zoom, nearby places merged into clusters further out. The site's own maps use it."""
    index = marker_index()
    query = (
        filters.box,
        filters.zoom,
        tuple(sorted(set(filters.category or ()))),
        tuple(sorted(set(filters.status or ()))),
    )
    # Written by the in-memory index already as JSON: passed through, not re-serialised.
    response = HttpResponse(index.feature_collection_json(*query), content_type="application/json")
    response["ETag"] = index.etag(*query)
    return response
