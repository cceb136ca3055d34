from decimal import Decimal

import pytest
from geopy.exc import GeocoderTimedOut
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from assets_register.geo.geocoding import (
    GeocoderChain,
    LocalPostcodeGeocoder,
    Located,
    NotLocated,
    default_chain,
    find_postcode,
    postcode_lookup,
)
from assets_register.models import LocationSource

from ..factories import PostcodeLocationFactory

pytestmark = pytest.mark.django_db


class RecordingGeocoder(Geocoder):
    """Stands in for an online geocoder: answers from a dict, records every query."""

    answers = {}
    queries = []

    def __init__(self, **kwargs):
        super().__init__()

    def geocode(self, query, **kwargs):
        type(self).queries.append(query)
        answer = self.answers.get(query)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def reset_recorder():
    RecordingGeocoder.answers, RecordingGeocoder.queries = {}, []


def test_find_postcode_in_free_text():
    assert str(find_postcode("The Red Lion, Front St, Sacriston, dh7 6lq")) == "DH7 6LQ"
    assert find_postcode("no postcode here, 12 High St") is None


def test_local_geocoder_answers_from_the_postcode_table():
    PostcodeLocationFactory(
        postcode="DH7 6LQ", latitude=Decimal("54.81"), longitude=Decimal("-1.62")
    )
    location = LocalPostcodeGeocoder().geocode("Front Street, Sacriston DH76LQ")
    assert (location.latitude, location.longitude) == (54.81, -1.62)
    assert LocalPostcodeGeocoder().geocode("Front Street, Sacriston") is None
    assert LocalPostcodeGeocoder().geocode("ZZ9 9ZZ") is None


def test_chain_prefers_the_local_table_and_does_not_call_online():
    PostcodeLocationFactory(postcode="DH7 6LQ")
    online = RecordingGeocoder()
    chain = GeocoderChain(
        [
            ("postcode table", LocalPostcodeGeocoder().geocode, LocationSource.POSTCODE),
            ("online", online.geocode, LocationSource.ADDRESS),
        ]
    )
    result = chain.locate("1 Front Street DH7 6LQ")
    assert isinstance(result, Located) and result.source == LocationSource.POSTCODE
    assert RecordingGeocoder.queries == []


def test_chain_falls_back_to_online_then_says_it_could_not_locate():
    online = RecordingGeocoder()
    RecordingGeocoder.answers = {
        "Village Hall, Witton Gilbert": Location("x", (54.80, -1.64), {}),
        "Timeout Road": GeocoderTimedOut("slow"),
    }
    chain = GeocoderChain(
        [
            ("postcode table", LocalPostcodeGeocoder().geocode, LocationSource.POSTCODE),
            ("online", online.geocode, LocationSource.ADDRESS),
        ]
    )
    found = chain.locate("Village Hall, Witton Gilbert")
    assert found == Located(54.80, -1.64, LocationSource.ADDRESS, "online")
    timed_out = chain.locate("Timeout Road")
    assert isinstance(timed_out, NotLocated) and "could not locate" in timed_out.reason
    assert "postcode table, online" in timed_out.reason
    assert isinstance(chain.locate("   "), NotLocated)


def test_default_chain_is_offline_unless_an_online_geocoder_is_configured(settings):
    assert [name for name, *_ in default_chain().steps] == ["postcode table"]
    settings.GEOCODER_ONLINE = "tests.geo.test_geocoding.RecordingGeocoder"
    settings.GEOCODER_MIN_DELAY_SECONDS = 0
    chain = default_chain()
    assert [name for name, *_ in chain.steps] == ["postcode table", "RecordingGeocoder"]
    assert isinstance(chain.steps[1][1], RateLimiter)
    RecordingGeocoder.answers = {"Somewhere": Location("x", (52.0, -1.0), {})}
    assert chain.locate("Somewhere").found_by == "RecordingGeocoder"


def test_online_geocoder_is_rate_limited(settings):
    settings.GEOCODER_ONLINE = "tests.geo.test_geocoding.RecordingGeocoder"
    settings.GEOCODER_MIN_DELAY_SECONDS = 0.2
    limited = default_chain().steps[1][1]
    clock = iter(range(100))
    slept = []
    limited._clock = lambda: next(clock) * 0.01  # 10 ms apart
    limited._sleep = slept.append
    limited("a")
    limited("b")
    assert slept and slept[0] == pytest.approx(0.19)


def test_bulk_postcode_lookup_ignores_invalid_and_unknown_postcodes():
    PostcodeLocationFactory(postcode="DH7 6LQ")
    found = postcode_lookup(["dh7 6lq", "not a postcode", "ZZ9 9ZZ", ""])
    assert list(found) == ["DH7 6LQ"]
