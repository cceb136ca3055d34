"""The national page of every council's lists: figures per council, a map of listed
places, linked from the home page and the footer, with bounded queries."""

import datetime
import json
import re

import pytest

from django.urls import reverse

from assets_register.models import DisposalNotice, Nomination

from ..factories import (
    AssetFactory,
    BidderRequestFactory,
    CommunityPurchaseFactory,
    CouncilFactory,
    DisposalNoticeFactory,
    ListEntryFactory,
    NominationFactory,
)

pytestmark = pytest.mark.django_db


def _figures(page, council_name):
    row = re.search(rf">{council_name}</a></th>(.*?)</tr>", page, re.S).group(1)
    return [int(n) for n in re.findall(r">(\d+)<", row)]


def test_every_council_with_figures_and_a_map(client, django_assert_max_num_queries):
    durham, slough = CouncilFactory(name="County Durham"), CouncilFactory(name="Slough")
    CouncilFactory(name="Quiet Borough")
    today = datetime.date.today()
    entries = [
        ListEntryFactory(
            council=durham,
            asset=AssetFactory(name=f"Pub {n}", council=durham),
            listed_on=today - datetime.timedelta(days=30),
        )
        for n in range(3)
    ]
    ListEntryFactory(  # removed: no longer listed
        council=durham,
        listed_on=today - datetime.timedelta(days=30),
        removed_on=today - datetime.timedelta(days=1),
        removal_reason="review",
    )
    NominationFactory(council=durham, accepted_as_valid_on=today)
    NominationFactory(council=durham)  # not yet accepted as valid: not published
    NominationFactory(council=slough, outcome=Nomination.Outcome.UNSUCCESSFUL, decided_on=today)
    sold = DisposalNoticeFactory(
        entry=entries[0], outcome=DisposalNotice.Outcome.SOLD_TO_COMMUNITY, outcome_on=today
    )
    BidderRequestFactory(notice=sold)
    DisposalNoticeFactory(entry=entries[1])
    CommunityPurchaseFactory(notice=DisposalNoticeFactory(entry=entries[2]))

    with django_assert_max_num_queries(12):
        page = client.get(reverse("acv_national")).content.decode()
    # listed, under consideration, unsuccessful, notices, bids, community purchases
    assert _figures(page, "County Durham") == [3, 1, 0, 3, 2, 1]
    assert _figures(page, "Slough") == [0, 0, 1, 0, 0, 0]
    assert "1 other council with nothing recorded here yet" in page and "Quiet Borough" in page
    places = json.loads(re.search(r'id="acv-listed-places"[^>]*>(.*?)</script>', page).group(1))
    assert sorted(f["properties"]["name"] for f in places["features"]) == [
        "Pub 0",
        "Pub 1",
        "Pub 2",
    ]


def test_linked_from_home_and_footer(client):
    page = client.get(reverse("home")).content.decode()
    assert page.count(f'href="{reverse("acv_national")}"') == 2
