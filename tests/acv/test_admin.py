"""Council officers work their nominations in the admin, against the 8-week clock."""

import datetime

import pytest

from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError

from assets_register.models import CouncilStaff, EventKind, ListEntry, Nomination

from ..factories import AssetFactory, CouncilFactory, NominationFactory

D = datetime.date
pytestmark = pytest.mark.django_db
NOMINATIONS = "/admin/snippets/assets_register/nomination/"


@pytest.fixture
def councils():
    return CouncilFactory(name="County Durham"), CouncilFactory(name="Swale")


@pytest.fixture
def officer(client, councils):
    user = User.objects.create_user("officer", "officer@durham.example", "pw")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "access_admin",
                "view_nomination",
                "change_nomination",
                "view_listentry",
                "change_listentry",
            ]
        )
    )
    CouncilStaff.objects.create(user=user, council=councils[0])
    client.force_login(user)
    return user


def nomination(council, received_on, **fields):
    return NominationFactory(
        council=council, asset=AssetFactory(), received_on=received_on, **fields
    )


def test_the_dashboard_shows_overdue_and_due_soon_for_my_council_only(
    client, councils, officer, monkeypatch
):
    durham, swale = councils
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2024, 5, 1))
    nomination(durham, D(2024, 2, 1), land_name="Overdue Arms")  # due 27 March
    nomination(durham, D(2024, 3, 14), land_name="Soon Hall")  # due 8 May
    nomination(durham, D(2024, 4, 20), land_name="Later Library")  # due 14 June
    nomination(swale, D(2024, 2, 1), land_name="Sheppey Inn")
    page = client.get("/admin/").content.decode()
    assert "Overdue Arms" in page and "was due 27 March 2024" in page
    assert "Soon Hall" in page and "Wednesday 8 May 2024" in page
    assert "Later Library" not in page and "Sheppey Inn" not in page


def test_officers_see_only_their_councils_nominations(client, councils, officer):
    durham, swale = councils
    mine = nomination(durham, D(2024, 3, 1), land_name="Robin Hood")
    theirs = nomination(swale, D(2024, 3, 1), land_name="Sheppey Inn")
    listing = client.get(NOMINATIONS).content.decode()
    assert "Robin Hood" in listing and "Sheppey Inn" not in listing
    assert client.get(f"{NOMINATIONS}edit/{mine.pk}/").status_code == 200
    assert client.get(f"{NOMINATIONS}edit/{theirs.pk}/").status_code in (302, 403)


def test_deciding_in_the_admin_lists_the_place_and_writes_the_timeline(client, councils, officer):
    item = nomination(councils[0], D(2024, 3, 1))
    page = client.get(f"{NOMINATIONS}edit/{item.pk}/").content.decode()
    assert "Contact (private: never published)" in page
    data = nomination_form(
        item, outcome="listed", decided_on="2024-04-15", decision_reasons="Meets s.88."
    )
    response = client.post(f"{NOMINATIONS}edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = ListEntry.objects.get(nomination=item)
    assert (entry.listed_on, entry.expires_on) == (D(2024, 4, 15), D(2029, 4, 14))
    assert item.asset.events.filter(kind=EventKind.ACV_LISTED).count() == 1
    client.post(f"{NOMINATIONS}edit/{item.pk}/", data)  # saving again changes nothing
    assert ListEntry.objects.count() == 1
    assert item.asset.events.filter(kind=EventKind.ACV_LISTED).count() == 1
    assert Nomination.objects.get(pk=item.pk).outcome == "listed"


NOTICES = "/admin/snippets/assets_register/disposalnotice/"


@pytest.fixture
def notice_officer(officer):
    officer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_disposalnotice", "change_disposalnotice", "view_disposalnotice"]
        )
    )
    return officer


