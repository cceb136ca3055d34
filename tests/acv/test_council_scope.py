"""An officer writes only their own council's ACV records, about places in their council,
on every admin path: add, edit, copy, inline rows and bulk actions."""

import datetime

import pytest

from django.contrib.auth.models import Permission, User

from assets_register.models import (
    CouncilStaff,
    EventKind,
    ListEntry,
    Nomination,
)

from ..factories import (
    AssetFactory,
    BidderRequestFactory,
    CouncilFactory,
    ListEntryFactory,
    NominationFactory,
    ReviewFactory,
)
from .test_admin import NOMINATIONS, NOTICES, nomination_form, notice_form

D = datetime.date
pytestmark = pytest.mark.django_db
ENTRIES = "/admin/snippets/assets_register/listentry/"
INLINES = ("reviews", "appeals", "compensation_claims", "exempt_disposals")


@pytest.fixture
def durham():
    return CouncilFactory(name="County Durham")


@pytest.fixture
def swale():
    return CouncilFactory(name="Swale")


@pytest.fixture
def officer(client, durham):
    user = User.objects.create_user("officer", "officer@durham.example", "pw")
    actions = ("add", "change", "delete", "view")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "access_admin",
                *(
                    f"{action}_{model}"
                    for action in actions
                    for model in ("nomination", "listentry", "disposalnotice")
                ),
            ]
        )
    )
    CouncilStaff.objects.create(user=user, council=durham)
    client.force_login(user)
    return user


def entry_form(entry, reviews=(), **fields):
    data = {
        "reference": entry.reference,
        "listed_on": entry.listed_on.isoformat(),
        "council": entry.council_id,
        "asset": entry.asset_id,
        "owner_notified_on": "",
        "occupiers_notified_on": "",
        "restriction_requested_on": "",
        "removed_on": "",
        "removal_reason": "",
        "removal_note": "",
    }
    for name in INLINES:
        data.update(
            {
                f"{name}-TOTAL_FORMS": "0",
                f"{name}-INITIAL_FORMS": "0",
                f"{name}-MIN_NUM_FORMS": "0",
                f"{name}-MAX_NUM_FORMS": "1000",
            }
        )
    data["reviews-TOTAL_FORMS"] = str(len(reviews))
    for i, (review_id, requested_on) in enumerate(reviews):
        data.update(
            {
                f"reviews-{i}-id": review_id,
                f"reviews-{i}-requested_on": requested_on,
                f"reviews-{i}-outcome": "pending",
                f"reviews-{i}-decided_on": "",
                f"reviews-{i}-decision_sent_on": "",
                f"reviews-{i}-DELETE": "",
            }
        )
    data.update(fields)
    return data


def test_a_list_entry_cannot_be_written_for_another_council_or_its_place(
    client, durham, swale, officer
):
    mine = ListEntryFactory(council=durham, asset=AssetFactory(council=durham))
    their_place = AssetFactory(name="Abbey Hotel", council=swale)
    new = ListEntry(reference="D-2", council=durham, asset=mine.asset, listed_on=D(2026, 1, 5))
    for data in (
        entry_form(new, council=swale.pk, asset=their_place.pk),
        entry_form(new, asset=their_place.pk),
    ):
        page = client.post(f"{ENTRIES}add/", data)
        assert page.status_code == 200
    page = client.post(f"{ENTRIES}edit/{mine.pk}/", entry_form(mine, asset=their_place.pk))
    assert "is in another council" in page.content.decode()
    page = client.post(f"{ENTRIES}copy/{mine.pk}/", entry_form(new, council=swale.pk))
    assert page.status_code in (200, 302)
    assert list(ListEntry.objects.values_list("council", "asset")) == [(durham.pk, mine.asset_id)]
    assert not their_place.events.exists()


def test_pointing_a_nomination_at_another_councils_place_writes_nothing_there(
    client, durham, swale, officer
):
    mine = NominationFactory(council=durham, asset=AssetFactory(council=durham))
    their_place = AssetFactory(name="Abbey Hotel", council=swale)
    page = client.post(
        f"{NOMINATIONS}edit/{mine.pk}/",
        nomination_form(mine, asset=their_place.pk, outcome="listed", decided_on="2021-02-01"),
    )
    assert "is in another council" in page.content.decode()
    mine.refresh_from_db()
    assert (mine.asset.council, mine.outcome) == (durham, "pending")
    assert not their_place.events.exists() and not their_place.acv_entries.exists()


def test_an_inline_row_cannot_reach_another_councils_record(client, durham, swale, officer):
    mine = ListEntryFactory(council=durham, asset=AssetFactory(council=durham))
    theirs = ReviewFactory(entry=ListEntryFactory(council=swale), requested_on=D(2021, 1, 11))
    client.post(f"{ENTRIES}edit/{mine.pk}/", entry_form(mine, [(theirs.pk, "2021-01-20")]))
    theirs.refresh_from_db()
    assert (theirs.entry.council, theirs.requested_on) == (swale, D(2021, 1, 11))

    their_request = BidderRequestFactory(notice__entry__council=swale)
    entry = ListEntryFactory(council=durham, asset=mine.asset, reference="D-9")
    data = notice_form(entry, [("Hijack Ltd", "charity", "2021-05-07")])
    data["bidder_requests-0-id"] = their_request.pk
    client.post(f"{NOTICES}add/", data)
    their_request.refresh_from_db()
    assert their_request.group_name == "Robin Hood Community Pub Ltd"
    assert their_request.notice.entry.council == swale


@pytest.mark.parametrize("model", ["nomination", "listentry"])
def test_a_bulk_delete_leaves_another_councils_records(client, durham, swale, officer, model):
    factory = NominationFactory if model == "nomination" else ListEntryFactory
    mine, theirs = factory(council=durham), factory(council=swale)
    url = f"/admin/bulk/assets_register/{model}/delete/"
    client.post(f"{url}?id={mine.pk}&id={theirs.pk}")
    client.post(f"{url}?id=all")
    remaining = (Nomination if model == "nomination" else ListEntry).objects.all()
    assert list(remaining) == [theirs]


def test_listing_from_the_admin_lists_only_the_officers_place(client, durham, swale, officer):
    """The whole path an officer follows: the list entry lands on their own place only."""
    mine = NominationFactory(council=durham, asset=AssetFactory(council=durham))
    response = client.post(
        f"{NOMINATIONS}edit/{mine.pk}/",
        nomination_form(mine, outcome="listed", decided_on="2021-02-01"),
    )
    assert response.status_code == 302
    entry = ListEntry.objects.get()
    assert (entry.council, entry.asset.council) == (durham, durham)
    assert entry.asset.events.filter(kind=EventKind.ACV_LISTED).exists()
