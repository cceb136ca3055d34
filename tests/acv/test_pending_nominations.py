"""A nomination under consideration is published (the council's list, its calendar, the
place's timeline, feeds, alerts and the API) only once the council accepts it as valid,
unless the site publishes nominations on receipt."""

import datetime
import importlib
from pathlib import Path

import pytest

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from assets_register.models import CouncilStaff, EventKind, Nomination
from assets_register.staff.roles import OFFICER

from ..factories import AssetFactory, CouncilFactory, NominationFactory
from .test_admin import NOMINATIONS, nomination_form
from .test_nominations import answers

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = D(2021, 1, 4)  # NominationFactory's received_on


@pytest.fixture
def pub(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    return AssetFactory(name="The Robin Hood", council=council)


def public_views(client, pub):
    """What the public sees of the place and its council, as one text."""
    return "\n".join(
        client.get(url).content.decode()
        for url in (
            reverse("acv_list", args=["E06000047"]),
            reverse("acv_deadlines", args=["E06000047"]),
            reverse("asset_deadlines", args=[pub.pk]),
            pub.get_absolute_url(),
            reverse("asset_feed", args=[pub.pk]),
            f"/api/events?asset={pub.pk}",
        )
    )


def nominate(client, pub):
    client.post(reverse("nominate_asset", args=[pub.pk]), answers())
    return Nomination.objects.get()


def test_a_submitted_nomination_is_public_only_once_the_council_accepts_it(client, pub):
    nomination = nominate(client, pub)
    assert "Friends of the Robin Hood" not in public_views(client, pub)
    assert "Decision due" not in public_views(client, pub)
    assert not pub.events.filter(kind=EventKind.ACV_NOMINATED).exists()

    officer = User.objects.create_user("officer", "o@durham.example", "pw")
    officer.groups.add(Group.objects.get(name=OFFICER))
    CouncilStaff.objects.create(user=officer, council=pub.council)
    client.force_login(officer)
    response = client.post(
        f"{NOMINATIONS}edit/{nomination.pk}/",
        nomination_form(nomination, accepted_as_valid_on="2021-01-06", members_on_roll="25"),
    )
    assert response.status_code == 302
    client.logout()
    seen = public_views(client, pub)
    assert "Friends of the Robin Hood" in seen and "Decision due: The Robin Hood" in seen
    (event,) = pub.events.filter(kind=EventKind.ACV_NOMINATED)
    assert event.date == TODAY and "/admin/snippets/assets_register/asset/" not in seen


def test_acceptance_cannot_come_before_receipt(client, pub):
    nomination = NominationFactory(council=pub.council, asset=pub)
    officer = User.objects.create_user("officer", "o@durham.example", "pw")
    officer.groups.add(Group.objects.get(name=OFFICER))
    CouncilStaff.objects.create(user=officer, council=pub.council)
    client.force_login(officer)
    page = client.post(
        f"{NOMINATIONS}edit/{nomination.pk}/",
        nomination_form(nomination, accepted_as_valid_on="2021-01-01"),
    ).content.decode()
    assert "can be accepted only after it arrived" in page


def test_a_site_can_publish_nominations_on_receipt(client, pub, settings):
    settings.ACV_SHOW_NOMINATIONS_ON_RECEIPT = True
    nominate(client, pub)
    assert "Friends of the Robin Hood" in public_views(client, pub)
    assert pub.events.filter(kind=EventKind.ACV_NOMINATED).exists()


def test_a_decided_nomination_is_public_without_a_recorded_acceptance(client, pub, list_place):
    entry = list_place(pub.council, pub, received_on=D(2020, 11, 2))
    assert entry.nomination.accepted_as_valid_on is None
    kinds = set(pub.events.values_list("kind", flat=True))
    assert {EventKind.ACV_NOMINATED, EventKind.ACV_LISTED} <= kinds


def test_the_migration_counts_historic_decided_nominations_as_accepted(pub):
    decided = NominationFactory(
        council=pub.council, outcome="unsuccessful", decided_on=D(2021, 2, 1)
    )
    waiting = NominationFactory(council=pub.council)
    migration = next(
        (Path(__file__).parents[2] / "assets_register" / "migrations").glob(
            "*_nomination_accepted_as_valid_on.py"
        )
    )
    module = importlib.import_module(f"assets_register.migrations.{migration.stem}")
    module.accept_decided_nominations(apps, None)
    decided.refresh_from_db(), waiting.refresh_from_db()
    assert decided.accepted_as_valid_on == decided.received_on
    assert waiting.accepted_as_valid_on is None


def test_the_receipt_page_is_for_the_nominator_until_the_nomination_is_public(client, pub):
    nomination = nominate(client, pub)
    receipt = reverse("nomination_received", args=[nomination.reference])
    assert "County Durham must decide" in client.get(receipt).content.decode()
    stranger = Client()
    assert stranger.get(receipt).status_code == 404  # references are easy to guess
    Nomination.objects.filter(pk=nomination.pk).update(accepted_as_valid_on=TODAY)
    assert stranger.get(receipt).status_code == 200
