"""Alerts: matching events to subscriptions, the emails people read, digests, reminders,
and a send log that survives a crash."""

import datetime
import re

import pytest

from django.core import mail
from django.utils import timezone

from assets_register.acv import workflow as acv_workflow
from assets_register.acv.tasks import send_statutory_notices
from assets_register.alerts import emails as alert_emails
from assets_register.alerts import matching as alerts
from assets_register.models import Delivery, EventKind, Frequency, StatutoryNotice, Subscription

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    CouncilFactory,
    NominationFactory,
    SubscriptionFactory,
    durham_and_sacriston,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def sacriston():
    """A council, one of its wards, and the Red Lion inside it at 54.816 N, 1.626 W."""
    durham, ward = durham_and_sacriston()
    pub = AssetFactory(name="The Red Lion", council=durham, ward=ward)
    return durham, ward, pub


def test_an_event_reaches_exactly_the_subscriptions_that_watch_it(sacriston):
    durham, ward, pub = sacriston
    elsewhere = CouncilFactory()
    expected = {
        SubscriptionFactory(area=durham).email,
        SubscriptionFactory(area=ward).email,
        SubscriptionFactory(asset=pub).email,
        # 1 km round a point 0.5 km north of the pub
        SubscriptionFactory(latitude=54.8205, longitude=-1.626, radius_km=1).email,
    }
    SubscriptionFactory(area=elsewhere)
    SubscriptionFactory(area=ward, wants_closures=False)  # another topic
    SubscriptionFactory(area=ward, confirmed_at=None)  # never confirmed
    # 1.6 km north-east: inside the 1.5 km circle's bounding box, outside the circle itself.
    SubscriptionFactory(latitude=54.8262, longitude=-1.6090, radius_km=1.5)
    event = AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    assert alerts.match_event(event) == 4
    assert alerts.match_event(event) == 4  # matched again: nothing new is logged
    assert set(Delivery.objects.values_list("email", flat=True)) == expected
    assert Delivery.objects.count() == 4


def test_the_disposal_email_says_what_to_do_by_when_with_one_click_unsubscribe(
    sacriston, list_place
):
    durham, ward, pub = sacriston
    entry = list_place(durham, pub, contact_email="friends@robinhood.example")
    subscription = SubscriptionFactory(area=ward, email="campaigner@example.net")
    acv_workflow.record_disposal_notice(entry, D(2021, 4, 30))
    assert alerts.match_new_events(today=D(2021, 5, 18)) >= 1
    # The campaigner's alert only: the nominating group's s.97 notice is a statutory
    # notice, emailed once by its own task, so nobody gets it twice.
    assert alert_emails.send_pending(Frequency.IMMEDIATELY, today=D(2021, 5, 18)) == 1
    send_statutory_notices.enqueue()
    to = {tuple(m.to): m for m in mail.outbox}
    [notice] = [m for m in mail.outbox if "wish to sell" in m.subject]
    assert notice.to == ["friends@robinhood.example"]
    assert (
        notice.subject
        == "The owner of The Red Lion, Sacriston has told the council they wish to sell"
    )
    assert "treated as a potential bidder until 10 June 2021" in notice.body
    message = to[("campaigner@example.net",)]
    assert message.subject == "Disposal notice received for The Red Lion, Sacriston."
    assert (
        "A community group can ask to be treated as a bidder until 10 June 2021 (23 days left)."
    ) in message.body
    unsubscribe = f"http://testserver/alerts/unsubscribe/{subscription.token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0].content
    assert "23 days left" in html and f"/alerts/manage/{subscription.token}/" in html
    assert (
        f"Change what you get: http://testserver/alerts/manage/{subscription.token}/"
        in message.body
    )
    assert alert_emails.send_pending(Frequency.IMMEDIATELY) == 0  # nothing twice


