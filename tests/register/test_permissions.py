"""Council staff edit only their council's records."""

import io

import openpyxl
import pytest

from django.contrib.auth.models import Permission, User
from django.urls import reverse

from wagtail.log_actions import log

from assets_register.models import Asset, CouncilStaff

from ..factories import (
    AssetFactory,
    CouncilFactory,
    NominationFactory,
    PostcodeLocationFactory,
    square,
)
from .test_admin import ASSETS, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils():
    durham = CouncilFactory(name="County Durham", boundary=square(-2, 54.5, -1, 55))
    swale = CouncilFactory(name="Swale", boundary=square(0.6, 51.2, 1.0, 51.5))
    return durham, swale


def staff_user(username, *councils, extra_perms=()):
    user = User.objects.create_user(username, f"{username}@example.org", "pw")
    codenames = [
        "access_admin",
        "add_asset",
        "change_asset",
        "delete_asset",
        "publish_asset",
        "view_asset",
        *extra_perms,
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    for council in councils:
        CouncilStaff.objects.create(user=user, council=council)
    return user


@pytest.fixture
def durham_officer(client, councils):
    user = staff_user("durham", councils[0])
    client.force_login(user)
    return user


def test_council_staff_list_only_their_councils_records(client, councils, durham_officer):
    durham, swale = councils
    AssetFactory(name="Robin Hood", council=durham)
    AssetFactory(name="Abbey Hotel", council=swale)
    AssetFactory(name="Not Yet Located", council=None)
    page = client.get(ASSETS).content.decode()
    assert "Robin Hood" in page
    assert "Abbey Hotel" not in page and "Not Yet Located" not in page


def test_council_staff_cannot_open_or_change_another_councils_record(
    client, councils, durham_officer
):
    durham, swale = councils
    theirs = AssetFactory(name="Robin Hood", council=durham)
    other = AssetFactory(name="Abbey Hotel", council=swale)
    for view in ("edit", "delete", "history", "usage", "copy", "unpublish"):
        assert client.get(f"{ASSETS}{view}/{theirs.pk}/").status_code == 200, view
        denied = client.get(f"{ASSETS}{view}/{other.pk}/")
        assert denied.status_code in (302, 403), view
    client.post(f"{ASSETS}edit/{other.pk}/", form_data(name="Hijacked"))
    assert Asset.objects.get(pk=other.pk).name == "Abbey Hotel"
    client.post(f"{ASSETS}delete/{other.pk}/")
    assert Asset.objects.filter(pk=other.pk).exists()


def test_council_staff_cannot_place_a_record_in_another_council(client, councils, durham_officer):
    response = client.post(ASSETS + "add/", form_data(latitude="51.40", longitude="0.80"))
    assert response.status_code == 200
    assert "You can add and edit places in County Durham only" in response.content.decode()
    PostcodeLocationFactory(postcode="ME12 1PL", latitude="51.44", longitude="0.76")
    response = client.post(ASSETS + "add/", form_data(postcode="ME12 1PL"))
    assert "outside it" in response.content.decode()
    assert not Asset.objects.exists()
    ok = client.post(ASSETS + "add/", form_data(latitude="54.82", longitude="-1.63"))
    assert ok.status_code == 302 and Asset.objects.count() == 1


def test_site_wide_editors_see_every_council(client, councils):
    durham, swale = councils
    AssetFactory(name="Robin Hood", council=durham)
    AssetFactory(name="Abbey Hotel", council=swale)
    client.force_login(staff_user("national", extra_perms=["edit_every_council"]))
    page = client.get(ASSETS).content.decode()
    assert "Robin Hood" in page and "Abbey Hotel" in page


@pytest.fixture
def two_councils_records(councils):
    """A place, a nomination and a member of staff in each council, each logged by an
    officer of its own council."""
    durham, swale = councils
    records = {}
    for council, place, officer_name in (
        (durham, "Robin Hood", "Dana Durham"),
        (swale, "Abbey Hotel", "Sam Swale"),
    ):
        first, last = officer_name.split()
        user = User.objects.create_user(last.lower() + "-officer", first_name=first, last_name=last)
        staff = CouncilStaff.objects.create(user=user, council=council)
        asset = AssetFactory(name=place, council=council)
        nomination = NominationFactory(council=council, asset=asset, land_name=f"{place} land")
        for instance in (asset, nomination, staff):
            log(instance, "wagtail.edit", user=user)
        records[council.name] = (asset, nomination, staff)
    return records


def chooser(model, view="choose"):
    return reverse(f"wagtailsnippetchoosers_assets_register_{model}:{view}")


def test_choosers_offer_only_the_officers_councils_records(client, two_councils_records):
    client.force_login(staff_user("durham", CouncilStaff.objects.first().council))
    for model in ("asset", "nomination", "councilstaff"):
        for view in ("choose", "choose_results"):
            page = client.get(chooser(model, view)).content.decode()
            assert ("Robin Hood" in page) or ("Durham" in page), (model, view)
            assert "Abbey Hotel" not in page and "Swale" not in page, (model, view)
    theirs = two_councils_records["Swale"][0]
    mine = two_councils_records["County Durham"][0]
    chosen = "/admin/snippets/choose/assets_register/asset/chosen/"
    assert client.get(f"{chosen}{mine.pk}/").status_code == 200
    assert client.get(f"{chosen}{theirs.pk}/").status_code == 404
    many = client.get(f"{chooser('asset', 'chosen_multiple')}?id={mine.pk}&id={theirs.pk}")
    assert "Robin Hood" in many.content.decode() and "Abbey Hotel" not in many.content.decode()


def test_site_history_and_its_exports_show_only_the_officers_councils(client, two_councils_records):
    client.force_login(
        staff_user("durham", CouncilStaff.objects.first().council, extra_perms=["view_nomination"])
    )
    for url in (
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/reports/site-history/?export=csv",
        "/admin/reports/site-history/?export=xlsx",
    ):
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace") if body[:2] != b"PK" else _xlsx_text(body)
        assert "Robin Hood" in text, url
        assert "Abbey Hotel" not in text and "Swale" not in text, url
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    page = client.get("/admin/reports/site-history/").content.decode()
    assert "Abbey Hotel" in page and "Sam Swale" in page


def _xlsx_text(body):
    book = openpyxl.load_workbook(io.BytesIO(body))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
