"""Two officers with the same record open: the second to save from an older page is
refused, told who saved in between and when, and nothing of theirs is written; the place
is never left on both lists with contradictory timeline events."""

import datetime

import pytest

from django.contrib.auth.models import Permission, User
from django.test import Client

from assets_register.models import CouncilStaff, EventKind, ListEntry, Nomination

from ..concurrency import at_once
from ..factories import AssetFactory, CouncilFactory, DisposalNoticeFactory, NominationFactory
from ..forms import form_values

D = datetime.date
NOMINATIONS = "/admin/snippets/assets_register/nomination/"
ENTRIES = "/admin/snippets/assets_register/listentry/"
NOTICES = "/admin/snippets/assets_register/disposalnotice/"
PERMISSIONS = [
    "access_admin",
    *(f"{verb}_{model}" for verb in ("view", "change") for model in ("nomination", "listentry")),
    "view_disposalnotice",
    "change_disposalnotice",
]


@pytest.fixture
def durham():
    return CouncilFactory(name="County Durham")


def officer_of(council, first_name):
    user = User.objects.create_user(
        first_name.lower(), f"{first_name.lower()}@durham.example", "pw", first_name=first_name
    )
    user.last_name = "Officer"
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=PERMISSIONS))
    CouncilStaff.objects.create(user=user, council=council)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ann_and_bob(durham):
    return officer_of(durham, "Ann"), officer_of(durham, "Bob")


def pending(council):
    return NominationFactory(
        council=council, asset=AssetFactory(council=council), received_on=D(2024, 3, 1)
    )


LISTED = {"outcome": "listed", "decided_on": "2024-04-15", "decision_reasons": "Meets s.88."}
NOT_LISTED = {
    "outcome": "unsuccessful",
    "decided_on": "2024-04-16",
    "decision_reasons": "Ancillary use only.",
}


def assert_refused(response, model_name, who):
    assert response.status_code == 200
    page = response.content.decode()
    assert f"This {model_name} was changed after you opened it" in page
    assert f"last saved by {who} at " in page
    assert "Your changes have not been saved" in page


@pytest.mark.django_db
def test_a_decision_from_an_older_page_is_refused_and_names_who_decided(durham, ann_and_bob):
    ann, bob = ann_and_bob
    item = pending(durham)
    url = f"{NOMINATIONS}edit/{item.pk}/"
    anns_page, bobs_page = (form_values(c.get(url).content.decode()) for c in (ann, bob))

    assert ann.post(url, {**anns_page, **LISTED}).status_code == 302
    assert_refused(bob.post(url, {**bobs_page, **NOT_LISTED}), "nomination", "Ann Officer")

    item.refresh_from_db()
    assert (item.outcome, item.decided_on) == ("listed", D(2024, 4, 15))
    kinds = list(item.asset.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ACV_LISTED) == 1 and EventKind.ACV_NOT_LISTED not in kinds
    assert ListEntry.objects.filter(nomination=item).count() == 1
    # Opened again, the page shows the decision and saves normally.
    fresh = form_values(bob.get(url).content.decode())
    assert fresh["outcome"] == "listed"
    assert bob.post(url, {**fresh, "council_reference": "ACV/24/7"}).status_code == 302
    assert Nomination.objects.get(pk=item.pk).council_reference == "ACV/24/7"


@pytest.mark.django_db
def test_a_list_entry_saved_from_an_older_page_is_refused(durham, ann_and_bob, list_place):
    ann, bob = ann_and_bob
    entry = list_place(durham, AssetFactory(council=durham))
    url = f"{ENTRIES}edit/{entry.pk}/"
    anns_page, bobs_page = (form_values(c.get(url).content.decode()) for c in (ann, bob))

    assert ann.post(url, {**anns_page, "owner_notified_on": "2020-12-16"}).status_code == 302
    stale = {**bobs_page, "removed_on": "2021-03-01", "removal_reason": "no_longer_of_value"}
    assert_refused(bob.post(url, stale), "list entry", "Ann Officer")

    entry.refresh_from_db()
    assert (entry.owner_notified_on, entry.removed_on) == (D(2020, 12, 16), None)


@pytest.mark.django_db
def test_a_disposal_notice_saved_from_an_older_page_is_refused(durham, ann_and_bob, list_place):
    ann, bob = ann_and_bob
    notice = DisposalNoticeFactory(entry=list_place(durham, AssetFactory(council=durham)))
    url = f"{NOTICES}edit/{notice.pk}/"
    anns_page, bobs_page = (form_values(c.get(url).content.decode()) for c in (ann, bob))

    withdrawn = {**anns_page, "outcome": "withdrawn", "outcome_on": "2021-05-20"}
    assert ann.post(url, withdrawn).status_code == 302
    sold = {**bobs_page, "outcome": "sold_to_other", "outcome_on": "2022-01-10"}
    assert_refused(bob.post(url, sold), "disposal notice", "Ann Officer")

    notice.refresh_from_db()
    assert (notice.outcome, notice.entry.removed_on) == ("withdrawn", None)


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_one_nomination_at_the_same_moment(shared_database, durham):
    officers = officer_of(durham, "Ann"), officer_of(durham, "Bob")
    item = pending(durham)
    url = f"{NOMINATIONS}edit/{item.pk}/"
    pages = [form_values(officer.get(url).content.decode()) for officer in officers]
    decisions = [{**pages[0], **LISTED}, {**pages[1], **NOT_LISTED}]

    responses = at_once(2, lambda n: officers[n].post(url, decisions[n]))

    assert sorted(r.status_code for r in responses) == [200, 302]
    (refused,) = [r for r in responses if r.status_code == 200]
    assert "was changed after you opened it" in refused.content.decode()
    item.refresh_from_db()
    kinds = list(item.asset.events.values_list("kind", flat=True))
    if item.outcome == "listed":
        assert kinds.count(EventKind.ACV_LISTED) == 1 and EventKind.ACV_NOT_LISTED not in kinds
        assert ListEntry.objects.filter(nomination=item).count() == 1
    else:
        assert item.outcome == "unsuccessful"
        assert kinds.count(EventKind.ACV_NOT_LISTED) == 1 and EventKind.ACV_LISTED not in kinds
        assert not ListEntry.objects.exists()