def test_a_daily_digest_groups_a_subscribers_news_in_one_email(sacriston):
    durham, ward, pub = sacriston
    other = AssetFactory(name="Sacriston Library", category="library", council=durham, ward=ward)
    SubscriptionFactory(area=ward, email="daily@example.net", frequency=Frequency.DAILY)
    SubscriptionFactory(area=ward, email="now@example.net")
    AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    AssetEventFactory(asset=other, kind=EventKind.AT_RISK, date=D(2021, 3, 2))
    alerts.match_new_events(today=D(2021, 3, 2))
    assert alert_emails.send_pending(Frequency.IMMEDIATELY) == 2
    assert alert_emails.send_pending(Frequency.DAILY) == 1
    digest = mail.outbox[-1]
    assert digest.to == ["daily@example.net"]
    assert digest.subject == "2 updates for Sacriston: your daily digest"
    assert "The Red Lion, Sacriston: closed (1 March 2021)." in digest.body
    assert "Sacriston Library, Sacriston: at risk (2 March 2021)." in digest.body
    assert alert_emails.send_pending(Frequency.DAILY) == 0


def test_a_crash_half_way_resumes_with_no_duplicates_and_no_gaps(sacriston, settings):
    durham, ward, pub = sacriston
    for n in range(5):
        SubscriptionFactory(area=ward, email=f"w{n}@example.net")
    AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    alerts.match_new_events(today=D(2021, 3, 1))
    settings.EMAIL_BACKEND = "tests.alerts.test_alerts.CrashAfterTwo"
    CrashAfterTwo.sent = 0
    with pytest.raises(ConnectionError):
        alert_emails.send_pending(Frequency.IMMEDIATELY)
    assert len(mail.outbox) == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alert_emails.send_pending(Frequency.IMMEDIATELY) == 3
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == [f"w{n}@example.net" for n in range(5)]


class CrashAfterTwo:
    """A mail backend whose server goes away after two messages."""

    sent = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.backend = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        if CrashAfterTwo.sent >= 2:
            raise ConnectionError("the SMTP server went away")
        CrashAfterTwo.sent += len(messages)
        return self.backend.send_messages(messages)


def test_reminders_before_a_bid_window_that_ends_on_the_last_day_of_february(
    sacriston, settings, list_place
):
    """A notice received 18 January 2022: six weeks beginning with that day end on Monday
    28 February. With reminders 7 and 2 days before: one on 21 February, one on 26th."""
    settings.ALERT_REMINDER_DAYS = [7, 2]
    durham, ward, pub = sacriston
    entry = list_place(durham, pub, contact_email="friends@robinhood.example")
    notice = acv_workflow.record_disposal_notice(entry, D(2022, 1, 18))
    assert notice.interim_last_day == D(2022, 2, 28)
    SubscriptionFactory(asset=pub, email="watcher@example.net", wants_disposals=True)
    SubscriptionFactory(asset=pub, email="not-bids@example.net", wants_disposals=False)

    def remind(day):
        mail.outbox.clear()
        alerts.match_reminders(today=day)
        alert_emails.send_pending(Frequency.IMMEDIATELY, today=day)
        return sorted((m.to[0], m.body) for m in mail.outbox if "window to ask to bid" in m.subject)

    assert remind(D(2022, 2, 20)) == []
    sent = remind(D(2022, 2, 21))
    assert [to for to, _ in sent] == ["friends@robinhood.example", "watcher@example.net"]
    assert "until 28 February 2022 (7 days left)" in sent[0][1]
    assert "Unsubscribe: http://testserver/alerts/reminders/stop/" in sent[0][1]
    assert remind(D(2022, 2, 22)) == []  # once per lead time
    assert [to for to, _ in remind(D(2022, 2, 26))] == [
        "friends@robinhood.example",
        "watcher@example.net",
    ]
    assert remind(D(2022, 3, 1)) == []  # the window has closed


