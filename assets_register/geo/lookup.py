"""Finding places: postcodes to areas, nearest assets, and the public search."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from assets_register.core.distance import bounding_box, distance_km
from assets_register.core.postcodes import Postcode
from assets_register.geo.spatial import locate_point
from assets_register.models import Area, AreaKind, Asset, PostcodeLocation, without_geometry
from assets_register.models.areas import GEOMETRY_FIELDS
from assets_register.models.assets import place_rows


def nearest_assets(latitude, longitude, limit=10, queryset=None):
    """The nearest live, located assets as (PlaceRow, km), widening the search box as
    needed. Candidates are ranked from bare coordinates; only the winners' rows are read."""
    queryset = queryset if queryset is not None else Asset.objects.live().located()
    ranked = []
    # 5 km between 2 and 10: a point whose tenth-nearest place is 3 km away read 1,600
    # candidates at 10 km (150,000 places), 400 at 5 km. The same ten either way.
    for radius_km in (2, 5, 10, 50, 200):
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
        candidates = queryset.in_bbox(min_lon, min_lat, max_lon, max_lat)
        ranked = sorted(
            (distance_km(latitude, longitude, float(lat), float(lon)), pk)
            for pk, lat, lon in candidates.values_list("pk", "latitude", "longitude")
        )
        ranked = [pair for pair in ranked if pair[0] <= radius_km]
        if len(ranked) >= limit:
            break
    ranked = ranked[:limit]
    rows = {
        row.pk: row for row in place_rows(Asset.objects.filter(pk__in=[pk for _, pk in ranked]))
    }
    return [(rows[pk], km) for km, pk in ranked]


def council_at(latitude=None, longitude=None, postcode=""):
    """The pk of the council a point lies in, or failing a point, a postcode's; None when
    neither places it."""
    if latitude is not None and longitude is not None:
        point = (float(longitude), float(latitude))
    else:
        parsed = Postcode.parse_or_none(postcode or "")
        row = parsed and PostcodeLocation.objects.filter(postcode=parsed.with_space).first()
        point = row and (float(row.longitude), float(row.latitude))
    return locate_point(*point)[AreaKind.COUNCIL] if point else None


@dataclass
class PostcodePlace:
    postcode: str
    latitude: float
    longitude: float
    council: Area | None
    ward: Area | None
    lsoa: Area | None


def locate_postcode(postcode: Postcode):
    row = PostcodeLocation.objects.filter(postcode=postcode.with_space).first()
    if row is None:
        return None
    lat, lon = float(row.latitude), float(row.longitude)
    found = locate_point(lon, lat)
    areas = Area.objects.defer(*GEOMETRY_FIELDS).in_bulk([pk for pk in found.values() if pk])
    return PostcodePlace(
        postcode.with_space,
        lat,
        lon,
        council=areas.get(found[AreaKind.COUNCIL]),
        ward=areas.get(found[AreaKind.WARD]),
        lsoa=areas.get(found[AreaKind.LSOA]),
    )


def locate_postcode_district(outward):
    """The centre of a postcode district ('DH7') from the postcodes in it, or None."""
    centre = PostcodeLocation.objects.filter(postcode__startswith=f"{outward} ").aggregate(
        latitude=Avg("latitude"), longitude=Avg("longitude"), postcodes=Count("pk")
    )
    if not centre["postcodes"]:
        return None
    return float(centre["latitude"]), float(centre["longitude"])


@dataclass
class SearchResults:
    query: str
    postcode: str = ""
    district: str = ""
    district_centre: tuple | None = None
    nearest: list = field(default_factory=list)
    postcode_not_found: bool = False
    areas: list = field(default_factory=list)
    assets: list = field(default_factory=list)


def search(query, limit=50):
    """Assets and areas whose names match; a valid postcode is reported for redirecting."""
    query = (query or "").strip()[:100]
    results = SearchResults(query)
    if not query:
        return results
    postcode = Postcode.parse_or_none(query)
    if postcode:
        results.postcode = postcode.with_space
        return results
    if Postcode.is_outward_code(query):
        results.district = query.upper()
        results.district_centre = locate_postcode_district(results.district)
        if results.district_centre:
            results.nearest = nearest_assets(*results.district_centre)
    area_filter = Q()
    for word in query.split():
        area_filter &= Q(name__icontains=word)
    # Which areas from the index of names alone (Area.Meta), then those 20 whole.
    named = Area.objects.current().filter(area_filter).exclude(kind=AreaKind.LSOA)
    first = sorted(named.order_by().values_list("kind", "name", "pk"))[:20]
    results.areas = list(
        Area.objects.filter(pk__in=[pk for *_, pk in first])
        .select_related("parent")
        .defer(*GEOMETRY_FIELDS, *without_geometry("parent"))
        .order_by("kind", "name", "pk")
    )
    results.assets = Asset.objects.live().matching_rows(query, limit)
    return results
