"""The open data API: its OpenAPI document is valid, every documented operation answers
as documented, lists page and filter, answers are cached and rate-limited, and nothing
personal ever leaves."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets_register.models import EventKind, ListEntry
from assets_register.staff.roles import SITE_EDITOR

from ..factories import (
    AreaFactory,
    AssetEventFactory,
    AssetFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
PRIVATE = (
    "nominator.private@example.org",
    "07700 900123",
    "Pat Private",
    "subscriber.private@example.net",
    "officer.private@example.gov",
    "officer",
)
PRIVATE_KEYS = {
    "contact_name",
    "contact_email",
    "contact_phone",
    "email",
    "recorded_by",
    "user",
    "username",
    "password",
    "token",
    "deliveries",
}


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def response_schema(spec, path, status="200"):
    content = spec["paths"][path]["get"]["responses"][status]["content"]
    return content["application/json"]["schema"]


def validate_against(spec, schema, body):
    """Validate a JSON body with the document's own schemas in reach of its $refs."""
    OAS31Validator({**schema, "components": spec["components"]}).validate(body)


def example_queries(register):
    """Every query parameter each operation documents, with a value to try."""
    asset_filters = {
        "area": register.ward.gss_code,
        "category": "pub",
        "status": "open",
        "bbox": "-1.7,54.7,-1.5,54.9",
        "q": "Lion",
        "source": "osm-pubs",
        "changed_since": "2000-01-01T00:00:00Z",
        "limit": "2",
        "offset": "1",
    }
    return {
        "/api/assets": asset_filters,
        "/api/assets/{asset_id}": {},
        "/api/events": {
            "kind": "closed",
            "area": register.ward.gss_code,
            "asset": str(register.library.pk),
            "since": "2019-01-01",
            "recorded_since": "2000-01-01T00:00:00Z",
            "limit": "2",
            "offset": "0",
        },
        "/api/areas": {
            "kind": "ward",
            "parent": register.durham.gss_code,
            "q": "Sac",
            "current": "true",
            "limit": "2",
            "offset": "0",
        },
        "/api/areas/{gss_code}": {},
        "/api/acv/{gss_code}/entries": {"limit": "5", "offset": "0"},
        "/api/map/": {
            "bbox": "-1.7,54.7,-1.5,54.9",
            "zoom": "16",
            "category": "pub",
            "status": "open",
        },
    }


# What an operation cannot answer without; every other example is tried on its own.
REQUIRED = {"/api/map/": ("bbox", "zoom")}


def example_path(register, path):
    return path.replace("{asset_id}", str(register.pub.pk)).replace(
        "{gss_code}", register.durham.gss_code
    )


def test_openapi_document_is_valid(client, spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/assets",
        "/api/assets/{asset_id}",
        "/api/events",
        "/api/areas",
        "/api/areas/{gss_code}",
        "/api/acv/{gss_code}/entries",
        "/api/map/",
    }
    assert spec["info"]["license"]["identifier"] == "OGL-UK-3.0"
    assert "Open Government Licence" in spec["info"]["description"]
    for path, methods in spec["paths"].items():
        assert set(methods) == {"get"}, f"{path} is read-only"
        # The map is neither rate-limited nor looked up by id: it answers 200 or 422.
        errors = {"422"} if path == "/api/map/" else {"404", "422", "429"}
        assert {"200", *errors} <= set(methods["get"]["responses"]), path


