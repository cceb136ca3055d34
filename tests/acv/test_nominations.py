"""Residents nominate through the public form; their contact details stay private."""

import pytest

from django.core import mail
from django.test import Client
from django.urls import reverse

from assets_register.models import Nomination

from ..concurrency import at_once
from ..factories import AssetFactory, CouncilFactory
from ..forms import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def pub():
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    return AssetFactory(name="The Robin Hood", council=council)


def answers(**overrides):
    data = {
        "land_name": "The Robin Hood",
        "land_address": "Front Street, DH7 6LQ",
        "land_description": "The pub, its car park and beer garden.",
        "occupants": "The tenant landlord",
        "owners": "Pubco Ltd, 1 Brewery Yard, Leeds",
        "current_use": "The only pub in the village; the quiz and walking club meet there.",
        "future_use": "A community benefit society is ready to run it.",
        "body_name": "Friends of the Robin Hood",
        "body_type": "unincorporated",
        "body_number": "",
        "members_on_roll": "25",
        "local_connection": "We all live here.",
        "contact_name": "Jo Bloggs",
        "contact_email": "jo.bloggs@example.org",
        "contact_phone": "07700 900123",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_resident_nominates_and_gets_a_reference_and_an_email_receipt(client, pub):
    url = reverse("nominate_asset", args=[pub.pk])
    assert "The Robin Hood" in client.get(url).content.decode()
    response = client.post(url, answers())
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("nomination_received", args=[nomination.reference])
    page = client.get(response["Location"]).content.decode()
    assert nomination.reference in page and "County Durham must decide" in page
    assert (nomination.asset, nomination.council.name) == (pub, "County Durham")
    (receipt,) = mail.outbox
    assert receipt.to == ["jo.bloggs@example.org"]
    assert nomination.reference in receipt.subject
    assert "must decide whether to list it by" in receipt.body
    for public_page in (
        page,
        client.get(pub.get_absolute_url()).content.decode(),
        client.get(reverse("acv_list", args=["E06000047"])).content.decode(),
    ):
        assert "jo.bloggs@example.org" not in public_page and "07700" not in public_page
    # Published once the council accepts it as valid (tests/acv/test_pending_nominations.py).
    listing = client.get(reverse("acv_list", args=["E06000047"])).content.decode()
    assert "Friends of the Robin Hood" not in listing


def test_eligibility_problems_are_explained_on_the_form(client, pub):
    response = client.post(
        reverse("nominate_asset", args=[pub.pk]), answers(members_on_roll="12", local_connection="")
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert "at least 21 members" in page and "(you told us 12)" in page
    assert "This field is required" in page  # local connection


def test_more_members_than_a_column_holds_is_answered_on_the_form(client, pub):
    response = client.post(
        reverse("nominate_asset", args=[pub.pk]), answers(members_on_roll=str(2**31))
    )
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert "less than or equal to 2147483647" in response.content.decode()


def test_the_eligibility_endpoint_answers_as_the_form_is_filled_in(client):
    url = reverse("nomination_eligibility")
    assert client.get(url, {"body_type": "charity", "local_connection": "Sacriston"}).json() == {
        "eligible": True,
        "problems": [],
    }
    data = client.get(
        url, {"body_type": "unincorporated", "members_on_roll": "3", "local_connection": "x"}
    ).json()
    assert not data["eligible"] and "at least 21 members" in data["problems"][0]


def test_a_filled_honeypot_is_thanked_and_dropped(client, pub):
    response = client.post(
        reverse("nominate_asset", args=[pub.pk]), answers(website="http://spam.example")
    )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert not Nomination.objects.exists() and not mail.outbox


def test_nominations_are_rate_limited_per_address_and_per_email(client, pub, settings):
    settings.NOMINATION_RATE_PER_IP = "2/h"
    settings.NOMINATION_RATE_PER_EMAIL = "100/h"
    url = reverse("nominate_asset", args=[pub.pk])
    for _ in range(2):
        assert client.post(url, answers()).status_code == 302
    blocked = client.post(url, answers())
    assert blocked.status_code == 429 and "try again" in blocked.content.decode()
    assert Nomination.objects.count() == 2
    settings.NOMINATION_RATE_PER_IP = "100/h"
    settings.NOMINATION_RATE_PER_EMAIL = "1/h"
    other = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.post(url, answers(contact_email="x@example.org"), **other).status_code == 302
    assert client.post(url, answers(contact_email="X@Example.org"), **other).status_code == 429


def test_a_new_place_can_be_nominated_from_the_council_list(client, pub):
    response = client.post(
        reverse("nominate_new", args=["E06000047"]),
        answers(land_name="Witton Gilbert Village Hall"),
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.asset is None and nomination.land_name == "Witton Gilbert Village Hall"
    assert client.get(reverse("nominate_new", args=["E09999999"])).status_code == 404


def test_forms_need_a_csrf_token(pub):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("nominate_asset", args=[pub.pk]), answers()).status_code == 403


def filled_in(client, url, **overrides):
    """The form as the page gives it (hidden fields included), answered."""
    page = form_values(client.get(url).content.decode(), "form.nomination-form")
    return {**page, **answers(**overrides)}


def test_sending_the_same_page_twice_makes_one_nomination(client, pub):
    """A double click, or back and send again: the same receipt, not a second nomination."""
    url = reverse("nominate_asset", args=[pub.pk])
    sent = filled_in(client, url)
    first = client.post(url, sent)
    again = client.post(url, sent)
    corrected = client.post(url, {**sent, "body_name": "Friends of the Robin Hood Inn"})
    nomination = Nomination.objects.get()
    receipt = reverse("nomination_received", args=[nomination.reference])
    assert [r.status_code for r in (first, again, corrected)] == [302] * 3
    assert {r["Location"] for r in (first, again, corrected)} == {receipt}
    assert nomination.body_name == "Friends of the Robin Hood"
    assert len(mail.outbox) == 1
    # A fresh page is a fresh nomination: a group may nominate two places.
    assert client.post(url, filled_in(client, url, land_name="The Car Park")).status_code == 302
    assert Nomination.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_page_sent_twice_at_the_same_moment_makes_one_nomination(shared_database, pub):
    """Both requests carry the same page; whichever the database takes second finds the
    first's nomination (on PostgreSQL through the unique token, as they overlap)."""
    url = reverse("nominate_asset", args=[pub.pk])
    sent = filled_in(Client(), url)
    responses = at_once(2, lambda _n: Client().post(url, sent))
    nomination = Nomination.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {
        reverse("nomination_received", args=[nomination.reference])
    }
