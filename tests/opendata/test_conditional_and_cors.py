"""Open data as other sites and polling clients use it: any origin may read it (CORS, not
the admin or forms), and an unchanged answer to a repeat request is 304 Not Modified."""

import pytest

pytestmark = pytest.mark.django_db


def open_data_urls(r):
    gss = r.durham.gss_code
    return [
        "/api/assets",
        f"/api/assets/{r.pub.pk}",
        "/api/map/?bbox=-1.7,54.7,-1.5,54.9&zoom=16",
        "/api/openapi.json",
        "/downloads/register.csv",
        "/downloads/register.geojson?area=E05009076",
        f"/areas/{r.ward.gss_code}/feed.atom",
        f"/acv/{gss}/export.csv",
        f"/acv/{gss}/export.geojson",
        f"/acv/{gss}/deadlines.ics",
        f"/assets/{r.pub.pk}/deadlines.ics",
    ]


def test_open_data_is_readable_from_any_site(client, register):
    for url in open_data_urls(register):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in response["Access-Control-Expose-Headers"], url


def test_a_polling_client_may_send_validators_across_origins(client, register):
    preflight = client.options(
        "/api/assets",
        HTTP_ORIGIN="https://example.net",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_pages_forms_and_the_admin_are_not_opened_to_other_sites(client, register):
    for url in ["/", register.pub.get_absolute_url(), "/alerts/", "/admin/login/"]:
        response = client.get(url)
        assert "Access-Control-Allow-Origin" not in response, url


def test_an_unchanged_answer_is_not_sent_again(client, register):
    urls = open_data_urls(register) + [register.pub.get_absolute_url()]
    for url in urls:
        first = client.get(url)
        etag = first["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again["ETag"] == etag and not again.content, url
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200, url


def test_cached_pages_and_exports_answer_if_modified_since(client, register):
    for url in [f"/acv/{register.durham.gss_code}/export.csv", register.pub.get_absolute_url()]:
        first = client.get(url)
        assert first["Last-Modified"], url
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304, url
