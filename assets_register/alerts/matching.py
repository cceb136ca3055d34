"""Alert matching: new events and coming deadlines become rows in the send log (Delivery),
once each. Sending is alert_emails.py; both run as background tasks, never in a request.
What the nominating group is owed by law (the decision, the owner's notice to sell) is a
statutory notice (acv/notices.py), not an alert: one email each, never two."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assets_register.acv import lists as acv_lists
from assets_register.models import (
    TOPIC_OF_EVENT,
    AlertCursor,
    AssetEvent,
    Clock,
    CommunityPurchase,
    Delivery,
    DisposalNotice,
    EventKind,
    Frequency,
    ListEntry,
    Nomination,
    Subscription,
    Topic,
    period_words,
)


@dataclass
class News:
    """What happened and what the reader can do by when, in plain words."""

    headline: str
    action: str
    url: str


def _on(day):
    return f"{day:%-d %B %Y}"


def until(day, today):
    left = (day - today).days
    if left < 0:
        return f"{_on(day)} (passed)"
    if left == 0:
        return f"{_on(day)} (today is the last day)"
    return f"{_on(day)} ({left} day{'s' if left != 1 else ''} left)"


def place(asset):
    where = asset.ward or asset.council
    return place_named(asset.name, where.name if where else None)


def place_named(name, where):
    """A place's name and its ward's (else its council's), or None for neither."""
    return f"{name}, {where}" if where is not None else name


def listed_asset_ids(asset_ids, today):
    """Which of these places are on a list of assets of community value today."""
    return set(
        ListEntry.objects.filter(
            asset__in=asset_ids, removed_on__isnull=True, expires_on__gte=today
        ).values_list("asset_id", flat=True)
    )


def describe_event(event, today, listed=None, url=None, name=None):
    """`listed`: the ids of listed places among a batch of events (listed_asset_ids),
    so that a feed or digest of many events asks once, not once per event; `url` and
    `name`: the place's path and place(), when the caller has them without the place."""
    asset_id, kind = event.asset_id, event.kind
    if url is None or name is None:
        name, url = place(event.asset), event.asset.get_absolute_url()
    if kind == EventKind.DISPOSAL_NOTICE:
        notice = DisposalNotice.objects.filter(
            entry__asset_id=asset_id, received_on=event.date
        ).first()
        what = (
            "register its intention to buy"
            if notice and notice.right_to_buy
            else "ask to be treated as a bidder"
        )
        action = notice and (
            f"A community group can {what} until {until(notice.interim_last_day, today)}."
        )
        return News(f"Disposal notice received for {name}.", action or "", url)
    if kind == EventKind.INTENT_TO_BUY:
        purchase = CommunityPurchase.objects.filter(
            notice__entry__asset_id=asset_id, registered_on=event.date
        ).first()
        action = purchase and (
            f"{purchase.group_name} has the first chance to buy until "
            f"{until(purchase.right_last_day, today)}; the owner may not sell to anyone else."
        )
        return News(f"A community group has registered to buy {name}.", action or "", url)
    if kind == EventKind.BIDDER_REQUEST:
        notice = (
            DisposalNotice.objects.filter(entry__asset_id=asset_id, received_on__lte=event.date)
            .order_by("-received_on")
            .first()
        )
        action = notice and (
            "The owner cannot sell to anyone else until after "
            f"{_on(notice.full_last_day)}, so the group can raise the money."
        )
        return News(f"A community group has asked to bid for {name}.", action or "", url)
    if kind == EventKind.ACV_NOMINATED:
        nomination = (
            Nomination.objects.filter(asset_id=asset_id, received_on=event.date)
            .order_by("-pk")
            .first()
        )
        action = nomination and f"The council must decide by {_on(nomination.decision_due)}."
        return News(f"{name} has been nominated as an asset of community value.", action or "", url)
    if kind == EventKind.ACV_LISTED:
        return News(
            f"{name} is now listed as an asset of community value.",
            "If the owner wants to sell, they must tell the council first, and a "
            f"community group then has {period_words(Clock.INTERIM_MORATORIUM)} to ask to bid.",
            url,
        )
    if kind in TOPIC_OF_EVENT and TOPIC_OF_EVENT[kind] == Topic.CLOSURES:
        if listed is None:
            listed = listed_asset_ids([asset_id], today)
        action = (
            ""
            if asset_id in listed
            else (
                "A community group can nominate it as an asset of community value, so that it "
                "cannot be sold without a chance for the community to bid."
            )
        )
        # Said as precisely as the source gave it: a year-only closure is "(2022)".
        what = event.get_kind_display().lower()
        return News(f"{name}: {what} ({event.display_date}).", action, url)
    # Steps of a sale or a community purchase: the timeline's note says what happened.
    note = event.note if TOPIC_OF_EVENT.get(kind) == Topic.DISPOSALS else ""
    return News(f"{name}: {event.get_kind_display().lower()} ({_on(event.date)}).", note, url)


def match_event(event):
    """Log one delivery per confirmed subscription that wants this event. Idempotent."""
    topic = TOPIC_OF_EVENT.get(event.kind)
    if topic is None or not event.asset.live:
        return 0
    subscriptions = Subscription.objects.watching(event.asset, topic)
    rows = [
        Delivery(
            key=f"event:{event.pk}",
            email=s.email,
            subscription=s,
            event=event,
            frequency=s.frequency,
        )
        for s in subscriptions
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def match_new_events(today=None):
    """Match events recorded since the last run. Old news (an import of history) is
    skipped: alerts are for what people can still act on."""
    today = today or timezone.localdate()
    oldest = today - datetime.timedelta(days=settings.ALERT_MAX_EVENT_AGE_DAYS)
    matched = 0
    with transaction.atomic():
        cursor, _ = AlertCursor.objects.select_for_update().get_or_create(name="events")
        events = (
            AssetEvent.objects.filter(pk__gt=cursor.last_event_id)
            .select_related("asset")
            .order_by("pk")
        )
        last = cursor.last_event_id
        for event in events.iterator(chunk_size=500):
            if event.date >= oldest:
                matched += match_event(event)
            last = event.pk
        AlertCursor.objects.filter(pk=cursor.pk).update(last_event_id=last)
    return matched


REMINDER_CLOCKS = {"interim": Topic.DISPOSALS, "expiry": Topic.EXPIRIES}


def reminder_bucket(days_left):
    """The reminder due now: the smallest configured lead time not yet passed. A missed
    run still reminds (late, once) rather than never."""
    due = [days for days in settings.ALERT_REMINDER_DAYS if 0 <= days_left <= days]
    return min(due) if due else None


def match_reminders(today=None):
    """Reminders before a bid window closes and before a listing expires, to watchers and to
    the nominating group; always sent at once, whatever the digest setting."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(settings.ALERT_REMINDER_DAYS))
    rows = []
    for deadline in acv_lists.deadlines(today):
        clock = deadline.uid.split("-")[0]
        if clock not in REMINDER_CLOCKS or deadline.day > horizon or deadline.asset is None:
            continue
        bucket = reminder_bucket((deadline.day - today).days)
        if bucket is None:
            continue
        news = describe_deadline(clock, deadline, today)
        key = f"reminder:{deadline.uid}:{bucket}"
        for subscription in Subscription.objects.watching(deadline.asset, REMINDER_CLOCKS[clock]):
            rows.append(
                Delivery(
                    key=key,
                    email=subscription.email,
                    subscription=subscription,
                    frequency=Frequency.IMMEDIATELY,
                    headline=news.headline,
                    action=news.action,
                    url=news.url,
                )
            )
        nomination = _nomination_of(deadline.record)
        if nomination and nomination.send_reminders and nomination.contact_email:
            rows.append(
                Delivery(
                    key=key,
                    email=nomination.contact_email,
                    frequency=Frequency.IMMEDIATELY,
                    headline=news.headline,
                    action=news.action,
                    url=news.url,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _nomination_of(record):
    entry = record.entry if isinstance(record, DisposalNotice) else record
    return getattr(entry, "nomination", None)


def describe_deadline(clock, deadline, today):
    name, url = place(deadline.asset), deadline.asset.get_absolute_url()
    if clock == "interim":
        return News(
            f"Reminder: the window to ask to bid for {name} closes soon.",
            "A community group can ask to be treated as a bidder until "
            f"{until(deadline.day, today)}. Ask the council in writing.",
            url,
        )
    return News(
        f"Reminder: {name} leaves the list of assets of community value soon.",
        f"It is on the list until {until(deadline.day, today)}. To keep it protected, "
        "a community group can nominate it again before then.",
        url,
    )
