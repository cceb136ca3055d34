"""Nominators', owners', occupiers' and subscribers' contact details appear on no public
page, feed, export or API response: every public URL is fetched and scanned for them."""

import datetime

import pytest

from django.contrib.auth.models import User

from assets_register.acv import notices
from assets_register.acv import workflow as acv_workflow
from assets_register.models import EventKind

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    NominationFactory,
    PostcodeLocationFactory,
    SubscriptionFactory,
    durham_and_sacriston,
)

D = datetime.date
pytestmark = pytest.mark.django_db
PRIVATE = (
    "nominator.private@example.org",
    "07700 900123",
    "Pat Private",
    "subscriber.private@example.net",
    "officer.private@example.gov",
    "reporter.private@example.org",
    "Unmoderated words",
    # The recipients of statutory notices, as the nomination gave them and an officer
    # completed them.
    "Olive Owner",
    "9 Private Lane",
    "Oscar Occupier",
    "owner.private@example.org",
)


@pytest.fixture
def register():
    durham, ward = durham_and_sacriston()
    PostcodeLocationFactory(postcode="DH7 6LQ")
    pub = AssetFactory(name="The Red Lion", council=durham, ward=ward)
    officer = User.objects.create_user("officer", "officer.private@example.gov", "pw")
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=pub,
            received_on=D(2021, 1, 4),
            contact_name="Pat Private",
            contact_email="nominator.private@example.org",
            contact_phone="07700 900123",
            owners="Olive Owner, 9 Private Lane, Durham DH1 9ZZ",
            occupants="Oscar Occupier",
        )
    )
    entry = acv_workflow.decide_nomination(
        nomination, listed=True, decided_on=D(2021, 2, 1), user=officer
    )
    owner = entry.notices.get(recipient_role="owner")
    owner.recipient_name, owner.recipient_email = "Olive Owner", "owner.private@example.org"
    owner.save()
    notices.mark_sent(owner, D(2021, 2, 3), "post")
    acv_workflow.record_disposal_notice(entry, D(2021, 4, 30), user=officer)
    refused = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=AssetFactory(council=durham, ward=ward),
            received_on=D(2021, 1, 4),
            contact_name="Pat Private",
            contact_email="nominator.private@example.org",
            contact_phone="07700 900123",
        )
    )
    acv_workflow.decide_nomination(
        refused, listed=False, decided_on=D(2021, 2, 1), reasons="Ancillary use."
    )
    AssetEventFactory(asset=pub, kind=EventKind.AT_RISK, date=D(2021, 3, 1), recorded_by=officer)
    SubscriptionFactory(area=ward, email="subscriber.private@example.net")
    from assets_register.models import Report

    Report.objects.create(
        kind="closed",
        asset=pub,
        council=durham,
        status="pending",
        details="Unmoderated words",
        email="reporter.private@example.org",
    )
    from assets_register.indicators.compute import recompute

    recompute()
    return pub


def public_urls(pub):
    yield from [
        "/",
        "/api/map/?bbox=-1.7,54.7,-1.5,54.9&zoom=16",
        "/search/?q=red+lion",
        "/search/?q=DH7+6LQ",
        pub.get_absolute_url(),
        f"/assets/{pub.pk}/feed.atom",
        f"/assets/{pub.pk}/deadlines.ics",
        "/areas/E05009076/",
        "/areas/E05009076/feed.atom",
        "/areas/E06000047/",
        "/areas/E06000047/feed.atom",
        "/feeds/nearby.atom?postcode=DH7+6LQ&km=5",
        "/acv/E06000047/",
        "/acv/E06000047/unsuccessful/",
        "/acv/E06000047/export.csv",
        "/acv/E06000047/export.csv?part=statutory",
        "/acv/E06000047/export.geojson",
        "/acv/E06000047/deadlines.ics",
        "/about/data/",
        "/alerts/?area=E05009076",
        f"/alerts/?asset={pub.pk}",
        "/report/",
        f"/assets/{pub.pk}/report/",
        "/indicators/",
        "/indicators/ward.csv",
        "/indicators/compare/?a=E05009076&b=E06000047",
        "/api/assets",
        f"/api/assets/{pub.pk}",
        "/api/events",
        "/api/areas",
        "/api/areas/E05009076",
        "/api/areas/E06000047",
        "/api/acv/E06000047/entries",
        "/api/openapi.json",
        "/api/docs",
        "/downloads/register.csv",
        "/downloads/register.geojson",
        "/downloads/register.csv?area=E05009076",
    ]


def test_no_contact_details_on_any_public_url(client, register):
    for url in public_urls(register):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        text = body.decode()
        for private in PRIVATE:
            assert private not in text, f"{private} appears at {url}"
