"""An email address is normalised once, the same way for the per-address limits and for what
the forms store, so padding an address never buys another allowance of emails to it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.core import mail

from assets_register.core.emails import normalise_email
from assets_register.models import Nomination, Report, Subscription

from ..acv.test_nominations import answers
from ..factories import AssetFactory, durham_and_sacriston

pytestmark = pytest.mark.django_db
VICTIM = "victim@example.org"
# Each reaches the same mailbox: surrounding blanks, letter case, invisible characters
# copied in with an address, and full-width letters (IDNA maps them to ASCII when sending).
PADDED = [
    f" {VICTIM}",
    f"{VICTIM} ",
    f"\t{VICTIM}",
    "Victim@EXAMPLE.org",
    f"\u200b{VICTIM}\ufeff",
    "victim@ｅｘａｍｐｌｅ.org",
    "ｖictim@example.ｏｒｇ",
]


@pytest.fixture
def place():
    return AssetFactory(council=durham_and_sacriston()[0])


def nominate(client, place, email):
    return client.post(f"/assets/{place.pk}/nominate/", answers(contact_email=email))


def report(client, place, email):
    data = {"kind": "closed", "happened_on": "2026-11-20", "details": "Shut.", "email": email}
    return client.post(f"/assets/{place.pk}/report/", data)


def subscribe(client, place, email):
    data = {"area": place.council.children.get().gss_code, "email": email, "wants_closures": "on"}
    return client.post("/alerts/", {**data, "frequency": "immediately"})


FORMS = {
    "nominations": (nominate, "NOMINATION", Nomination, "contact_email"),
    "reports": (report, "REPORT", Report, "email"),
    "alerts": (subscribe, "ALERT", Subscription, "email"),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("padding", [PADDED[:3], PADDED[3:6], PADDED[4:]])
def test_the_fourth_padded_submission_for_one_address_in_an_hour_is_refused(
    client, settings, place, form, padding
):
    submit, prefix, model, field = FORMS[form]
    setattr(settings, f"{prefix}_RATE_PER_IP", "100/h")
    setattr(settings, f"{prefix}_RATE_PER_EMAIL", "3/h")
    accepted = [submit(client, place, email).status_code for email in [VICTIM, *padding[:2]]]
    assert all(code in (200, 302) for code in accepted)
    assert submit(client, place, padding[2]).status_code == 429
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {VICTIM}
    assert set(model.objects.values_list(field, flat=True)) == {VICTIM}


def test_what_normalising_keeps_and_folds():
    assert normalise_email("  Jo.Bloggs+acv@Example.ORG\n") == "jo.bloggs+acv@example.org"
    assert normalise_email("\u2060jo@example.org\u200d") == "jo@example.org"
    assert normalise_email(None) == normalise_email("") == ""


@given(st.text())
def test_normalising_is_idempotent_and_never_fails(text):
    once = normalise_email(text)
    assert normalise_email(once) == once
    assert once == once.strip()
