"""Finding places: postcodes to areas, nearest assets, and the public search."""

from dataclasses import dataclass, field

import numpy as np

from django.db.models import Avg, Count

from assets_register.core.distance import bounding_box, distance_km
from assets_register.core.postcodes import Postcode
from assets_register.core.prepared import PreparedQuery
from assets_register.geo.area_names import areas_named
from assets_register.geo.map_index import marker_index
from assets_register.geo.spatial import locate_point
from assets_register.models import Area, AreaKind, Asset, PostcodeLocation
from assets_register.models.areas import GEOMETRY_FIELDS
from assets_register.models.assets import place_rows_by_pk


def nearest_assets(latitude, longitude, limit=10):
    """The nearest live, located assets as (PlaceRow, km), widening the search box as
    needed. Candidates come from the map's index of every located live place, which each
    web process holds (geo.map_index: a box's places in microseconds, where the database
    took 2 to 5 ms); only the winners' rows are read."""
    index = marker_index()
    ranked = []
    for radius_km in (2, 5, 10, 50, 200):
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
        lo, _, mask = index.select((min_lon, min_lat, max_lon, max_lat))
        found = lo + np.flatnonzero(mask)
        ranked = sorted(
            (distance_km(latitude, longitude, lat, lon), pk)
            for pk, lat, lon in zip(
                index.ids[found].tolist(),
                index.latitudes[found].tolist(),
                index.longitudes[found].tolist(),
                strict=True,
            )
        )
        ranked = [pair for pair in ranked if pair[0] <= radius_km]
        if len(ranked) >= limit:
            break
    ranked = ranked[:limit]
    rows = place_rows_by_pk(Asset.objects.all(), [pk for _, pk in ranked])
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


# A postcode search's look-ups, compiled once (core.prepared).
_postcode = PreparedQuery(
    lambda code: PostcodeLocation.objects.filter(postcode=code).values_list(
        "latitude", "longitude"
    ),
    slots={"code": str},
)
_areas = PreparedQuery(  # a kind not found is looked up as pk 0, which no area has
    lambda council, ward, lsoa: Area.objects.defer(*GEOMETRY_FIELDS).filter(
        pk__in=[council, ward, lsoa]
    ),
    slots={"council": int, "ward": int, "lsoa": int},
)


def locate_postcode(postcode: Postcode):
    located = _postcode(code=postcode.with_space)
    if not located:
        return None
    lat, lon = (float(value) for value in located[0])
    found = locate_point(lon, lat)
    areas = {area.pk: area for area in _areas(**{str(kind): found[kind] or 0 for kind in found})}
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
    centre = PostcodeLocation.objects.filter(district=outward).aggregate(
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
    results.areas = areas_named(query)
    # A query that names an area is no misspelt place: places like it but not holding
    # it are not looked for ('Bradford North' finds the ward, not 'Bradford Pub').
    results.assets = Asset.objects.live().matching_rows(query, limit, typos=not results.areas)
    return results
