"""Subscribing with double opt-in, changing and stopping alerts, and the Atom feeds."""

import datetime
import re

import feedparser
import pytest

from django.core import mail
from django.core.cache import cache

from assets_register.models import EventKind, Subscription

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    ListEntryFactory,
    NominationFactory,
    PostcodeLocationFactory,
    SubscriptionFactory,
    durham_and_sacriston,
)

D = datetime.date
pytestmark = pytest.mark.django_db
CHOICES = {"wants_closures": "on", "wants_disposals": "on", "frequency": "immediately"}


@pytest.fixture
def ward():
    return durham_and_sacriston()[1]


def link_in(message, pattern):
    return re.search(rf"http://testserver(/alerts/{pattern}/[^/\s]+/)", message.body).group(1)


def test_alerts_start_only_after_the_address_is_confirmed(client, ward):
    response = client.post(
        "/alerts/?area=E05009076",
        {"area": "E05009076", "email": "Campaigner@Example.net", **CHOICES},
    )
    assert "Check your email" in response.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.area, subscription.confirmed_at) == (
        "campaigner@example.net",
        ward,
        None,
    )
    assert not Subscription.objects.confirmed().exists()
    [message] = mail.outbox
    assert message.subject == "Confirm your alerts for Sacriston"
    page = client.get(link_in(message, "confirm")).content.decode()
    assert "Your alerts have started" in page
    assert Subscription.objects.confirmed().get() == subscription
    assert client.get("/alerts/confirm/not-a-token/").status_code == 400


def test_subscribing_never_reveals_whether_an_address_is_subscribed(client, ward):
    SubscriptionFactory(area=ward, email="known@example.net")
    known = client.post(
        "/alerts/", {"area": "E05009076", "email": "known@example.net", **CHOICES}
    ).content.decode()
    new = client.post(
        "/alerts/", {"area": "E05009076", "email": "new@example.net", **CHOICES}
    ).content.decode()
    assert known.replace("known@", "new@") == new
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "known@example.net": "You already get alerts for Sacriston",
        "new@example.net": "Confirm your alerts for Sacriston",
    }
    assert Subscription.objects.filter(email="known@example.net").count() == 1


def test_a_circle_round_a_postcode(client, ward):
    PostcodeLocationFactory(postcode="DH7 6LQ")
    page = client.post(
        "/alerts/", {"postcode": "dh76lq", "radius_km": "25", "email": "a@example.net", **CHOICES}
    ).content.decode()
    assert "Ensure this value is less than or equal to 20" in page
    page = client.post(
        "/alerts/", {"postcode": "ZZ1 1ZZ", "radius_km": "2", "email": "a@example.net", **CHOICES}
    ).content.decode()
    assert "ZZ1 1ZZ is not covered yet" in page
    client.post(
        "/alerts/", {"postcode": "dh76lq", "radius_km": "2.5", "email": "a@example.net", **CHOICES}
    )
    circle = Subscription.objects.get()
    assert (circle.postcode, circle.radius_km, circle.scope_name) == (
        "DH7 6LQ",
        2.5,
        "2.5 km round DH7 6LQ",
    )
    assert circle.min_latitude < 54.816 < circle.max_latitude


def test_the_form_asks_for_at_least_one_kind_of_news(client, ward):
    page = client.post(
        "/alerts/", {"area": "E05009076", "email": "a@example.net", "frequency": "daily"}
    ).content.decode()
    assert "Choose at least one kind of news." in page
    assert not Subscription.objects.exists()


def test_one_click_unsubscribe_by_post_and_never_by_a_link_checker(client, ward):
    subscription = SubscriptionFactory(area=ward)
    url = f"/alerts/unsubscribe/{subscription.token}/"
    assert "Stop alerts for Sacriston?" in client.get(url).content.decode()
    assert Subscription.objects.exists()  # a GET (a link checker) changes nothing
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert client.post(url).status_code == 200  # twice is fine


