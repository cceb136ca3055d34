"""The deadlines calendar and the officer's dashboard read a council's whole caseload in a
fixed number of queries, however many entries it has: the statutory periods are read once."""

import datetime

import pytest

from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets_register.acv import lists as acv_lists
from assets_register.models import CouncilStaff, Review

from ..factories import (
    AssetFactory,
    BidderRequestFactory,
    CouncilFactory,
    DisposalNoticeFactory,
    ListEntryFactory,
    NominationFactory,
    ReviewFactory,
)

D = datetime.date
TODAY = D(2021, 5, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(name="County Durham")


def caseload(council, entries):
    """Entries with every kind of deadline: review requests, reviews being decided,
    appeals, bid windows and moratoria, and nominations waiting for a decision."""
    for number in range(entries):
        entry = ListEntryFactory(
            council=council,
            asset=AssetFactory(),
            listed_on=D(2021, 3, 1),
            owner_notified_on=D(2021, 3, 8),
        )
        if number % 3 == 0:
            ReviewFactory(entry=entry, requested_on=D(2021, 3, 10))  # overdue
        elif number % 3 == 1:
            ReviewFactory(
                entry=entry,
                requested_on=D(2021, 3, 20),
                outcome=Review.Outcome.UPHELD,
                decided_on=D(2021, 4, 25),
                decision_sent_on=D(2021, 4, 26),
            )
        else:
            BidderRequestFactory(
                notice=DisposalNoticeFactory(entry=entry, received_on=D(2021, 4, 1))
            )
        NominationFactory(council=council, asset=AssetFactory(), received_on=D(2021, 3, 15))


def queries_for(work):
    with CaptureQueriesContext(connection) as captured:
        result = work()
    return len(captured), result


def test_deadlines_take_the_same_few_queries_for_10_or_200_entries(
    council, django_assert_max_num_queries
):
    caseload(council, 10)
    small, found = queries_for(
        lambda: acv_lists.deadlines(TODAY, councils=[council], for_officers=True)
    )
    assert {item.uid.split("-")[0] for item in found} >= {
        "decision", "expiry", "review", "appeal", "interim", "full", "protected"
    }  # fmt: skip
    caseload(council, 190)
    with django_assert_max_num_queries(10):
        large, found = queries_for(
            lambda: acv_lists.deadlines(TODAY, councils=[council], for_officers=True)
        )
    assert large == small
    assert len([item for item in found if item.uid.startswith("expiry-")]) == 200


def test_overdue_reviews_take_the_same_queries_for_10_or_200(council):
    caseload(council, 10)
    small, found = queries_for(lambda: acv_lists.overdue(D(2021, 7, 1), [council]))
    caseload(council, 190)
    large, found_later = queries_for(lambda: acv_lists.overdue(D(2021, 7, 1), [council]))
    assert large == small and len(found_later) > len(found) > 0


def test_the_officer_dashboard_takes_the_same_queries_for_10_or_200_entries(
    client, council, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    officer = User.objects.create_user("officer", "officer@durham.example", "pw")
    officer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["access_admin", "change_nomination", "change_listentry"]
        )
    )
    CouncilStaff.objects.create(user=officer, council=council)
    client.force_login(officer)
    caseload(council, 10)
    small, page = queries_for(lambda: client.get("/admin/").content.decode())
    assert "Review decision due" in page and "Last day to ask to bid" in page
    caseload(council, 190)
    large, page = queries_for(lambda: client.get("/admin/").content.decode())
    assert page.count("Review decision due") > 10
    assert large == small
