import datetime

import pytest

from django.urls import reverse

from assets_register.geo.lookup import search
from assets_register.models import DatePrecision, EventKind

from ..factories import (
    AreaFactory,
    AssetEventFactory,
    AssetFactory,
    AssetSourceFactory,
    CouncilFactory,
    PostcodeLocationFactory,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    council = CouncilFactory(
        gss_code="E06000047", name="County Durham", boundary=square(-2, 54.5, -1, 55)
    )
    ward = AreaFactory(
        gss_code="E05009076",
        name="Sacriston",
        parent=council,
        boundary=square(-1.7, 54.78, -1.55, 54.85),
    )
    PostcodeLocationFactory(postcode="DH7 6LQ")
    pub = AssetFactory(name="The Robin Hood", council=council, ward=ward)
    AssetEventFactory(
        asset=pub,
        kind=EventKind.OPENED,
        date=datetime.date(1890, 1, 1),
        date_precision=DatePrecision.YEAR,
    )
    AssetEventFactory(
        asset=pub,
        kind=EventKind.CLOSED,
        date=datetime.date(2019, 6, 1),
        date_precision=DatePrecision.MONTH,
        note="Last orders on 1 June.",
    )
    return council, ward, pub


def test_home_page_has_the_map_filters_and_recent_closures(client, place):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="register-map"' in html and 'data-api="/api/map/"' in html
    assert 'name="category" value="pub"' in html and 'name="status" value="closed"' in html
    assert 'name="category" value="library"' not in html  # no libraries: no box for them
    assert "The Robin Hood" in html and "closed June 2019" in html
    assert "Open Government Licence" in html  # attribution in the footer


def test_asset_page_shows_details_and_dated_timeline(client, place, django_assert_max_num_queries):
    _, _, pub = place
    with django_assert_max_num_queries(15):
        response = client.get(pub.get_absolute_url())
    html = response.content.decode()
    assert "<h1>The Robin Hood</h1>" in html
    assert "Front Street" in html and "DH7 6LQ" in html
    assert "Sacriston" in html and "County Durham" in html
    assert "status-closed" in html
    assert html.index("June 2019") < html.index("1890")  # newest first
    assert "Last orders on 1 June." in html


def test_asset_page_of_a_place_neither_listed_nor_nominated_costs_three_queries(
    client, place, django_assert_num_queries
):
    """The place with whether it is listed or nominated, its events, its records: the
    listing and the nomination are looked up only for the few places that have one."""
    _, _, pub = place
    AssetSourceFactory(asset=pub, source="osm-pubs", source_ref="node/9", name="Robin Hood")
    with django_assert_num_queries(3):
        html = client.get(pub.get_absolute_url()).content.decode()
    assert "Nominate The Robin Hood as an asset of community value" in html
    assert "Last orders on 1 June." in html and "node/9" in html


def test_asset_page_of_a_place_with_no_history_nor_records_is_one_query(
    client, django_assert_num_queries
):
    quiet = AssetFactory(name="The Quiet Hall", category="community_centre")
    with django_assert_num_queries(1):
        html = client.get(quiet.get_absolute_url()).content.decode()
    assert "<h1>The Quiet Hall</h1>" in html and "No changes recorded." in html
    assert "<dt>Records</dt>" not in html


def test_asset_page_names_its_source_dataset(client):
    library = AssetFactory(
        source="ace-libraries", source_edition="2023", source_ref="Stoke-on-Trent/Burslem"
    )
    AssetEventFactory(asset=library, source="ace-libraries", source_edition="2022")
    page = client.get(library.get_absolute_url()).content.decode()
    name = "Public libraries in England (Arts Council England / DCMS, compiled by Libraries Hacked)"
    assert f"<dd>{name} (2023 edition)</dd>" in page  # the place, as of the newest edition
    assert f"Source: {name} (2022 edition)" in page  # the event, from the edition that said so
    pub = AssetFactory(source="osm-pubs", source_ref="123", osm_id="123")
    page = client.get(pub.get_absolute_url()).content.decode()
    assert 'href="https://www.openstreetmap.org/node/123"' in page


def test_draft_assets_are_not_public(client):
    draft = AssetFactory(live=False)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_area_page_lists_assets_and_recent_closures(client, place, django_assert_max_num_queries):
    _, ward, _ = place
    with django_assert_max_num_queries(15):
        response = client.get(reverse("area_detail", args=["E05009076"]))
    html = response.content.decode()
    assert "<h1>Sacriston</h1>" in html and "in County Durham" in html
    assert "The Robin Hood" in html and "closed June 2019" in html
    assert 'id="area-boundary"' in html
    council_page = client.get(reverse("area_detail", args=["E06000047"])).content.decode()
    assert "Sacriston" in council_page  # wards listed on the council page


def test_unknown_area_is_404(client):
    assert client.get(reverse("area_detail", args=["E05999999"])).status_code == 404


def test_postcode_search_lands_on_the_ward_page_with_nearest_places(client, place):
    response = client.get(reverse("search"), {"q": "dh76lq"})
    assert response.status_code == 302
    assert response["Location"] == "/areas/E05009076/?postcode=DH7%206LQ"
    page = client.get(response["Location"]).content.decode()
    assert "Postcode DH7 6LQ" in page and "is in" in page
    assert "Nearest places" in page and "0.0 km" in page


def test_postcode_outside_loaded_boundaries_still_gives_nearest_places(client, place):
    PostcodeLocationFactory(postcode="NG1 1AA", latitude="54.40", longitude="-1.60")
    page = client.get(reverse("search"), {"q": "NG1 1AA"}).content.decode()
    assert "its ward is not known" in page and "The Robin Hood" in page


def test_postcode_district_search_lists_nearest_places(client, place):
    page = client.get(reverse("search"), {"q": "dh7"}).content.decode()
    assert "Postcode district DH7" in page and "The Robin Hood" in page
    page = client.get(reverse("search"), {"q": "ZZ9"}).content.decode()
    assert "We have no postcodes in ZZ9" in page


def test_unknown_postcode_says_so(client, place):
    page = client.get(reverse("search"), {"q": "ZZ9 9ZZ"}).content.decode()
    assert "ZZ9 9ZZ is not covered yet" in page


def test_name_and_place_search(client, place):
    page = client.get(reverse("search"), {"q": "robin"}).content.decode()
    assert "The Robin Hood" in page
    page = client.get(reverse("search"), {"q": "sacriston"}).content.decode()
    assert 'href="/areas/E05009076/"' in page
    page = client.get(reverse("search"), {"q": "zzzzqqq"}).content.decode()
    assert "Nothing matched" in page


def test_search_escapes_what_people_type(client, place):
    page = client.get(reverse("search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_about_the_data_page_carries_every_attribution_line(client):
    from assets_register.core.licences import ATTRIBUTION_LINES

    page = client.get(reverse("about_data")).content.decode()
    for line in ATTRIBUTION_LINES:
        assert line.replace("&", "&amp;") in page or line in page


def test_source_names_for_council_registers():
    from assets_register.core.licences import source_name

    assert source_name("acv-import:E06000047").startswith("The council's published list")
    assert source_name("acv") == "The council's Community Right to Bid records"
    assert source_name("my-halls") == "my-halls"


def test_a_missing_page_says_so_and_offers_a_way_on(client, db):
    response = client.get("/assets/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page and 'role="search"' in page


def test_search_lists_current_councils_and_wards_by_name_councils_first(client):
    council = CouncilFactory(name="Sacriston Town")
    AreaFactory(name="Sacriston", parent=council)
    AreaFactory(name="Sacriston Old", valid_to=datetime.date(2019, 5, 1))  # retired
    AreaFactory(name="Sacriston 001A", kind="lsoa")  # neighbourhoods are not listed
    for n in range(25):
        AreaFactory(name=f"Sacriston North {n:02d}")
    areas = [(area.kind, area.name) for area in search("sacriston").areas]
    assert areas[:3] == [
        ("council", "Sacriston Town"),
        ("ward", "Sacriston"),
        ("ward", "Sacriston North 00"),
    ]
    assert len(areas) == 20 and areas[-1] == ("ward", "Sacriston North 17")
    html = client.get("/search/?q=sacriston+town").content.decode()
    assert "Sacriston Town</a>" in html and "Sacriston Old" not in html


def test_the_home_page_of_an_empty_register_counts_no_places(client):
    page = client.get("/").content.decode()
    assert "0 pubs, libraries" in page
