"""After nominating, a group knows what happens next; the form says who may nominate
before a kind of group is chosen; a place with a nomination pending is not offered for
nominating again; the eligibility address answers a person with a page."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.core import mail
from django.urls import reverse

from assets_register.models import Clock, period_words

from ..factories import AssetFactory, CouncilFactory, NominationFactory
from .test_nominations import answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def pub():
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    return AssetFactory(name="The Robin Hood", council=council)


def test_receipt_page_and_email_say_what_happens_next(client, pub):
    response = client.post(reverse("nominate_asset", args=[pub.pk]), answers())
    page = client.get(response["Location"]).content.decode()
    (receipt,) = mail.outbox
    listing = period_words(Clock.LISTING)
    for text in (page, receipt.body):
        assert "What happens next" in text
        assert "You will hear: the council writes to you with its decision" in text
        assert f"where it stays for {listing}" in text
        assert "once it has, the nomination shows as under consideration" in text.lower()
    assert 'href="/acv/E06000047/"' in page and 'href="/acv/E06000047/unsuccessful/"' in page
    assert "/acv/E06000047/unsuccessful/" in receipt.body


def test_who_may_nominate_comes_before_the_choice_of_group(client, pub):
    page = client.get(reverse("nominate_asset", args=[pub.pk])).content.decode()
    assert page.index("Who may nominate") < page.index('name="body_type"')
    assert "at least 21 members on the electoral roll" in page
    assert "(optional) <span" not in page and "(optional)</span> <span" not in page
    assert page.count("(optional)") == page.count('<span class="meta">(optional)</span>')


def test_a_pending_nomination_replaces_the_offer_to_nominate(client, pub):
    nominate = reverse("nominate_asset", args=[pub.pk])
    assert f'href="{nominate}"' in client.get(pub.get_absolute_url()).content.decode()
    nomination = NominationFactory(council=pub.council, asset=pub)
    page = client.get(pub.get_absolute_url()).content.decode()
    assert f'href="{nominate}"' not in page
    assert "has been received; the council is checking it" in page
    nomination.accepted_as_valid_on = datetime.date.today()
    nomination.save()  # as the council's officer does: the page cache is cleared
    page = client.get(pub.get_absolute_url()).content.decode()
    assert f'href="{nominate}"' not in page
    assert "County Durham is considering a nomination of The Robin Hood" in page
    assert nomination.decision_due.strftime("%-d %B %Y") in page


def test_eligibility_answers_a_person_with_a_page_and_a_script_with_json(client):
    url = reverse("nomination_eligibility")
    query = {"body_type": "unincorporated", "members_on_roll": "3", "local_connection": "x"}
    page = client.get(url, query, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "<h1>Who may nominate" in html and "(you told us 3)" in html
    assert "Accept" in page["Vary"]
    data = client.get(url, query, headers={"Accept": "application/json"}).json()
    assert not data["eligible"]
    assert client.get(url, query, headers={"Accept": "*/*"}).json()["eligible"] is False


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body_type=st.text(max_size=60),
    members=st.one_of(st.text(max_size=30), st.integers().map(str)),
    connection=st.text(max_size=60),
)
def test_the_eligibility_page_never_fails_on_odd_answers(client, body_type, members, connection):
    query = {"body_type": body_type, "members_on_roll": members, "local_connection": connection}
    query = {k: v.replace("\x00", "") for k, v in query.items()}  # Django's client refuses NULs
    response = client.get(reverse("nomination_eligibility"), query, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "<h1>Who may nominate" in response.content.decode()
