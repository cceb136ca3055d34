"""The register says what it covers, from its own data, and a postcode it has no data for
is 'not covered yet', never 'wrong'."""

import pytest

from django.urls import reverse

from assets_register.models import Category

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    AssetSourceFactory,
    CouncilFactory,
    PostcodeLocationFactory,
    durham_and_sacriston,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def holdings():
    durham, ward = durham_and_sacriston()
    slough = CouncilFactory(name="Slough", gss_code="E06000039")
    CouncilFactory(name="Empty Borough")  # loaded, but no place in it
    library = AssetFactory(
        name="Sacriston Library",
        category=Category.LIBRARY,
        council=durham,
        ward=ward,
        source="ace-libraries",
        source_edition="2023",
        source_ref="County Durham/Sacriston",
    )
    AssetEventFactory(asset=library, source="ace-libraries", source_edition="2016")
    AssetFactory(name="Chalvey Library", category=Category.LIBRARY, council=slough)
    pub = AssetFactory(name="The Red Lion", council=durham, source="osm-pubs", source_ref="n1")
    AssetSourceFactory(asset=pub, source="osm-pubs")
    AssetFactory(name="Merged away", council=durham, live=False)
    return durham, slough


def test_coverage_page_lists_councils_kinds_and_sources_from_the_data(
    client, holdings, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = client.get(reverse("about_coverage")).content.decode()
    assert "3 places in 2 council areas" in page
    assert '<a href="/areas/E06000047/">County Durham</a> <span class="meta">2 places' in page
    assert 'Slough</a> <span class="meta">1 place<' in page
    assert "Empty Borough" not in page
    assert '<th scope="row">Library</th><td>2</td>' in page
    assert '<th scope="row">Pub</th><td>1</td>' in page
    assert "editions 2016, 2023" in page  # the place's edition and its events' editions
    assert "OpenStreetMap</strong>: 1 place; seen from December 2014 to January 2022" in page


def test_coverage_is_linked_from_the_footer_and_about_the_data(client, holdings):
    for url in (reverse("home"), reverse("about_data")):
        assert f'href="{reverse("about_coverage")}"' in client.get(url).content.decode()


def test_a_postcode_we_hold_no_data_for_is_not_covered_not_wrong(client, holdings):
    page = client.get(reverse("search"), {"q": "ZZ9 9ZZ"}).content.decode()
    assert "ZZ9 9ZZ is not covered yet" in page and "Check it" not in page
    assert f'href="{reverse("about_coverage")}"' in page


def test_a_located_postcode_outside_our_councils_is_not_covered(client, holdings):
    PostcodeLocationFactory(postcode="TR1 1AA", latitude=50.26, longitude=-5.05)
    page = client.get(reverse("search"), {"q": "TR1 1AA"}).content.decode()
    assert "not covered yet" in page and f'href="{reverse("about_coverage")}"' in page


def test_alerts_form_says_not_covered_with_a_link(client, holdings):
    page = client.post(
        reverse("alerts_subscribe"),
        {
            "postcode": "ZZ1 1ZZ",
            "radius_km": "2",
            "email": "a@example.net",
            "wants_closures": "on",
            "frequency": "weekly",
        },
    ).content.decode()
    assert "ZZ1 1ZZ is not covered yet." in page and "Check it" not in page
    assert f'<a href="{reverse("about_coverage")}">See which councils' in page
    page = client.post(
        reverse("alerts_subscribe"),
        {
            "postcode": "not a postcode",
            "radius_km": "2",
            "email": "a@example.net",
            "wants_closures": "on",
            "frequency": "weekly",
        },
    ).content.decode()
    assert "Enter a postcode, like DH7 6LQ." in page and "not covered" not in page
