"""Editors' screens in the Wagtail admin."""

import pytest

from django.contrib.auth.models import User

from assets_register.models import Asset, Status

from ..factories import AreaFactory, AssetFactory, CouncilFactory, PostcodeLocationFactory, square

pytestmark = pytest.mark.django_db
ASSETS = "/admin/snippets/assets_register/asset/"


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def durham():
    council = CouncilFactory(
        gss_code="E06000047", name="County Durham", boundary=square(-2, 54.5, -1, 55)
    )
    ward = AreaFactory(name="Sacriston", parent=council, boundary=square(-1.7, 54.78, -1.55, 54.85))
    return council, ward


def form_data(**overrides):
    data = {
        "name": "Sacriston Workmen's Club",
        "category": "community_centre",
        "ownership": "community_owned",
        "operator": "",
        "address": "Front Street",
        "postcode": "dh7 6lq",
        "latitude": "",
        "longitude": "",
        "uprn": "",
        "osm_id": "",
        "source": "",
        "source_ref": "",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-date": "2024-02-01",
        "events-0-date_precision": "month",
        "events-0-kind": "closed",
        "events-0-note": "Shut after the winter.",
        "events-0-source_url": "",
        "events-0-source_document": "",
        "events-0-id": "",
        "events-0-DELETE": "",
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return data


def test_listing_has_filters_and_search(client, editor, durham):
    council, ward = durham
    AssetFactory(name="The Robin Hood", council=council, ward=ward)
    AssetFactory(name="Elsewhere Arms")
    page = client.get(ASSETS).content.decode()
    for name in ("council", "ward", "category", "status"):
        assert f'name="{name}"' in page
    filtered = client.get(ASSETS, {"ward": ward.pk}).content.decode()
    assert "The Robin Hood" in filtered and "Elsewhere Arms" not in filtered
    searched = client.get(ASSETS, {"q": "Elsewhere"}).content.decode()
    assert "Elsewhere Arms" in searched and "The Robin Hood" not in searched


def test_add_form_has_the_pin_picker_and_the_timeline(client, editor):
    page = client.get(ASSETS + "add/").content.decode()
    assert "data-location-picker" in page and "leaflet/leaflet.js" in page
    assert "location_picker.js" in page and "events-TOTAL_FORMS" in page


def test_publishing_a_new_asset_derives_status_and_locates_it_in_the_background(
    client, editor, durham, django_capture_on_commit_callbacks
):
    council, ward = durham
    PostcodeLocationFactory(postcode="DH7 6LQ")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(ASSETS + "add/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert callbacks  # the locate task was queued after commit, not run in the request
    asset = Asset.objects.get()
    assert asset.live and asset.postcode == "DH7 6LQ"
    assert asset.status == Status.CLOSED
    assert (asset.council, asset.ward) == (council, ward)
    assert asset.location_source == "postcode" and float(asset.latitude) == 54.816
    event = asset.events.get()
    assert event.recorded_by == editor and event.display_date == "February 2024"
    assert asset.revisions.count() == 1


def test_a_pin_placed_on_the_map_is_kept(
    client, editor, durham, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            ASSETS + "add/",
            form_data(latitude="54.8200", longitude="-1.6300", **{"events-TOTAL_FORMS": "0"}),
        )
    asset = Asset.objects.get()
    assert asset.location_source == "map_pin" and asset.ward == durham[1]
    assert asset.status == Status.OPEN


def test_invalid_input_is_answered_per_field(client, editor):
    response = client.post(
        ASSETS + "add/",
        form_data(
            postcode="DH7 XXX",
            latitude="48.85",
            longitude="2.35",
            **{"events-0-date": "", "name": ""},
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a valid UK postcode" in page
    assert "outside the United Kingdom" in page
    assert "This field is required" in page
    assert not Asset.objects.exists()


def test_saving_a_draft_keeps_the_public_version(client, editor):
    asset = AssetFactory(name="Public Name")
    data = form_data(name="Draft Name", **{"events-TOTAL_FORMS": "0"})
    del data["action-publish"]
    response = client.post(f"{ASSETS}edit/{asset.pk}/", data)
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.name == "Public Name" and asset.has_unpublished_changes
    assert "Public Name" in client.get(asset.get_absolute_url()).content.decode()