def test_a_listing_expiry_reminder_a_week_before_the_end(sacriston, settings, list_place):
    """Listed 14 December 2020: five years beginning with that day end 13 December 2025."""
    settings.ALERT_REMINDER_DAYS = [7]
    durham, ward, pub = sacriston
    list_place(durham, pub, contact_email="friends@robinhood.example")
    SubscriptionFactory(area=durham, email="watcher@example.net")
    alerts.match_reminders(today=D(2025, 12, 6))
    alert_emails.send_pending(Frequency.IMMEDIATELY, today=D(2025, 12, 6))
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "It is on the list until 13 December 2025 (7 days left)." in bodies["watcher@example.net"]
    )
    assert "friends@robinhood.example" in bodies


def test_old_history_from_an_import_is_not_sent_as_news(sacriston):
    durham, ward, pub = sacriston
    SubscriptionFactory(area=ward)
    AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2009, 6, 1))
    assert alerts.match_new_events(today=D(2021, 3, 1)) == 0
    AssetEventFactory(asset=pub, kind=EventKind.REOPENED, date=D(2021, 2, 20))
    assert alerts.match_new_events(today=D(2021, 3, 1)) == 0  # not a topic they chose
    AssetEventFactory(asset=pub, kind=EventKind.AT_RISK, date=D(2021, 2, 25))
    assert alerts.match_new_events(today=D(2021, 3, 1)) == 1
    assert alerts.match_new_events(today=D(2021, 3, 1)) == 0  # the cursor moved on


def test_a_subscription_needs_one_scope_and_a_sensible_radius():
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        Subscription.objects.create(email="a@example.net")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Subscription.objects.create(
            email="a@example.net", latitude=54.8, longitude=-1.6, radius_km=25
        )


def test_message_ids_are_stable_so_a_repeat_can_be_dropped(sacriston):
    durham, ward, pub = sacriston
    SubscriptionFactory(area=ward)
    event = AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=D(2021, 3, 1))
    alerts.match_event(event)
    [delivery] = Delivery.objects.all()
    news = [alerts.describe_event(event, D(2021, 3, 1))]
    first = alert_emails.compose([delivery], news, Frequency.IMMEDIATELY)
    second = alert_emails.compose([delivery], news, Frequency.IMMEDIATELY)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert re.fullmatch(r"<alert-\d+-1@[\w.]+>", first.extra_headers["Message-ID"])


def test_the_nominating_group_is_told_the_decision_with_reasons_once(sacriston, list_place):
    durham, _, pub = sacriston
    entry = list_place(durham, pub, contact_email="friends@robinhood.example")
    refused = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=AssetFactory(name="The Old Bank", council=durham),
            received_on=D(2020, 11, 2),
            contact_email="bank.friends@example.org",
        )
    )
    acv_workflow.decide_nomination(
        refused, listed=False, decided_on=D(2020, 12, 14), reasons="Its use is not recent."
    )
    alerts.match_new_events(today=D(2020, 12, 15))
    # Alerts owe the group nothing here: its decisions are statutory notices.
    assert alert_emails.send_pending(Frequency.IMMEDIATELY, today=D(2020, 12, 15)) == 0
    send_statutory_notices.enqueue()
    send_statutory_notices.enqueue()  # nothing owed twice
    assert len(mail.outbox) == 2
    to = {tuple(m.to): m for m in mail.outbox}
    listed = to[("friends@robinhood.example",)]
    reference = entry.nomination.reference
    assert listed.subject.startswith(f"Decision on your nomination {reference}: The Red Lion")
    assert "stays on the list until 13 December 2025" in listed.body
    assert "six weeks to ask" in listed.body
    no = to[("bank.friends@example.org",)]
    assert no.subject.endswith("The Old Bank, County Durham has not been listed")
    assert "County Durham's reasons: Its use is not recent." in no.body
    sent = StatutoryNotice.objects.filter(recipient_role="nominator")  # when each went
    assert sent.count() == 2 and all(n.sent_on == timezone.localdate() for n in sent)
