"""Reading the map API's query string: ?bbox=minlon,minlat,maxlon,maxlat&zoom=Z."""

from dataclasses import dataclass

from assets_register.models import Category, Status


class MapQueryError(ValueError):
    pass


@dataclass(frozen=True)
class MapQuery:
    bbox: tuple
    zoom: int
    categories: tuple
    statuses: tuple


def _choices(params, name, allowed):
    values = [v for raw in params.getlist(name) for v in raw.split(",") if v]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise MapQueryError(f"unknown {name}: {', '.join(unknown[:5])}")
    return tuple(sorted(set(values)))


def parse_map_query(params):
    try:
        bbox = tuple(float(part) for part in params.get("bbox", "").split(","))
    except ValueError:
        raise MapQueryError("bbox must be four numbers: minlon,minlat,maxlon,maxlat") from None
    if len(bbox) != 4 or not all(-1e6 < v < 1e6 for v in bbox):
        raise MapQueryError("bbox must be four numbers: minlon,minlat,maxlon,maxlat")
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon > max_lon or min_lat > max_lat:
        raise MapQueryError("bbox corners are the wrong way round")
    try:
        zoom = int(params.get("zoom", ""))
    except ValueError:
        raise MapQueryError("zoom must be a whole number from 0 to 22") from None
    if not 0 <= zoom <= 22:
        raise MapQueryError("zoom must be a whole number from 0 to 22")
    return MapQuery(
        bbox=(max(min_lon, -180), max(min_lat, -85), min(max_lon, 180), min(max_lat, 85)),
        zoom=zoom,
        categories=_choices(params, "category", Category.values),
        statuses=_choices(params, "status", Status.values),
    )
