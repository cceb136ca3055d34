"""An email address is normalised once, the same way for the per-address limits and for what
the forms store, so padding an address never buys another allowance of emails to it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.core import mail

from assets_register.core.emails import email_subject, normalise_email
from assets_register.models import Nomination, Report, ReportStatus, Subscription

from ..acv.test_nominations import answers
from ..factories import AssetFactory, PostcodeLocationFactory, durham_and_sacriston
from ..reports.test_reports import moderator

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


BROKEN_NAME = "The Robin\r\nHood\n\nBcc: everyone@example.org"
FOLDED_NAME = "The Robin Hood Bcc: everyone@example.org"


def test_a_line_break_in_a_nominated_name_still_sends_the_receipt(client, place):
    response = client.post(
        f"/assets/{place.pk}/nominate/", answers(land_name=BROKEN_NAME, contact_email="jo@x.org")
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(contact_email="jo@x.org")
    receipt = mail.outbox[-1]
    assert receipt.to == ["jo@x.org"]
    assert receipt.subject == f"Nomination received: {FOLDED_NAME} ({nomination.reference})"


def test_a_line_break_in_a_reported_name_still_sends_the_confirmation(client, place):
    PostcodeLocationFactory(postcode="DH7 6LQ")
    moderator("durham", council=place.council)
    data = {
        "kind": "missing",
        "place_name": BROKEN_NAME,
        "category": "community_centre",
        "postcode": "DH7 6LQ",
        "details": "Open every day.",
        "email": "r@example.org",
    }
    assert client.post("/report/", data).status_code == 200
    (message,) = mail.outbox
    assert message.subject == f"Confirm your report about {FOLDED_NAME}"
    link = message.body.split("http://testserver", 1)[1].split()[0]
    assert "your report is with the moderators" in client.get(link).content.decode()
    assert Report.objects.get().status == ReportStatus.PENDING
    waiting = mail.outbox[1]
    assert waiting.subject == f"A resident's report is waiting: {FOLDED_NAME} (County Durham)"


def test_a_line_break_in_an_imported_area_name_still_sends_the_alert_confirmation(client, place):
    place.council.children.update(name="Sacriston\nand Witton")
    subscribe(client, place, "a@example.org")
    assert [m.subject for m in mail.outbox] == ["Confirm your alerts for Sacriston and Witton"]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Plain", "Plain"),
        ("  Tabs\tand\x0bform\x0cfeeds\x1c ", "Tabs and form feeds"),
        ("Line\u2028and\u2029paragraph\x85separators", "Line and paragraph separators"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_subjects_are_one_line_of_sensible_length(text, subject):
    assert email_subject(text) == subject
