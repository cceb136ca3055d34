"""Bad input for every public form and query string (issue 7).

Hypothesis fills the nomination, alert and report forms, and the search, map, API,
download, feed and eligibility query strings, with good values spoilt: 100,000-character
strings, NULs, lone surrogates (sent as the invalid UTF-8 they become), other scripts,
numbers out of range, impossible dates, postcodes that are not, formulas and script tags.
Whatever arrives, the answer is never a server error; a form that is not accepted writes
nothing, one that is accepted writes one row, and what it writes fits PostgreSQL's
columns. Rate limits are raised out of the way and the cache cleared for each example.
"""

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from assets_register.indicators.compute import recompute
from assets_register.models import Category, EventKind, Nomination, Report, Status, Subscription

from .factories import (
    AssetFactory,
    PostcodeLocationFactory,
    durham_and_sacriston,
)
from .importers.test_fuzz import assert_storable, rolled_back

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

NASTY = (
    "x" * 100_000,
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff tail",
    "😀" * 10,
    "\u202eevil",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","x")',
    "",
    " ",
    "\n",
    "-1",
    "0",
    "2147483648",
    "99999999999999999999",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-inf",
    "²",
    "١٢٣",
    "２５",
    "9" * 5000,
    "DH7 6LQ",
    "dh76lq",
    "ZZ99 9ZZ",
    "DH7 XXX",
    "GIR 0AA",
    "31/02/2021",
    "9999-12-31",
    "0001-01-01",
    "2021-02-29",
    "99999-01-01",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "http://[::1",
    "javascript:alert(1)",
    "http://" + "a" * 600 + ".example",
    "jo@exämple.org",
    "a@b",
    '"\x01"@example.org',
    "jo@" + "a" * 64 + ".example",
    "jo..bloggs@example.org",
    "on",
    "true",
    "E06000047",
    "E05009076",
    "e06000047",
    "E0600004",
    "-1.626,54.816",
)
TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=30)


def values(*good):
    """Good values half the time, so that some whole requests are good."""
    good = st.sampled_from(good or ("",))
    return st.one_of(good, good, st.sampled_from(NASTY), TEXT)


def spoilt(good, strategies):
    """The good answers with some of them replaced."""
    return st.lists(st.sampled_from(sorted(strategies)), max_size=4, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: strategies[name] for name in names}).map(
            lambda changes: {**good, **changes}
        )
    )


def encoded(data):
    """A form-encoded body or query string; lone surrogates go as the invalid UTF-8 a
    careless client would send."""
    return "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in data.items()
    )


