"""Site editors can see what the national load did and each place's cited sources, in
the admin, and can change none of it."""

import pytest

from django.contrib.auth.models import Group, User

from assets_register.staff.roles import MODERATOR, SITE_EDITOR

from ..factories import AssetFactory, AssetSourceFactory, LoadStageFactory

pytestmark = pytest.mark.django_db

STAGES = "/admin/snippets/assets_register/loadstage/"
SOURCES = "/admin/snippets/assets_register/assetsource/"


def login(client, role):
    user = User.objects.create_user(role.lower().replace(" ", ""), "x@example.org", "pw")
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


@pytest.fixture
def loaded():
    LoadStageFactory(name="wards", rows=7_651, seconds=41.5, summary="created 7651 wards")
    LoadStageFactory(name="osm-pubs", rows=48_210, seconds=302.0, summary="matched 40112 pubs")
    ship = AssetFactory(name="The Ship")
    AssetSourceFactory(asset=ship, source="osm-pubs", source_ref="node/101")
    AssetSourceFactory(asset=ship, source="open-pubs", source_ref="op-7", first_seen=None)
    AssetSourceFactory(asset=AssetFactory(name="The Lamb"), source="osm-pubs", source_ref="way/9")
    return ship


def test_a_site_editor_lists_and_filters_the_load_and_the_sources(client, loaded):
    login(client, SITE_EDITOR)
    stages = client.get(STAGES).content.decode()
    assert "wards" in stages and "osm-pubs" in stages and "7651" in stages.replace(",", "")
    only_osm = client.get(SOURCES, {"source": "osm-pubs"}).content.decode()
    assert "node/101" in only_osm and "way/9" in only_osm and "op-7" not in only_osm
    the_ship = client.get(SOURCES, {"q": "The Ship"}).content.decode()
    assert "node/101" in the_ship and "op-7" in the_ship and "way/9" not in the_ship
    stage = LoadStageFactory(name="wards")
    inspect = client.get(f"{STAGES}inspect/{stage.pk}/").content.decode()
    assert "created 7651 wards" in inspect


def test_nobody_adds_edits_or_deletes_them_by_hand(client, loaded):
    editor = login(client, SITE_EDITOR)
    stage = LoadStageFactory(name="wards")
    source = loaded.sources.first()
    for user in (editor, User.objects.create_superuser("root", "r@example.org", "pw")):
        client.force_login(user)
        for base, pk in ((STAGES, stage.pk), (SOURCES, source.pk)):
            assert client.get(f"{base}add/").status_code in (302, 403)
            assert client.get(f"{base}edit/{pk}/").status_code in (302, 403)
            assert client.post(f"{base}delete/{pk}/").status_code in (302, 403)
            listing = client.get(base).content.decode()
            assert f"{base}add/" not in listing
    assert stage.__class__.objects.filter(pk=stage.pk).exists()
    assert source.__class__.objects.filter(pk=source.pk).exists()


def test_a_moderator_does_not_see_them(client, loaded):
    login(client, MODERATOR)
    assert client.get(STAGES).status_code in (302, 403)
    assert client.get(SOURCES).status_code in (302, 403)
