"""A council's public list reads the same few queries however long it is, and shows the
same rows as the exports' list_rows: the pending review, appeal, current notice, bidder
and purchase of each entry."""

import datetime

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets_register.acv import lists as acv_lists
from assets_register.models import Appeal, Review

from ..factories import (
    AppealFactory,
    AssetFactory,
    BidderRequestFactory,
    CommunityPurchaseFactory,
    CouncilFactory,
    DisposalNoticeFactory,
    ListEntryFactory,
    NominationFactory,
    ReviewFactory,
)

D = datetime.date
TODAY = D(2021, 5, 20)
pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(gss_code="E06000047", name="County Durham")


@pytest.fixture
def today(monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def caseload(council, entries, start=0):
    """Entries with one of each thing the list shows, or nothing, in turn."""
    for number in range(start, start + entries):
        entry = ListEntryFactory(council=council, asset=AssetFactory(name=f"Place {number:03d}"))
        match number % 6:
            case 0:
                ReviewFactory(entry=entry)  # pending
            case 1:
                ReviewFactory(entry=entry, outcome=Review.Outcome.UPHELD, decided_on=D(2021, 2, 1))
                AppealFactory(entry=entry)  # pending
            case 2:
                BidderRequestFactory(notice=DisposalNoticeFactory(entry=entry))
            case 3:
                DisposalNoticeFactory(entry=entry, received_on=D(2021, 5, 1))
                DisposalNoticeFactory(entry=entry, received_on=D(2019, 5, 1))  # past
            case 4:
                AppealFactory(entry=entry, outcome=Appeal.Outcome.DISMISSED, decided_on=TODAY)
    NominationFactory(council=council, asset=AssetFactory(), accepted_as_valid_on=D(2021, 5, 1))


def shown(row):
    """What the table draws of a row (includes/acv_table.html, acv_sale, acv_challenge)."""
    entry = row.entry
    return (
        entry.reference,
        getattr(entry, "asset_name", None) or entry.asset.name,
        entry.nominating_group,
        entry.listed_on,
        entry.expires_on,
        row.notice and row.notice.pk,
        row.bidder and row.bidder.pk,
        row.purchase and row.purchase.pk,
        str(row.bid_window),
        str(row.moratorium),
        str(row.protected),
        str(row.right_to_buy),
        row.under_right_to_buy,
        row.review and (row.review.pk, row.review.decision_due),
        row.appeal and row.appeal.pk,
    )


def test_the_published_rows_are_the_exports_rows(council):
    caseload(council, 12)
    published = acv_lists.published_rows(council, TODAY)
    assert [shown(row) for row in published] == [
        shown(row) for row in acv_lists.list_rows(council, TODAY)
    ]
    assert sum(bool(row.review) for row in published) == 2
    assert sum(bool(row.appeal) for row in published) == 2
    assert sum(bool(row.bidder) for row in published) == 2
    assert [(row.asset_path, row.entry.asset_name) for row in published] == [
        (row.entry.asset.get_absolute_url(), row.entry.asset.name) for row in published
    ]


def test_a_community_purchase_shows_as_in_list_rows():
    purchase = CommunityPurchaseFactory()
    council, day = purchase.notice.entry.council, purchase.registered_on
    (row,) = acv_lists.published_rows(council, day)
    assert row.purchase == purchase and row.under_right_to_buy
    assert [shown(row)] == [shown(row) for row in acv_lists.list_rows(council, day)]


def page_queries(client, council):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/acv/{council.gss_code}/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_list_page_takes_the_same_queries_for_6_or_60_entries(client, council, today):
    caseload(council, 6)
    small, page = page_queries(client, council)
    assert "Place 005" in page and "The owner has asked the council to review" in page
    caseload(council, 54, start=6)
    large, page = page_queries(client, council)
    assert page.count('<tr id="entry-') == 60
    assert large == small


def test_a_list_with_nothing_pending_takes_one_query_for_its_rows(client, council, today):
    for number in range(30):
        ListEntryFactory(council=council, asset=AssetFactory(name=f"Place {number:03d}"))
    count, page = page_queries(client, council)
    # The council, the rows, the law's periods (two) and the nominations being considered.
    assert count == 5
    assert page.count('<tr id="entry-') == 30