def test_docs_page_uses_only_files_served_here(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/ninja/") for url in assets), assets
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    assert '"validatorUrl": null' in html  # no badge fetched from swagger.io
    assert "/api/openapi.json" in html


def test_every_documented_endpoint_answers_as_documented(client, register, spec):
    examples = example_queries(register)
    assert set(examples) == set(spec["paths"])
    for path, methods in spec["paths"].items():
        operation = methods["get"]
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert documented == set(examples[path]), f"update the examples for {path}"
        url = example_path(register, path)
        schema = response_schema(spec, path)
        base = {name: examples[path][name] for name in REQUIRED.get(path, ())}
        others = [(name, value) for name, value in examples[path].items() if name not in base]
        for query in [base] + [{**base, name: value} for name, value in others]:
            response = client.get(url, query)
            assert response.status_code == 200, (url, query, response.content)
            assert response["Content-Type"].startswith("application/json")
            validate_against(spec, schema, response.json())
        missing = client.get(
            url.replace(str(register.pub.pk), "999999").replace(
                register.durham.gss_code, "E06999999"
            )
        )
        if "{" in path:
            assert missing.status_code == 404
            validate_against(spec, response_schema(spec, path, "404"), missing.json())


def test_lists_page_with_limit_and_offset(client, register, settings):
    for n in range(7):
        AssetFactory(name=f"Extra {n}", council=register.durham)
    first = client.get("/api/assets", {"limit": 3}).json()
    assert first["count"] == 12 and first["limit"] == 3 and first["previous"] is None
    seen, page = [], first
    while True:
        seen += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        parts = urlsplit(page["next"])
        page = client.get(f"{parts.path}?{parts.query}").json()
        assert page["previous"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 12
    assert register.draft.pk not in seen
    assert client.get("/api/assets", {"offset": 50}).json()["items"] == []
    assert client.get("/api/assets", {"limit": settings.API_MAX_PAGE_SIZE + 1}).status_code == 422
    assert client.get("/api/assets", {"limit": 0}).status_code == 422
    default = client.get("/api/assets").json()
    assert default["limit"] == settings.API_PAGE_SIZE


def test_asset_filters(client, register):
    r = register
    everything = {r.pub.pk, r.library.pk, r.osm_pub.pk, r.unlocated.pk, r.refused.pk}
    assert set(ids(client.get("/api/assets"))) == everything
    assert set(ids(client.get("/api/assets", {"area": "E06000047"}))) == everything
    assert set(ids(client.get("/api/assets", {"area": "E05009076"}))) == {
        r.pub.pk,
        r.library.pk,
        r.refused.pk,
    }
    assert ids(client.get("/api/assets", {"area": "E01020600"})) == [r.pub.pk]
    assert set(ids(client.get("/api/assets", {"category": "library,community_centre"}))) == {
        r.library.pk,
        r.unlocated.pk,
    }
    assert set(ids(client.get("/api/assets?status=closed&status=at_risk"))) == {r.library.pk}
    assert set(ids(client.get("/api/assets", {"bbox": "-1.65,54.8,-1.6,54.83"}))) == {
        r.pub.pk,
        r.library.pk,
        r.refused.pk,
    }
    assert ids(client.get("/api/assets", {"q": "red front"})) == [r.pub.pk]
    osm = client.get("/api/assets", {"source": "osm-pubs"}).json()["items"]
    assert [item["id"] for item in osm] == [r.osm_pub.pk]
    assert osm[0]["licence"] == "ODbL-1.0" and osm[0]["source_name"] == "OpenStreetMap"
    assert client.get("/api/assets", {"area": "E05999999"}).status_code == 404
    assert client.get("/api/assets", {"area": "not-a-code"}).status_code == 422
    assert client.get("/api/assets", {"bbox": "1,2,3"}).status_code == 422
    assert client.get("/api/assets", {"category": "casino"}).status_code == 422


def test_invalid_requests_answer_as_documented(client, register, spec):
    for path, query in [
        ("/api/assets", {"bbox": "north"}),
        ("/api/assets", {"limit": "many"}),
        ("/api/events", {"since": "yesterday"}),
        ("/api/areas", {"kind": "parish"}),
        ("/api/assets/{asset_id}", {}),
        ("/api/events", {"since": "0"}),
        ("/api/events", {"recorded_since": "1700000000"}),
        ("/api/assets", {"changed_since": "0"}),
        ("/api/map/", {"bbox": "north", "zoom": "5"}),
        ("/api/map/", {"bbox": "", "zoom": "5"}),
    ]:
        url = path.replace("{asset_id}", "not-a-number")
        response = client.get(url, query)
        assert response.status_code == 422, (url, query)
        validate_against(spec, response_schema(spec, path, "422"), response.json())


def test_changed_since_counts_edits_and_new_events(client, register):
    from assets_register.models import Asset, AssetEvent

    long_ago = timezone.now() - datetime.timedelta(days=30)
    Asset.objects.update(updated_at=long_ago)
    AssetEvent.objects.update(recorded_at=long_ago)
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    assert ids(client.get("/api/assets", {"changed_since": since})) == []
    register.library.operator = "Durham County Council"
    register.library.save()
    AssetEventFactory(asset=register.osm_pub, kind=EventKind.AT_RISK, date=timezone.localdate())
    assert ids(client.get("/api/assets", {"changed_since": since})) == [
        register.library.pk,
        register.osm_pub.pk,
    ]
    later = (timezone.localtime() + datetime.timedelta(minutes=5)).replace(tzinfo=None)
    assert ids(client.get("/api/assets", {"changed_since": later.isoformat()})) == []


def test_asset_detail_has_its_history_and_listing(client, register):
    body = client.get(f"/api/assets/{register.pub.pk}").json()
    assert body["name"] == "The Red Lion"
    assert body["council"] == {"gss_code": "E06000047", "name": "County Durham", "kind": "council"}
    assert body["url"] == f"http://testserver/assets/{register.pub.pk}/"
    kinds = [event["kind"] for event in body["events"]]
    assert kinds[0] == "opened" and "acv_listed" in kinds and "disposal_notice" in kinds
    assert body["events"][0]["display_date"] == "1890"
    acv = body["acv_entry"]
    notice = register.notice
    assert acv["reference"] == register.entry.reference
    assert acv["listing_last_day"] == register.entry.expires_on.isoformat()
    assert acv["disposal_notice"]["interim_moratorium_last_day"] == (
        notice.interim_last_day.isoformat()
    )
    assert acv["disposal_notice"]["full_moratorium_last_day"] == notice.full_last_day.isoformat()
    assert acv["disposal_notice"]["interested_group"] == "Sacriston Community Pub Ltd"
    assert acv["nominating_group"] == "Friends of the Robin Hood"
    assert client.get(f"/api/assets/{register.library.pk}").json()["acv_entry"] is None
    assert client.get(f"/api/assets/{register.draft.pk}").status_code == 404


def test_event_filters(client, register):
    events = client.get("/api/events").json()
    dates = [item["date"] for item in events["items"]]
    assert dates == sorted(dates, reverse=True)
    closed = client.get("/api/events", {"kind": "closed"}).json()["items"]
    assert [(e["asset"]["id"], e["date"]) for e in closed] == [(register.library.pk, "2019-03-01")]
    assert closed[0]["note"] == "Closed after the council's library review."
    assert closed[0]["display_date"] == "March 2019"
    acv = client.get("/api/events", {"kind": "acv_listed,acv_not_listed"}).json()["items"]
    assert {e["asset"]["id"] for e in acv} == {register.pub.pk, register.refused.pk}
    assert ids(client.get("/api/events", {"area": "E05009077"})) == []
    AssetEventFactory(asset=register.osm_pub, kind=EventKind.AT_RISK, date=D(2024, 5, 1))
    assert [
        e["asset"]["id"] for e in client.get("/api/events", {"area": "E05009077"}).json()["items"]
    ] == [register.osm_pub.pk]
    since = client.get("/api/events", {"since": "2024-01-01", "kind": "at_risk"}).json()
    assert [e["date"] for e in since["items"]] == ["2024-05-01"]
    assert client.get("/api/events", {"area": "E05999999"}).status_code == 404
    assert client.get("/api/events", {"kind": "party"}).status_code == 422


@pytest.mark.parametrize(
    "url", ["/api/assets/99999999999999999999", "/api/events?asset=99999999999999999999"]
)
def test_an_id_too_large_for_the_database_is_bad_input_not_a_crash(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert "less than or equal to" in response.json()["detail"][0]["msg"]


def test_areas_and_their_indicators(client, register):
    wards = client.get("/api/areas", {"kind": "ward", "parent": "E06000047"}).json()
    assert [a["gss_code"] for a in wards["items"]] == ["E05009077", "E05009076"]
    assert wards["items"][0]["parent"]["gss_code"] == "E06000047"
    assert [a["name"] for a in client.get("/api/areas", {"q": "sacr"}).json()["items"]] == [
        "Sacriston"
    ]
    ward = client.get("/api/areas/E05009076").json()
    assert ward["asset_count"] == 3 and ward["open_count"] == 2
    assert ward["status_counts"] == {
        "open": 1,
        "for_sale": 1,
        "closed": 1,
    }  # the listed pub has a notice to sell
    assert ward["geometry"]["type"] == "Polygon"
    assert ward["bbox"] == [-1.66, 54.8, -1.6, 54.83]
    assert ward["indicators"]["open_now"] == 2  # the latest snapshot, not the older one
    assert ward["indicators"]["snapshot"]["period_years"] == 10
    council = client.get("/api/areas/E06000047").json()
    assert council["asset_count"] == 5 and council["indicators"] is None
    assert client.get("/api/areas/e05009076").json()["gss_code"] == "E05009076"


def test_acv_entries_are_the_list_today(client, register):
    body = client.get("/api/acv/E06000047/entries").json()
    assert body["count"] == 1
    entry = body["items"][0]
    assert entry["asset"]["id"] == register.pub.pk
    assert entry["listed_on"] == register.entry.listed_on.isoformat()
    assert entry["disposal_notice"]["protected_period_last_day"] == (
        register.notice.protected_last_day.isoformat()
    )
    assert entry["review_pending"] is False
    assert client.get("/api/acv/E05009076/entries").status_code == 404  # a ward
    assert client.get("/api/acv/E06999999/entries").status_code == 404


def test_a_listing_imported_without_a_nomination_names_its_nominating_group(client, register):
    ListEntry.objects.filter(pk=register.entry.pk).update(
        nomination=None, nominated_by="Sacriston Parish Council"
    )
    body = client.get("/api/acv/E06000047/entries").json()
    assert body["items"][0]["nominating_group"] == "Sacriston Parish Council"
    detail = client.get(f"/api/assets/{register.pub.pk}").json()
    assert detail["acv_entry"]["nominating_group"] == "Sacriston Parish Council"


def test_answers_are_cached_until_the_register_changes(client, register):
    first = client.get("/api/assets", {"area": "E05009076"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/assets", {"area": "E05009076"})
    assert again.content == first.content and len(queries) == 0
    assert again["Cache-Control"] == "public, max-age=60"
    AssetFactory(name="The New Inn", council=register.durham, ward=register.ward)
    assert "The New Inn" in client.get("/api/assets", {"area": "E05009076"}).content.decode()


def test_rate_limit_answers_429_in_json(client, register, settings, spec):
    settings.API_RATE_PER_IP = "3/m"
    for _ in range(3):
        assert client.get("/api/areas").status_code == 200
    refused = client.get("/api/assets")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    validate_against(spec, response_schema(spec, "/api/assets", "429"), refused.json())
    assert client.get("/api/areas", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_map_api_still_answers(client, register):
    response = client.get("/api/map/", {"bbox": "-1.7,54.7,-1.5,54.9", "zoom": 16})
    assert response.status_code == 200
    assert response.json()["type"] == "FeatureCollection"


def test_headers_carry_licence_and_allow_other_sites(client, register):
    response = client.get("/api/assets")
    assert response["Link"] == '<http://testserver/about/data/>; rel="license"'
    assert response["Access-Control-Allow-Origin"] == "*"


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_no_personal_data_in_any_answer(client, register, spec):
    urls = ["/api/openapi.json", "/api/docs"]
    for path, query in example_queries(register).items():
        url = example_path(register, path)
        base = "&".join(f"{name}={query[name]}" for name in REQUIRED.get(path, ()))
        urls += [f"{url}?{base}"] + [
            f"{url}?{base}&{name}={value}" for name, value in query.items()
        ]
    urls += [f"/api/assets/{pk}" for pk in (register.library.pk, register.refused.pk)]
    urls += ["/api/areas/E05009076", "/api/areas/E01020600", "/api/events?limit=500"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for private in PRIVATE:
            assert private not in text, f"{private} appears at {url}"
        if url != "/api/docs":
            leaked = PRIVATE_KEYS & set(_keys(json.loads(text)))
            assert not leaked, f"{leaked} at {url}"


@pytest.mark.parametrize(
    "url", ["/api/assets", "/api/events", "/api/areas", "/api/acv/E06000047/entries"]
)
def test_query_count_does_not_grow_with_the_page(client, register, url):
    def queries():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"limit": 500}).status_code == 200
        return len(captured)

    few = queries()
    for n in range(30):
        asset = AssetFactory(name=f"Extra {n}", council=register.durham, ward=register.ward)
        AssetEventFactory(asset=asset, kind=EventKind.CLOSED, date=D(2020, 1, 1))
        AreaFactory(name=f"Ward {n}", parent=register.durham)
    assert queries() == few
    assert few <= 8


def test_the_api_takes_no_writes_even_from_a_logged_in_officer(client):
    """The API is read-only: no path writes a record, whoever asks."""
    council = AreaFactory(kind="council", gss_code="E06000047")
    asset = AssetFactory(name="The Red Lion", council=council)
    editor = User.objects.create_user("editor", "e@example.org", "pw")
    editor.groups.add(Group.objects.get(name=SITE_EDITOR))
    client.force_login(editor)
    for method in (client.post, client.put, client.patch, client.delete):
        for url in (
            "/api/assets",
            f"/api/assets/{asset.pk}",
            "/api/events",
            "/api/areas",
            "/api/acv/E06000047/entries",
        ):
            response = method(url, {"name": "Hijacked"}, content_type="application/json")
            assert response.status_code in (404, 405), (method, url)
    asset.refresh_from_db()
    assert asset.name == "The Red Lion"


def test_unknown_parameters_make_no_extra_cached_answers(client, register):
    first = client.get("/api/assets?limit=1&utm_source=a")
    for n in range(30):
        again = client.get(f"/api/assets?cb={n}&limit=1&junk{n}=x")
        assert again.json() == first.json()
    assert "utm_source" not in first.json()["next"]
    assert len([key for key in cache._cache if ":api:" in key]) == 1  # LocMemCache in tests
    assert client.get("/api/assets?limit=2").json() != first.json()


def test_an_empty_parameter_means_not_given_on_the_api_as_on_the_downloads(client, register):
    everything = ids(client.get("/api/assets"))
    assert ids(client.get("/api/assets?bbox=&area=&status=&q=")) == everything
    assert client.get("/api/events?since=&kind=").status_code == 200
    download = client.get("/downloads/register.csv?bbox=&area=")
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content).splitlines()) == len(everything) + 1


def test_a_number_is_not_taken_for_a_date(client, register):
    response = client.get("/api/events", {"since": "0"})
    assert response.status_code == 422
    assert "not an ISO 8601 date" in response.json()["detail"][0]["msg"]
