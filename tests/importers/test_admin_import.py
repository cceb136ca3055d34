"""Council staff import their spreadsheet in the admin: a dry-run preview first, then the
same import for real."""

from pathlib import Path

import pytest

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile

from assets_register.models import Asset, CouncilStaff, ListEntry

from ..factories import CouncilFactory, square

DATA = Path(__file__).resolve().parent.parent / "data"
URL = "/admin/register/import/"


@pytest.fixture
def officer(client, sacriston):
    user = User.objects.create_user("officer", "officer@durham.example", "pw")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["access_admin", "view_listentry", "change_listentry"]
        )
    )
    CouncilStaff.objects.create(user=user, council=sacriston)
    client.force_login(user)
    return user


def upload(name, content=None):
    return SimpleUploadedFile(name, content or (DATA / name).read_bytes(), "text/csv")


def test_a_dry_run_preview_then_the_import_for_real(client, sacriston, officer):
    assert "Import a spreadsheet" in client.get("/admin/").content.decode()  # in the menu
    preview = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("acv_national.csv")}
    ).content.decode()
    assert "What importing acv_national.csv would do" in preview
    assert "row 2, A-CV-1 (The Robin Hood Inn): would create" in preview
    assert not ListEntry.objects.exists() and not Asset.objects.exists()  # nothing written
    token = preview.split('name="plan" value="')[1].split('"')[0]
    done = client.post(URL, {"plan": token}).content.decode()
    assert "Imported acv_national.csv" in done
    assert ListEntry.objects.filter(council=sacriston).count() >= 2
    entries = ListEntry.objects.count()
    again = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("acv_national.csv")}
    ).content.decode()
    assert "0 created, 0 updated" in again  # idempotent: a second run would change nothing
    assert ListEntry.objects.count() == entries


def test_rejected_rows_are_listed_one_by_one(client, sacriston, officer):
    page = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("acv_bad_rows.csv")}
    ).content.decode()
    assert "Rejected rows" in page and "row 2" in page


def test_staff_import_only_their_own_councils_list(client, sacriston, officer):
    swale = CouncilFactory(name="Swale")
    page = client.post(
        URL, {"kind": "acv", "council": swale.pk, "file": upload("acv_national.csv")}
    ).content.decode()
    assert "Select a valid choice" in page
    page = client.post(URL, {"kind": "assets", "file": upload("assets_ok.csv")})
    assert "open only to editors of every council" in page.content.decode()
    assert not Asset.objects.exists()


def test_files_that_are_not_spreadsheets_are_refused_with_a_reason(client, sacriston, officer):
    page = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("x.exe", b"MZ\x90\x00")}
    ).content.decode()
    assert "Upload a CSV, TSV or XLSX file." in page
    page = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("empty.csv", b"\n")}
    ).content.decode()
    assert "The file cannot be imported" in page


def test_people_without_import_rights_are_turned_away(client, sacriston):
    user = User.objects.create_user("reader", "r@example.org", "pw")
    user.user_permissions.set(Permission.objects.filter(codename="access_admin"))
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)
    assert "Import a spreadsheet" not in client.get("/admin/").content.decode()


CROSS_BORDER = (
    b"reference,name,address-text,point,decision,decision-date\n"
    b"A-CV-1,The Robin Hood Inn,Front Street,POINT (-1.626 54.816),Listed,2020-12-14\n"
    b"A-CV-2,Abbey Hotel,Minster,POINT (0.76 51.44),Listed,2020-12-14\n"
)


def test_an_officers_import_refuses_a_row_located_in_another_council(client, sacriston, officer):
    swale = CouncilFactory(name="Swale", boundary=square(0.6, 51.2, 1.0, 51.5))
    preview = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("x.csv", CROSS_BORDER)}
    ).content.decode()
    assert "row 3, point: the place is in Swale" in preview
    token = preview.split('name="plan" value="')[1].split('"')[0]
    done = client.post(URL, {"plan": token}).content.decode()
    assert "1 created" in done and "1 rejected" in done
    assert not Asset.objects.filter(council=swale).exists()
    assert list(ListEntry.objects.values_list("reference", flat=True)) == ["A-CV-1"]


def test_an_editor_of_every_council_imports_a_cross_border_row_with_a_note(client, sacriston):
    swale = CouncilFactory(name="Swale", boundary=square(0.6, 51.2, 1.0, 51.5))
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    preview = client.post(
        URL, {"kind": "acv", "council": sacriston.pk, "file": upload("x.csv", CROSS_BORDER)}
    ).content.decode()
    token = preview.split('name="plan" value="')[1].split('"')[0]
    done = client.post(URL, {"plan": token}).content.decode()
    assert "2 created" in done and "the location is outside County Durham" in done
    assert Asset.objects.get(council=swale).name == "Abbey Hotel"
