"""Council officers work their nominations in the admin, against the 8-week clock."""

import datetime

import pytest

from django.contrib.auth.models import Permission, User

from assets_register.models import CouncilStaff, EventKind, ListEntry, Nomination

from .factories import AssetFactory, CouncilFactory, NominationFactory

D = datetime.date
pytestmark = pytest.mark.django_db
NOMINATIONS = "/admin/snippets/assets_register/nomination/"


@pytest.fixture
def councils():
    return CouncilFactory(name="County Durham"), CouncilFactory(name="Swale")


@pytest.fixture
def officer(client, councils):
    user = User.objects.create_user("officer", "officer@durham.example", "pw")
    user.user_permissions.set(Permission.objects.filter(codename__in=[
        "access_admin", "view_nomination", "change_nomination", "view_listentry",
        "change_listentry"]))
    CouncilStaff.objects.create(user=user, council=councils[0])
    client.force_login(user)
    return user


def nomination(council, received_on, **fields):
    return NominationFactory(council=council, asset=AssetFactory(), received_on=received_on,
                             **fields)


def test_the_dashboard_shows_overdue_and_due_soon_for_my_council_only(client, councils, officer,
                                                                      monkeypatch):
    durham, swale = councils
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2024, 5, 1))
    nomination(durham, D(2024, 2, 1), land_name="Overdue Arms")  # due 27 March
    nomination(durham, D(2024, 3, 14), land_name="Soon Hall")  # due 8 May
    nomination(durham, D(2024, 4, 20), land_name="Later Library")  # due 14 June
    nomination(swale, D(2024, 2, 1), land_name="Sheppey Inn")
    page = client.get("/admin/").content.decode()
    assert "Overdue Arms" in page and "was due 27 March 2024" in page
    assert "Soon Hall" in page and "due Wednesday 8 May 2024" in page
    assert "Later Library" not in page and "Sheppey Inn" not in page


def test_officers_see_only_their_councils_nominations(client, councils, officer):
    durham, swale = councils
    mine = nomination(durham, D(2024, 3, 1), land_name="Robin Hood")
    theirs = nomination(swale, D(2024, 3, 1), land_name="Sheppey Inn")
    listing = client.get(NOMINATIONS).content.decode()
    assert "Robin Hood" in listing and "Sheppey Inn" not in listing
    assert client.get(f"{NOMINATIONS}edit/{mine.pk}/").status_code == 200
    assert client.get(f"{NOMINATIONS}edit/{theirs.pk}/").status_code in (302, 403)


def test_deciding_in_the_admin_lists_the_place_and_writes_the_timeline(client, councils,
                                                                        officer):
    item = nomination(councils[0], D(2024, 3, 1))
    page = client.get(f"{NOMINATIONS}edit/{item.pk}/").content.decode()
    assert "Contact (private: never published)" in page
    data = {
        field: getattr(item, field) for field in (
            "land_name", "land_address", "land_description", "occupants", "owners",
            "current_use", "future_use", "body_name", "body_type", "body_number",
            "local_connection", "contact_name", "contact_email", "contact_phone")
    }
    data.update(council=item.council.pk, asset=item.asset.pk, received_on="2024-03-01",
                members_on_roll="", outcome="listed", decided_on="2024-04-15",
                decision_reasons="Meets s.88.")
    response = client.post(f"{NOMINATIONS}edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = ListEntry.objects.get(nomination=item)
    assert (entry.listed_on, entry.expires_on) == (D(2024, 4, 15), D(2029, 4, 14))
    assert item.asset.events.filter(kind=EventKind.ACV_LISTED).count() == 1
    client.post(f"{NOMINATIONS}edit/{item.pk}/", data)  # saving again changes nothing
    assert ListEntry.objects.count() == 1
    assert item.asset.events.filter(kind=EventKind.ACV_LISTED).count() == 1
    assert Nomination.objects.get(pk=item.pk).outcome == "listed"
