"""Distances on the Earth for circles round a point: an exact great-circle distance and a
bounding box that an indexed latitude/longitude query can use before the exact check."""

import math

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180  # 111.195 on that sphere


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), good to metres at these ranges."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(latitude, longitude, radius_km):
    """(min_lat, max_lat, min_lon, max_lon) of a box that holds the circle."""
    lat_span = radius_km / KM_PER_DEGREE_LATITUDE
    lon_span = lat_span / max(math.cos(math.radians(latitude)), 0.01)
    return (latitude - lat_span, latitude + lat_span, longitude - lon_span, longitude + lon_span)
