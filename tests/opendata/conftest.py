"""The published register the open-data tests read: places, areas, a listing, and the
private details that must never leave."""

import datetime
from types import SimpleNamespace

import pytest

from django.contrib.auth.models import User
from django.utils import timezone

from assets_register.acv import workflow as acv_workflow
from assets_register.law.eligibility import BodyType
from assets_register.models import AreaKind, Category, EventKind

from ..factories import (
    AreaFactory,
    AreaIndicatorFactory,
    AssetEventFactory,
    AssetFactory,
    IndicatorSnapshotFactory,
    NominationFactory,
    SubscriptionFactory,
    durham_and_sacriston,
    square,
)

D = datetime.date


def build_published_register():
    """Durham with a ward and an LSOA; a pub on the list of assets of community value with
    a notice to sell and a bidder; a closed library; an OpenStreetMap pub; an unpublished
    place; and the private details that must never appear."""
    today = timezone.localdate()
    durham, ward = durham_and_sacriston()
    lsoa = AreaFactory(
        name="County Durham 006A",
        gss_code="E01020600",
        kind=AreaKind.LSOA,
        parent=durham,
        boundary=square(-1.64, 54.81, -1.62, 54.82),
    )
    other_ward = AreaFactory(
        name="Esh", gss_code="E05009077", parent=durham, boundary=square(-1.75, 54.75, -1.70, 54.80)
    )
    officer = User.objects.create_user("officer", "officer.private@example.gov", "pw")
    pub = AssetFactory(
        name="The Red Lion",
        council=durham,
        ward=ward,
        lsoa=lsoa,
        address="1 Front Street, Sacriston",
    )
    AssetEventFactory(asset=pub, kind=EventKind.OPENED, date=D(1890, 1, 1), date_precision="year")
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=pub,
            received_on=today - datetime.timedelta(days=150),
            contact_name="Pat Private",
            contact_email="nominator.private@example.org",
            contact_phone="07700 900123",
        )
    )
    entry = acv_workflow.decide_nomination(
        nomination, listed=True, decided_on=today - datetime.timedelta(days=100), user=officer
    )
    notice = acv_workflow.record_disposal_notice(
        entry, today - datetime.timedelta(days=20), user=officer
    )
    acv_workflow.record_bidder_request(
        notice,
        group_name="Sacriston Community Pub Ltd",
        group_type=BodyType.COOPERATIVE,
        received_on=today - datetime.timedelta(days=10),
        user=officer,
    )
    refused = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=AssetFactory(name="The Robin Hood", council=durham, ward=ward),
            received_on=today - datetime.timedelta(days=150),
            contact_name="Pat Private",
            contact_email="nominator.private@example.org",
            contact_phone="07700 900123",
        )
    )
    acv_workflow.decide_nomination(
        refused,
        listed=False,
        decided_on=today - datetime.timedelta(days=100),
        reasons="Ancillary use.",
    )
    library = AssetFactory(
        name="Sacriston Library",
        category=Category.LIBRARY,
        council=durham,
        ward=ward,
        latitude="54.817000",
        longitude="-1.627000",
    )
    AssetEventFactory(
        asset=library,
        kind=EventKind.CLOSED,
        date=D(2019, 3, 1),
        date_precision="month",
        recorded_by=officer,
        note="Closed after the council's library review.",
    )
    osm_pub = AssetFactory(
        name="The Daleside Arms",
        council=durham,
        ward=other_ward,
        source="osm-pubs",
        source_ref="node/42",
        osm_id="42",
        latitude="54.780000",
        longitude="-1.720000",
    )
    unlocated = AssetFactory(
        name="Esh Village Hall",
        category=Category.COMMUNITY_CENTRE,
        council=durham,
        ward=other_ward,
        latitude=None,
        longitude=None,
        location_source="none",
    )
    draft = AssetFactory(name="Unpublished Hall", council=durham, ward=ward, live=False)
    SubscriptionFactory(area=ward, email="subscriber.private@example.net")
    old = IndicatorSnapshotFactory(computed_at=timezone.now() - datetime.timedelta(days=30))
    AreaIndicatorFactory(snapshot=old, area=ward, open_now=9)
    latest = IndicatorSnapshotFactory()
    AreaIndicatorFactory(snapshot=latest, area=ward, open_now=2)
    return SimpleNamespace(
        durham=durham,
        ward=ward,
        lsoa=lsoa,
        other_ward=other_ward,
        pub=pub,
        library=library,
        osm_pub=osm_pub,
        unlocated=unlocated,
        draft=draft,
        entry=entry,
        notice=notice,
        officer=officer,
        refused=refused.asset,
    )


@pytest.fixture
def register():
    return build_published_register()
