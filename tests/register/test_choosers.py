"""The admin's choosers at the scale of England: searchable, paginated, and for council
staff limited to their councils; a council is chosen from councils only."""

import pytest

from django.contrib.auth.models import Permission, User
from django.urls import reverse

from assets_register.models import CouncilStaff

from ..factories import AreaFactory, AssetFactory, CouncilFactory, NominationFactory

pytestmark = pytest.mark.django_db
PLACES = "wagtailsnippetchoosers_assets_register_asset"
COUNCILS = "council_chooser"


@pytest.fixture
def councils():
    durham = CouncilFactory(name="County Durham", gss_code="E06000047")
    swale = CouncilFactory(name="Swale", gss_code="E07000113")
    AreaFactory(name="Durham South", parent=durham)  # a ward: never offered as a council
    return durham, swale


def officer_of(council, *codenames):
    user = User.objects.create_user(f"officer-{council.pk}", "o@council.example", "pw")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["access_admin", "view_asset", *codenames])
    )
    CouncilStaff.objects.create(user=user, council=council)
    return user


def results(client, name, **params):
    return client.get(reverse(f"{name}:choose_results"), params).content.decode()


def test_an_officer_searches_only_their_councils_places(client, councils):
    durham, swale = councils
    AssetFactory(name="The Queen's Head", council=durham)
    AssetFactory(name="The Red Lion", council=durham)
    AssetFactory(name="Queens Head, Sheerness", council=swale)
    client.force_login(officer_of(durham))
    found = results(client, PLACES, q="queens head")
    assert "The Queen&#x27;s Head" in found
    assert "Red Lion" not in found and "Sheerness" not in found
    assert "The Queen&#x27;s Head" in results(client, PLACES, q="quens hed")  # a typo
    assert "Queens Head, Sheerness" not in results(client, PLACES, q="Sheerness")


def test_a_councils_best_match_is_found_however_many_better_ones_elsewhere(client, councils):
    durham, swale = councils
    for number in range(160):  # more than the index hands on for ranking
        AssetFactory(name=f"Red Lion {number}", council=swale)
    AssetFactory(name="The Red Lion Inn, Sacriston", council=durham)
    client.force_login(officer_of(durham))
    assert "The Red Lion Inn, Sacriston" in results(client, PLACES, q="red lion")


def test_site_editors_search_every_councils_places(client, councils):
    durham, swale = councils
    AssetFactory(name="The Queen's Head", council=durham)
    AssetFactory(name="Queens Head, Sheerness", council=swale)
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    found = results(client, PLACES, q="queens head")
    assert "The Queen&#x27;s Head" in found and "Sheerness" in found


def test_the_council_chooser_offers_councils_only_and_searches_them(client, councils):
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    listed = results(client, COUNCILS)
    assert "County Durham" in listed and "Swale" in listed and "Durham South" not in listed
    found = results(client, COUNCILS, q="durham")
    assert "County Durham" in found and "Swale" not in found and "Durham South" not in found
    assert "Swale" in results(client, COUNCILS, q="e07000113")
    for number in range(30):
        CouncilFactory(name=f"Borough {number:02d}")
    assert "Borough 22" in results(client, COUNCILS) and "Swale" not in results(client, COUNCILS)
    assert "Swale" in results(client, COUNCILS, p=2)


def test_an_officer_chooses_only_their_own_council(client, councils):
    durham, swale = councils
    ward = durham.children.get()
    client.force_login(officer_of(durham))
    listed = results(client, COUNCILS)
    assert "County Durham" in listed and "Swale" not in listed
    chosen = reverse(f"{COUNCILS}:chosen", args=[durham.pk])
    assert client.get(chosen).json()["result"]["title"] == "County Durham (council)"
    for refused in (swale, ward):
        assert client.get(reverse(f"{COUNCILS}:chosen", args=[refused.pk])).status_code == 404


def test_the_nomination_form_asks_for_a_council_with_the_council_chooser(client, councils):
    durham, _ = councils
    item = NominationFactory(council=durham, asset=AssetFactory(council=durham))
    client.force_login(officer_of(durham, "change_nomination", "view_nomination"))
    page = client.get(f"/admin/snippets/assets_register/nomination/edit/{item.pk}/")
    assert reverse(f"{COUNCILS}:choose") in page.content.decode()


def test_an_officers_place_filters_offer_only_their_councils_and_wards(client, councils):
    durham, swale = councils
    AreaFactory(name="Sheerness East", parent=swale)
    client.force_login(officer_of(durham))
    page = client.get("/admin/snippets/assets_register/asset/").content.decode()
    assert "Durham South" in page and "County Durham" in page
    assert "Sheerness East" not in page and "Swale" not in page