def notice_form(entry, requests=(), purchases=(), **fields):
    """The disposal notice admin form: requests to bid as (name, type, day), intentions to
    buy as dicts of CommunityPurchase fields."""
    data = {
        "entry": entry.pk,
        "received_on": "2021-04-30",
        "outcome": "pending",
        "outcome_on": "",
        "buyer": "",
        "bidder_requests-TOTAL_FORMS": str(len(requests)),
        "bidder_requests-INITIAL_FORMS": "0",
        "bidder_requests-MIN_NUM_FORMS": "0",
        "bidder_requests-MAX_NUM_FORMS": "1000",
    }
    data.update(
        {
            "purchases-TOTAL_FORMS": str(len(purchases)),
            "purchases-INITIAL_FORMS": "0",
            "purchases-MIN_NUM_FORMS": "0",
            "purchases-MAX_NUM_FORMS": "1",
        }
    )
    for i, purchase in enumerate(purchases):
        data.update({f"purchases-{i}-{name}": value for name, value in purchase.items()})
        data.update({f"purchases-{i}-id": "", f"purchases-{i}-DELETE": ""})
    for i, (name, kind, day) in enumerate(requests):
        data.update(
            {
                f"bidder_requests-{i}-group_name": name,
                f"bidder_requests-{i}-group_type": kind,
                f"bidder_requests-{i}-has_local_connection": "on",
                f"bidder_requests-{i}-received_on": day,
                f"bidder_requests-{i}-id": "",
                f"bidder_requests-{i}-DELETE": "",
            }
        )
    data.update(fields)
    return data


def test_an_officer_records_a_disposal_notice_and_a_bid_request(
    client, councils, notice_officer, list_place
):
    from assets_register.models import DisposalNotice

    entry = list_place(councils[0])
    response = client.post(
        NOTICES + "add/",
        notice_form(entry, [("Friends of the Robin Hood", "charity", "2021-05-07")]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = DisposalNotice.objects.get()
    assert (notice.interim_last_day, notice.full_last_day, notice.protected_last_day) == (
        D(2021, 6, 10),
        D(2021, 10, 29),
        D(2022, 10, 29),
    )
    assert notice.full_moratorium
    kinds = set(entry.asset.events.values_list("kind", flat=True))
    assert {EventKind.DISPOSAL_NOTICE, EventKind.BIDDER_REQUEST} <= kinds


def test_the_admin_refuses_what_the_statute_refuses(client, councils, notice_officer, list_place):
    entry = list_place(councils[0])
    late = client.post(
        NOTICES + "add/", notice_form(entry, [("Friends", "charity", "2021-06-11")])
    ).content.decode()
    assert "by 10 June 2021" in late
    forum = client.post(
        NOTICES + "add/",
        notice_form(entry, [("Village forum", "neighbourhood_forum", "2021-05-01")]),
    ).content.decode()
    assert "cannot own land" in forum
    other = list_place(councils[1], reference="S-1")
    elsewhere = client.post(NOTICES + "add/", notice_form(other)).content.decode()
    assert "another council" in elsewhere
    from assets_register.models import DisposalNotice

    assert not DisposalNotice.objects.exists()


def test_the_dashboard_warns_of_reviews_and_bid_windows_for_my_council(
    client, councils, notice_officer, monkeypatch, list_place
):
    from assets_register.acv import workflow as acv_workflow
    from assets_register.models import Review

    durham, swale = councils
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2021, 6, 1))
    entry = list_place(durham)
    Review.objects.create(entry=entry, requested_on=D(2021, 3, 1))  # due 25 April: overdue
    acv_workflow.record_disposal_notice(entry, D(2021, 4, 30))  # bid window ends 10 June
    theirs = list_place(swale, reference="S-1")
    acv_workflow.record_disposal_notice(theirs, D(2021, 4, 30))
    page = client.get("/admin/").content.decode()
    assert (
        f"Review decision due: {entry.asset.name}</a> (County Durham) — was due 25 April 2021"
        in page
    )
    assert (
        f"Last day to ask to bid: {entry.asset.name}</a> (County Durham) — Thursday 10 June" in page
    )
    assert f"/admin/snippets/assets_register/listentry/edit/{entry.pk}/" in page
    assert theirs.asset.name not in page


def nomination_form(item, **fields):
    data = {
        field: getattr(item, field)
        for field in (
            "land_name",
            "land_address",
            "land_description",
            "occupants",
            "owners",
            "current_use",
            "future_use",
            "body_name",
            "body_type",
            "body_number",
            "local_connection",
            "contact_name",
            "contact_email",
            "contact_phone",
            "decision_reasons",
            "council_reference",
            "outcome",
        )
    }
    data.update(
        council=item.council.pk,
        asset=item.asset.pk if item.asset else "",
        received_on=item.received_on.isoformat(),
        members_on_roll="",
        decided_on=item.decided_on.isoformat() if item.decided_on else "",
    )
    data.update(fields)
    return data


