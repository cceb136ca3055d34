"""The roles ship as groups: an officer, a moderator or a site editor needs only their
group (and, for the first two, a council) to do their work."""

import pytest

from django.contrib.auth.models import Group, Permission, User

from assets_register.models import CouncilStaff
from assets_register.staff.roles import MODERATOR, OFFICER, SITE_EDITOR

from ..factories import CouncilFactory, NominationFactory, ReportFactory

pytestmark = pytest.mark.django_db
SNIPPETS = "/admin/snippets/assets_register/"


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def member(role, council=None, username="someone"):
    user = User.objects.create_user(username, f"{username}@council.example", "pw")
    user.groups.add(Group.objects.get(name=role))
    if council:
        CouncilStaff.objects.create(user=user, council=council)
    return user


def test_each_role_has_exactly_its_permissions():
    assert codenames(OFFICER) == {
        "access_admin",
        *(f"{action}_asset" for action in ("add", "change", "view", "publish")),
        *(
            f"{action}_{model}"
            for action in ("add", "change", "view")
            for model in ("nomination", "listentry", "disposalnotice")
        ),
        "change_statutorynotice",  # complete the recipient, mark a letter sent
        "view_statutorynotice",
    }
    assert codenames(MODERATOR) == {"access_admin", "view_report", "change_report", "view_asset"}
    editor = codenames(SITE_EDITOR)
    assert {"access_admin", "edit_every_council", "add_councilstaff", "delete_nomination"} <= editor
    # The permissions are the ones Django and Wagtail use, not look-alikes made beside them.
    assert Permission.objects.filter(codename="add_nomination").count() == 1
    assert Permission.objects.filter(codename="publish_asset").count() == 1


def test_an_officer_does_their_councils_work_with_the_group_alone(client):
    durham, swale = CouncilFactory(name="County Durham"), CouncilFactory(name="Swale")
    mine = NominationFactory(council=durham, land_name="Robin Hood")
    NominationFactory(council=swale, land_name="Abbey Hotel")
    client.force_login(member(OFFICER, durham))
    listing = client.get(f"{SNIPPETS}nomination/").content.decode()
    assert "Robin Hood" in listing and "Abbey Hotel" not in listing
    for page in (
        f"{SNIPPETS}nomination/edit/{mine.pk}/",
        f"{SNIPPETS}nomination/add/",
        f"{SNIPPETS}listentry/add/",
        f"{SNIPPETS}disposalnotice/add/",
        f"{SNIPPETS}asset/add/",
        "/admin/register/import/",
    ):
        assert client.get(page).status_code == 200, page
    for page in (
        f"{SNIPPETS}area/",
        f"{SNIPPETS}councilstaff/",
        f"{SNIPPETS}statutoryregime/",
        f"{SNIPPETS}report/",
        f"{SNIPPETS}nomination/delete/{mine.pk}/",
    ):
        assert client.get(page).status_code in (302, 403), page


def test_a_moderator_moderates_and_a_site_editor_edits_every_council(client):
    durham, swale = CouncilFactory(name="County Durham"), CouncilFactory(name="Swale")
    report = ReportFactory(council=durham, status="pending")
    client.force_login(member(MODERATOR, durham))
    assert client.get(f"{SNIPPETS}report/edit/{report.pk}/").status_code == 200
    assert client.get(f"{SNIPPETS}nomination/").status_code in (302, 403)
    client.force_login(member(SITE_EDITOR, username="editor"))
    NominationFactory(council=durham, land_name="Robin Hood")
    NominationFactory(council=swale, land_name="Abbey Hotel")
    listing = client.get(f"{SNIPPETS}nomination/").content.decode()
    assert "Robin Hood" in listing and "Abbey Hotel" in listing
    for page in (f"{SNIPPETS}area/", f"{SNIPPETS}councilstaff/add/", f"{SNIPPETS}statutoryregime/"):
        assert client.get(page).status_code == 200, page


def test_an_officer_works_their_councils_statutory_notices(client):
    from ..factories import StatutoryNoticeFactory

    notice = StatutoryNoticeFactory()
    client.force_login(member(OFFICER, notice.council))
    assert client.get(f"{SNIPPETS}statutorynotice/").status_code == 200
    assert client.get(f"{SNIPPETS}statutorynotice/edit/{notice.pk}/").status_code == 200