def ask(client, method, url, data):
    if method == "get":
        response = client.get(f"{url}{'&' if '?' in url else '?'}{encoded(data)}")
    else:
        response = client.post(url, encoded(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (url, response.status_code)
    event(f"{method} {url.split('?')[0]}: {response.status_code}")
    return response


def rendered(response, template):
    return any(t.name == template for t in response.templates)


@pytest.fixture
def world(db, settings):
    for name in (
        "NOMINATION_RATE_PER_IP",
        "NOMINATION_RATE_PER_EMAIL",
        "ALERT_RATE_PER_IP",
        "ALERT_RATE_PER_EMAIL",
        "REPORT_RATE_PER_IP",
        "REPORT_RATE_PER_EMAIL",
        "API_RATE_PER_IP",
        "DOWNLOAD_RATE_PER_IP",
    ):
        setattr(settings, name, "100000/s")
    durham, ward = durham_and_sacriston()
    PostcodeLocationFactory(postcode="DH7 6LQ")
    pub = AssetFactory(name="The Robin Hood", council=durham, ward=ward)
    recompute()  # so that the indicator pages have figures to filter
    return SimpleNamespace(council=durham, ward=ward, pub=pub)


# Forms ---------------------------------------------------------------------------------------

NOMINATION = {
    "land_name": "The Robin Hood",
    "land_address": "Front Street, DH7 6LQ",
    "land_description": "The pub, its car park and beer garden.",
    "occupants": "The tenant landlord",
    "owners": "Pubco Ltd, 1 Brewery Yard, Leeds",
    "current_use": "The only pub in the village; the quiz and walking club meet there.",
    "future_use": "A community benefit society is ready to run it.",
    "body_name": "Friends of the Robin Hood",
    "body_type": "unincorporated",
    "body_number": "",
    "members_on_roll": "25",
    "distributes_surplus": "",
    "local_connection": "We all live here.",
    "contact_name": "Jo Bloggs",
    "contact_email": "jo.bloggs@example.org",
    "contact_phone": "07700 900123",
    "website": "",
}
NOMINATION_FIELDS = {name: values(good) for name, good in NOMINATION.items()} | {
    "body_type": values("charity", "parish_council", "unincorporated", "other"),
    "members_on_roll": values("21", "25", "20"),
    "distributes_surplus": values("on", ""),
}


@FUZZ
@given(
    where=st.sampled_from(("asset", "council", "nowhere")),
    data=spoilt(NOMINATION, NOMINATION_FIELDS),
)
@example(where="asset", data=NOMINATION)
def test_nomination_form(client, world, where, data):
    url = {
        "asset": f"/assets/{world.pub.pk}/nominate/",
        "council": "/acv/E06000047/nominate/",
        "nowhere": "/acv/%00%3Cscript%3E/nominate/",
    }[where]
    with rolled_back():
        before = Nomination.objects.count()
        response = ask(client, "post", url, data)
        accepted = response.status_code == 302
        assert Nomination.objects.count() == before + accepted
        assert_storable([Nomination])


ALERT = {
    "email": "campaigner@example.net",
    "wants_closures": "on",
    "wants_acv": "",
    "wants_disposals": "on",
    "wants_expiries": "",
    "wants_new_places": "",
    "frequency": "immediately",
    "area": "",
    "asset": "",
    "postcode": "DH7 6LQ",
    "radius_km": "2",
    "website": "",
}
ALERT_FIELDS = {name: values(good) for name, good in ALERT.items()} | {
    "frequency": values("immediately", "daily", "weekly"),
    "area": values("E05009076", "E06000047", ""),
    "asset": values("1", "", "99999999999999999999"),
    "radius_km": values("0.5", "20", "20.5", "2.5"),
}
ALERT_QUERIES = st.fixed_dictionaries(
    {},
    optional={
        "area": values("E05009076"),
        "asset": values("1", "²"),
        "postcode": values("DH7 6LQ"),
    },
)


@FUZZ
@given(query=ALERT_QUERIES, data=spoilt(ALERT, ALERT_FIELDS))
@example(query={"asset": "²"}, data=ALERT)
@example(query={"asset": "9" * 5000}, data=ALERT)
@example(query={}, data={**ALERT, "area": "E05009076", "asset": "1"})
def test_alert_subscription_form(client, world, query, data):
    with rolled_back():
        before = Subscription.objects.count()
        ask(client, "get", "/alerts/", query)
        response = ask(client, "post", f"/alerts/?{encoded(query)}", data)
        refused = rendered(response, "assets_register/alerts/subscribe.html")
        event("refused" if refused else "accepted")
        if refused or data["website"].strip():
            assert Subscription.objects.count() == before
        assert Subscription.objects.count() <= before + 1
        assert_storable([Subscription])


MISSING_PLACE = {
    "kind": "missing",
    "place_name": "The New Hall",
    "category": "community_centre",
    "address": "Front Street",
    "postcode": "DH7 6LQ",
    "latitude": "",
    "longitude": "",
    "happened_on": "2026-01-20",
    "details": "It opened in May.",
    "source_url": "",
    "email": "resident@example.org",
    "website": "",
}
NEWS = {
    "kind": "closed",
    "happened_on": "2026-11-20",
    "details": "Boarded up on Friday.",
    "source_url": "https://news.example/red-lion",
    "email": "resident@example.org",
    "website": "",
}
REPORT_FIELDS = {name: values(good) for name, good in {**MISSING_PLACE, **NEWS}.items()} | {
    "kind": values("missing", "closed", "at_risk", "reopened", "correction"),
    "category": values(*Category.values),
    "latitude": values("54.816", "91", "54.8160001"),
    "longitude": values("-1.626", "181", "-1.6260001"),
}


@FUZZ
@given(
    report=st.one_of(
        st.tuples(st.just("about a place"), spoilt(NEWS, REPORT_FIELDS)),
        st.tuples(st.just("missing"), spoilt(MISSING_PLACE, REPORT_FIELDS)),
    )
)
@example(report=("missing", {**MISSING_PLACE, "latitude": "54.816"}))  # no longitude
def test_report_form(client, world, report):
    about, answers = report
    url = f"/assets/{world.pub.pk}/report/" if about == "about a place" else "/report/"
    with rolled_back():
        before = Report.objects.count()
        response = ask(client, "post", url, answers)
        refused = rendered(response, "assets_register/reports/report.html")
        event("refused" if refused else "accepted")
        if refused or answers["website"].strip():
            assert Report.objects.count() == before
        assert Report.objects.count() <= before + 1
        assert_storable([Report])


# Query strings -------------------------------------------------------------------------------

BBOXES = (
    "-1.70,54.78,-1.55,54.85",
    "-180,-90,180,90",
    "-6,49.9,2,55.9",
    "nan,nan,nan,nan",
    "1,2,3",
    "2,2,1,1",
    "-inf,-inf,inf,inf",
    "1e308,1e308,1e308,1e308",
)
CATEGORIES = (*Category.values, "pub,library", "pub,,", "nightclub")
STATUSES = (*Status.values, "open,closed", "shut")
ASSET_FILTERS = {
    "bbox": values(*BBOXES),
    "q": values("Robin", "red front", "DH7"),
    "area": values("E06000047", "E05009076", "E01020600"),
    "category": values(*CATEGORIES),
    "status": values(*STATUSES),
    "source": values("osm-pubs", "fuzz"),
    "changed_since": values("2025-01-01", "2025-01-01T00:00:00Z", "2025-13-01"),
}
PAGES = {"limit": values("1", "500", "501", "0"), "offset": values("0", "1", "-1")}
INDICATOR_FILTERS = {
    "indicator": values(
        "flags", "change", "change_per_1000", "open_now", "per_1000_now", "imd_decile"
    ),
    "council": values("E06000047"),
    "flagged": values("losing", "left_behind"),
    "q": values("Sacr"),
    "sort": values("name", "-change", "--name", "population", "closures"),
}
QUERIES = {
    "/search/": {"q": values("DH7 6LQ", "DH7", "dh7", "Robin", "Sacriston", "SW1A")},
    "/api/map/": {
        "bbox": values(*BBOXES),
        "zoom": values("14", "0", "22", "23"),
        "category": values(*CATEGORIES),
        "status": values(*STATUSES),
    },
    "/api/map/?bbox=-6,49.9,2,55.9&zoom=6": {
        "category": values(*CATEGORIES),
        "status": values(*STATUSES),
    },
    "/api/assets": ASSET_FILTERS | PAGES,
    "/api/events": {
        "kind": values(*EventKind.values),
        "area": values("E06000047"),
        "asset": values("1"),
        "since": values("2020-01-01"),
        "recorded_since": values("2020-01-01T00:00:00"),
    }
    | PAGES,
    "/api/areas": {
        "kind": values("council", "ward", "lsoa"),
        "parent": values("E06000047"),
        "q": values("Sacr"),
        "current": values("true", "false"),
    }
    | PAGES,
    "/api/areas/E06000047": {},
    "/api/acv/E06000047/entries": PAGES,
    "/downloads/register.csv": ASSET_FILTERS,
    "/downloads/register.xlsx": ASSET_FILTERS,
    "/downloads/register.geojson": ASSET_FILTERS,
    "/feeds/nearby.atom": {
        "postcode": values("DH7 6LQ", "dh76lq"),
        "km": values("2", "0.5", "20", "50"),
        "topics": values("closures,acv", "disposals", "new_places"),
    },
    "/feeds/nearby.atom?postcode=DH7+6LQ": {
        "km": values("2", "0.5", "20"),
        "topics": values("closures,acv", "new_places"),
    },
    "/areas/E05009076/": {"postcode": values("DH7 6LQ")},
    "/indicators/": INDICATOR_FILTERS | {"kind": values("ward", "council", "lsoa")},
    "/indicators/ward.csv": INDICATOR_FILTERS,
    "/indicators/council.geojson": INDICATOR_FILTERS,
    "/indicators/compare/": {"a": values("E05009076", "e05009076 "), "b": values("E06000047")},
    "/acv/eligibility/": {
        "body_type": values("charity", "unincorporated", "other"),
        "local_connection": values("Sacriston", ""),
        "distributes_surplus": values("on", "true", "1", ""),
        "members_on_roll": values("21", "20", "-5"),
    },
}


@pytest.mark.parametrize("path", list(QUERIES))
@FUZZ
@given(data=st.data())
def test_query_strings(client, world, path, data):
    query = data.draw(st.fixed_dictionaries({}, optional=QUERIES[path]))
    with rolled_back():
        response = ask(client, "get", path, query)
        if response.streaming:  # a download fails as it streams, after its 200
            b"".join(response.streaming_content)


@FUZZ
@given(
    path=st.sampled_from(
        ("/api/assets", "/api/events", "/api/areas", "/api/acv/E06000047/entries")
    ),
    page=st.fixed_dictionaries({}, optional=PAGES),
)
@example(path="/api/areas", page={"offset": "99999999999999999999"})
def test_api_pages(client, world, path, page):
    with rolled_back():
        ask(client, "get", path, page)


@FUZZ
@given(
    path=st.sampled_from(("/api/assets", "/api/events", "/downloads/register.csv")),
    since=values("2025-01-01T00:00:00Z", "2025-01-01", "2025-01-01T00:00:00+01:00"),
)
@example(path="/downloads/register.csv", since="9999-12-31T23:59:59-05:00")
@example(path="/api/events", since="0001-01-01T00:00:00+05:00")
def test_times(client, world, path, since):
    name = "recorded_since" if path == "/api/events" else "changed_since"
    with rolled_back():
        response = ask(client, "get", path, {name: since})
        if response.streaming:
            b"".join(response.streaming_content)


@FUZZ
@given(
    path=st.one_of(
        st.sampled_from(
            (
                "/api/assets/99999999999999999999",
                "/api/assets/-1",
                "/api/areas/%00",
                "/api/acv/%3Cscript%3E/entries",
                "/areas/%00/",
                "/acv/%00/export.csv",
                "/assets/99999999999999999999/",
            )
        ),
        TEXT.map(lambda text: "/api/areas/" + quote(text.encode("utf-8", "surrogatepass"))),
        TEXT.map(
            lambda text: "/acv/" + quote(text.encode("utf-8", "surrogatepass")) + "/export.csv"
        ),
    )
)
def test_odd_paths(client, world, path):
    with rolled_back():
        response = client.get(path)
        assert response.status_code < 500, path
