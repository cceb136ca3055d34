"""Find coordinates for an address or postcode through geopy's Geocoder interface.

The chain starts with the offline postcode table (no key, no network), then an
online geopy geocoder when one is configured, and ends in an explicit
NotLocated. It runs in background tasks and importers, never in save() or a view.
"""

import logging
import re
from dataclasses import dataclass

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from django.conf import settings
from django.utils.module_loading import import_string

from assets_register.core.postcodes import InvalidPostcode, Postcode
from assets_register.models import LocationSource, PostcodeLocation

logger = logging.getLogger(__name__)
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.I)


def find_postcode(text):
    """The last valid postcode written inside a piece of free text, or None."""
    for outward, inward in reversed(_POSTCODE_IN_TEXT.findall(text or "")):
        postcode = Postcode.parse_or_none(outward + inward)
        if postcode:
            return postcode
    return None


class LocalPostcodeGeocoder(Geocoder):
    """A geopy geocoder answering from the imported postcode table."""

    def __init__(self):
        super().__init__()

    def geocode(self, query, *, exactly_one=True, timeout=None):
        postcode = find_postcode(query) if isinstance(query, str) else None
        if postcode is None:
            return None
        row = PostcodeLocation.objects.filter(postcode=postcode.with_space).first()
        if row is None:
            return None
        point = (float(row.latitude), float(row.longitude))
        location = Location(postcode.with_space, point, {"ward": row.ward_code})
        return location if exactly_one else [location]


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    source: str  # a LocationSource
    found_by: str


@dataclass(frozen=True)
class NotLocated:
    reason: str


class GeocoderChain:
    def __init__(self, steps):
        self.steps = steps  # (name, callable(query) -> Location | None, LocationSource)

    def locate(self, query):
        query = (query or "").strip()
        if not query:
            return NotLocated("no address or postcode to look up")
        tried = []
        for name, geocode, source in self.steps:
            tried.append(name)
            try:
                location = geocode(query)
            except GeopyError as error:
                logger.warning("geocoder %s failed for %r: %s", name, query, error)
                continue
            if location is not None:
                return Located(location.latitude, location.longitude, source, name)
        return NotLocated(f"could not locate {query[:80]!r} (tried {', '.join(tried)})")


def default_chain():
    steps = [("postcode table", LocalPostcodeGeocoder().geocode, LocationSource.POSTCODE)]
    if settings.GEOCODER_ONLINE:
        online = import_string(settings.GEOCODER_ONLINE)(**settings.GEOCODER_ONLINE_OPTIONS)
        # swallow_exceptions=False: failures must surface as NotLocated, not a silent None.
        limited = RateLimiter(
            online.geocode,
            min_delay_seconds=settings.GEOCODER_MIN_DELAY_SECONDS,
            max_retries=1,
            swallow_exceptions=False,
        )
        steps.append((type(online).__name__, limited, LocationSource.ADDRESS))
    return GeocoderChain(steps)


def postcode_lookup(postcodes):
    """Bulk offline lookup for importers: {canonical postcode: (lat, lon)} in one query."""
    wanted = set()
    for text in postcodes:
        try:
            wanted.add(Postcode.parse(text).with_space)
        except InvalidPostcode:
            continue
    found = {}
    wanted = sorted(wanted)
    for start in range(0, len(wanted), 900):
        batch = wanted[start : start + 900]
        for postcode, lat, lon in PostcodeLocation.objects.filter(postcode__in=batch).values_list(
            "postcode", "latitude", "longitude"
        ):
            found[postcode] = (lat, lon)
    return found
