"""A campaigner reaches all their alerts by one emailed link; the near-me feed is offered
on the alerts page; a stopped alert's manage link says it stopped; the words read well."""

import re

import pytest

from django.core import mail
from django.urls import reverse

from assets_register.alerts.emails import confirm_token
from assets_register.models import Frequency, Subscription

from ..factories import SubscriptionFactory, durham_and_sacriston

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward():
    return durham_and_sacriston()[1]


def test_one_emailed_link_lists_every_alert_of_the_address(client, ward):
    mine = [
        SubscriptionFactory(area=ward, email="jo@example.net"),
        SubscriptionFactory(area=ward.parent, email="jo@example.net", confirmed_at=None),
    ]
    SubscriptionFactory(area=ward, email="someone.else@example.net")
    answer = client.post(reverse("alerts_ask_for_list"), {"email": "Jo@Example.net"})
    assert "we have sent it a link" in answer.content.decode()
    (message,) = mail.outbox
    assert message.to == ["jo@example.net"]
    path = re.search(r"http://testserver(/alerts/mine/\S+/)", message.body).group(1)
    page = client.get(path).content.decode()
    for subscription in mine:
        assert reverse("alerts_manage", args=[subscription.token]) in page
    assert "County Durham" in page and "Sacriston" in page
    assert "not started: confirm the address first" in page
    assert "someone.else" not in page
    assert client.get("/alerts/mine/forged/").status_code == 400


def test_asking_never_reveals_whether_an_address_has_alerts(client, ward):
    SubscriptionFactory(area=ward, email="known@example.net")
    known = client.post(reverse("alerts_ask_for_list"), {"email": "known@example.net"})
    unknown = client.post(reverse("alerts_ask_for_list"), {"email": "new@example.net"})
    assert known.content.decode().replace("known", "X") == unknown.content.decode().replace(
        "new", "X"
    )
    assert [m.to for m in mail.outbox] == [["known@example.net"]]


def test_alerts_page_offers_the_near_me_feed_and_the_list(client):
    page = client.get(reverse("alerts_subscribe")).content.decode()
    assert f'action="{reverse("nearby_feed")}"' in page and 'name="postcode"' in page
    assert f'href="{reverse("alerts_ask_for_list")}"' in page


def test_the_manage_link_after_stopping_says_the_alerts_stopped(client, ward):
    subscription = SubscriptionFactory(area=ward)
    manage = reverse("alerts_manage", args=[subscription.token])
    client.post(reverse("alerts_unsubscribe", args=[subscription.token]))
    assert not Subscription.objects.exists()
    response = client.get(manage)
    assert response.status_code == 410
    assert "These alerts have stopped" in response.content.decode()


def test_confirmation_says_how_often_in_a_sentence(client, ward):
    subscription = SubscriptionFactory(area=ward, frequency=Frequency.WEEKLY, confirmed_at=None)
    page = client.get(reverse("alerts_confirm", args=[confirm_token(subscription)])).content
    assert "You will hear about Sacriston in a weekly digest, on Mondays." in page.decode()


def test_save_and_stop_are_different_buttons_apart(client, ward):
    subscription = SubscriptionFactory(area=ward)
    page = client.get(reverse("alerts_manage", args=[subscription.token])).content.decode()
    assert '<button type="submit">Save changes</button>' in page
    assert '<button type="submit" class="button-danger">Stop these alerts</button>' in page
    assert page.index("Save changes") < page.index('<section class="stop-alerts"')