def test_the_manage_link_changes_what_and_how_often(client, ward):
    subscription = SubscriptionFactory(area=ward)
    url = f"/alerts/manage/{subscription.token}/"
    page = client.post(url, {"wants_acv": "on", "frequency": "weekly"}).content.decode()
    assert "Saved." in page
    subscription.refresh_from_db()
    assert subscription.topics == ["acv"] and subscription.frequency == "weekly"
    assert client.get("/alerts/manage/wrong/").status_code == 410  # stopped, or never was


def test_subscribing_is_rate_limited_per_address(client, ward, settings):
    settings.ALERT_RATE_PER_EMAIL = "2/h"
    cache.clear()
    for _ in range(2):
        assert (
            client.post(
                "/alerts/", {"area": "E05009076", "email": "x@example.net", **CHOICES}
            ).status_code
            == 200
        )
    assert (
        client.post(
            "/alerts/", {"area": "E05009076", "email": "x@example.net", **CHOICES}
        ).status_code
        == 429
    )


def test_robots_filling_the_honeypot_are_told_nothing_and_stored_nowhere(client, ward):
    page = client.post(
        "/alerts/",
        {
            "area": "E05009076",
            "email": "bot@example.net",
            "website": "http://spam.example",
            **CHOICES,
        },
    )
    assert "Check your email" in page.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


def test_the_ward_feed_is_valid_atom_with_no_personal_data(client, ward):
    pub = AssetFactory(name="The Red Lion", council=ward.parent, ward=ward)
    NominationFactory(
        council=ward.parent,
        asset=pub,
        contact_email="private@example.org",
        contact_phone="07700 900123",
    )
    SubscriptionFactory(area=ward, email="subscriber@example.net")
    AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    AssetEventFactory(asset=pub, kind=EventKind.AT_RISK, date=D(2021, 1, 5))
    response = client.get("/areas/E05009076/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    for private in ("private@example.org", "07700 900123", "subscriber@example.net"):
        assert private not in body
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Places to meet in Sacriston: what is happening"
    assert [entry.title for entry in feed.entries] == [
        "The Red Lion, Sacriston: closed (1 March 2021).",
        "The Red Lion, Sacriston: at risk (5 January 2021).",
    ]
    assert "nominate it as an asset of community value" in feed.entries[0].summary
    threats = feedparser.parse(client.get("/areas/E05009076/feed.atom?topics=acv").content)
    assert threats.entries == []


def test_asset_and_nearby_feeds(client, ward):
    PostcodeLocationFactory(postcode="DH7 6LQ")
    near = AssetFactory(name="Near Inn", council=ward.parent, ward=ward)
    far = AssetFactory(name="Far Inn", latitude="54.900000", longitude="-1.626000")
    AssetEventFactory(asset=near, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    AssetEventFactory(asset=far, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    nearby = feedparser.parse(client.get("/feeds/nearby.atom?postcode=DH7+6LQ&km=2").content)
    assert [e.title.split(",")[0].split(":")[0] for e in nearby.entries] == ["Near Inn"]
    assert client.get("/feeds/nearby.atom?postcode=DH7+6LQ&km=50").status_code == 404
    one = feedparser.parse(client.get(f"/assets/{far.pk}/feed.atom").content)
    assert one.feed.title == "Far Inn: what is happening" and len(one.entries) == 1


def test_a_feed_asks_a_fixed_number_of_queries_however_many_closures_it_lists(
    client, ward, django_assert_max_num_queries
):
    listed = AssetFactory(name="Listed Arms", council=ward.parent, ward=ward)
    ListEntryFactory(asset=listed, council=ward.parent, listed_on=D.today().replace(day=1))
    AssetEventFactory(asset=listed, kind=EventKind.CLOSED, date=D(2022, 1, 1))

    def feed():
        cache.clear()
        with django_assert_max_num_queries(12):
            return feedparser.parse(client.get("/areas/E05009076/feed.atom").content)

    feed()  # the first also reads the statutory regimes once per process
    for n in range(30):
        pub = AssetFactory(name=f"Pub {n}", council=ward.parent, ward=ward)
        AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    entries = feed().entries
    assert len(entries) == 31
    # A listed place is not invited to be nominated; the others are.
    by_name = {entry.title.split(",")[0]: entry.summary for entry in entries}
    assert "nominate" not in by_name["Listed Arms"] and "nominate" in by_name["Pub 7"]