def test_an_officer_can_correct_a_historic_imported_nomination(client, councils, officer):
    """Imported decisions lack the nominator's type and contact: they stay editable."""
    item = nomination(
        councils[0],
        D(2019, 1, 7),
        body_type="other",
        contact_name="",
        contact_email="",
        current_use="",
        future_use="",
        local_connection="",
        outcome="unsuccessful",
        decided_on=D(2019, 2, 28),
        decision_reasons="Ancillary use.",
    )
    response = client.post(
        f"{NOMINATIONS}edit/{item.pk}/", nomination_form(item, council_reference="ACV/2019/04")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Nomination.objects.get(pk=item.pk).public_reference == "ACV/2019/04"


def test_a_nomination_under_consideration_needs_what_regulation_6_asks(client, councils, officer):
    item = nomination(councils[0], D(2024, 3, 1))
    page = client.post(
        f"{NOMINATIONS}edit/{item.pk}/", nomination_form(item, future_use="  ")
    ).content.decode()
    assert "Regulation 6 asks for this" in page
    assert Nomination.objects.get(pk=item.pk).future_use == item.future_use


def test_the_add_form_refuses_a_sale_its_own_request_to_bid_forbids(
    client, councils, notice_officer, list_place
):
    from assets_register.models import DisposalNotice

    entry = list_place(councils[0])
    data = notice_form(
        entry,
        [("Friends of the Robin Hood", "charity", "2021-05-07")],
        outcome="sold_to_other",
        outcome_on="2021-07-01",  # after the interim moratorium, inside the full one
    )
    page = client.post(NOTICES + "add/", data).content.decode()
    assert "from 30 October 2021" in page
    assert not DisposalNotice.objects.exists()
    entry.refresh_from_db()
    assert entry.removed_on is None


def test_a_date_before_the_regulations_is_a_message_not_a_server_error(client, councils, officer):
    item = nomination(councils[0], D(2013, 1, 7))
    page = client.post(
        f"{NOMINATIONS}edit/{item.pk}/", nomination_form(item, received_on="2012-09-20")
    )
    assert page.status_code == 200
    assert "applies from 21 September 2012" in page.content.decode()
    assert Nomination.objects.get(pk=item.pk).received_on == D(2013, 1, 7)
    with pytest.raises(ValidationError, match="applies from 21 September 2012"):
        ListEntry(council=councils[0], asset=item.asset, listed_on=D(2012, 1, 1)).full_clean()


def test_an_officer_cannot_write_a_nomination_into_another_council(client, councils, officer):
    durham, swale = councils
    officer.user_permissions.add(Permission.objects.get(codename="add_nomination"))
    template = nomination(durham, D(2024, 3, 1))
    theirs = nomination(swale, D(2024, 3, 1))
    theirs.asset.council = swale
    theirs.asset.save()
    before = Nomination.objects.count()
    page = client.post(f"{NOMINATIONS}add/", nomination_form(template, council=swale.pk))
    assert page.status_code == 200 and "your own council" in page.content.decode()
    page = client.post(
        f"{NOMINATIONS}add/", nomination_form(template, asset=theirs.asset.pk, outcome="pending")
    )
    assert page.status_code == 200 and "is in another council" in page.content.decode()
    assert Nomination.objects.count() == before
    ok = client.post(f"{NOMINATIONS}add/", nomination_form(template, outcome="pending"))
    assert ok.status_code == 302 and Nomination.objects.count() == before + 1


def test_under_the_act_the_officer_records_an_intention_to_buy_with_the_notice(
    client, councils, notice_officer, list_place
):
    from assets_register.models import CommunityPurchase, DisposalNotice

    from ..factories import commence_right_to_buy

    entry = list_place(councils[0], received_on=D(2026, 4, 1), decided_on=D(2026, 6, 1))
    commence_right_to_buy(D(2027, 1, 1))
    intention = {
        "group_name": "Robin Hood Community Pub Ltd",
        "group_type": "cooperative",
        "has_local_connection": "on",
        "registered_on": "2027-03-08",
    }
    asked = client.post(
        NOTICES + "add/",
        notice_form(entry, [("Friends", "charity", "2027-03-05")], received_on="2027-03-01"),
    ).content.decode()
    assert "registers its intention to buy instead of asking to bid" in asked
    late = client.post(
        NOTICES + "add/",
        notice_form(
            entry,
            purchases=[{**intention, "registered_on": "2027-04-12"}],
            received_on="2027-03-01",
        ),
    ).content.decode()
    assert "by 11 April 2027" in late
    assert not DisposalNotice.objects.exists()
    response = client.post(
        NOTICES + "add/", notice_form(entry, purchases=[intention], received_on="2027-03-01")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    purchase = CommunityPurchase.objects.get()
    assert purchase.right_last_day == D(2028, 2, 29)
    assert entry.asset.events.filter(kind=EventKind.INTENT_TO_BUY).count() == 1
