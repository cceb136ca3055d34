"""Sending what alerts.py logged: one email per item for 'as it happens', one per subscriber
for digests. Each message is sent and marked sent in one transaction, so a crash half way
resumes with no gaps; at most the one message in flight can repeat, with the same
Message-ID so that mail systems drop the copy."""

from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assets_register.alerts.matching import News, describe_event
from assets_register.core.emails import email_subject
from assets_register.core.tokens import sign
from assets_register.core.urls import absolute
from assets_register.models import Delivery, Frequency

NOMINATOR_SALT = "nominator-reminders"
CONFIRM_SALT = "alert-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
LIST_SALT = "alerts-list"
LIST_MAX_AGE = 7 * 24 * 3600  # the link to all of an address's alerts, like an opt-in link


def confirm_token(subscription):
    return sign(subscription.pk, CONFIRM_SALT)


def list_url(email):
    """The one link that shows every alert sent to this address."""
    return absolute(reverse("alerts_list", args=[sign(email.lower(), LIST_SALT)]))


def nominator_stop_url(email):
    token = sign(email.lower(), NOMINATOR_SALT)
    return absolute(reverse("alerts_stop_reminders", args=[token]))


def _links(delivery):
    subscription = delivery.subscription
    if subscription is None:
        stop = nominator_stop_url(delivery.email)
        return {"unsubscribe": stop, "manage": None, "scope": None}
    return {
        "unsubscribe": absolute(reverse("alerts_unsubscribe", args=[subscription.token])),
        "manage": absolute(reverse("alerts_manage", args=[subscription.token])),
        "scope": subscription.scope_name,
    }


def compose(deliveries, news, frequency):
    """One message for these deliveries (all to one address), in plain text and HTML."""
    first = deliveries[0]
    links = _links(first)
    items = [{"headline": n.headline, "action": n.action, "url": absolute(n.url)} for n in news]
    if frequency == Frequency.IMMEDIATELY:
        subject = news[0].headline
    else:
        subject = (
            f"{len(items)} update{'s' if len(items) != 1 else ''} for "
            f"{links['scope']}: your {frequency} digest"
        )
    context = {
        "items": items,
        "links": links,
        "frequency": frequency,
        "digest": frequency != Frequency.IMMEDIATELY,
    }
    message = EmailMultiAlternatives(
        subject=email_subject(subject),
        body=render_to_string("assets_register/email/alert.txt", context),
        to=[first.email],
        headers={
            # RFC 8058: mail clients offer one-click unsubscribe by POSTing to this URL.
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<alert-{min(d.pk for d in deliveries)}-{len(deliveries)}"
            f"@{settings.ALERT_MESSAGE_ID_DOMAIN}>",
        },
    )
    message.attach_alternative(
        render_to_string("assets_register/email/alert.html", context), "text/html"
    )
    return message


def _news(delivery, today, cache):
    if delivery.event_id is None:
        return News(delivery.headline, delivery.action, delivery.url)
    if delivery.event_id not in cache:
        cache[delivery.event_id] = describe_event(delivery.event, today)
    return cache[delivery.event_id]


def _send_batch(deliveries, news, frequency):
    """Send one message and mark its deliveries sent, or neither."""
    ids = [d.pk for d in deliveries]
    with transaction.atomic():
        still_pending = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=ids, sent_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if len(still_pending) != len(ids):
            return 0  # another sender took them
        compose(deliveries, news, frequency).send()
        Delivery.objects.filter(pk__in=ids).update(sent_at=timezone.now())
    return 1


def send_pending(frequency, today=None):
    """Send every unsent delivery of one frequency; returns the number of emails sent.
    Streams the log in subscriber order, so memory stays flat however long the backlog."""
    today = today or timezone.localdate()
    pending = (
        Delivery.objects.filter(frequency=frequency, sent_at__isnull=True)
        .select_related(
            "event__asset__ward",
            "event__asset__council",
            "subscription__area",
            "subscription__asset",
        )
        .order_by("subscription_id", "email", "pk")
        .iterator(chunk_size=2000)
    )
    cache, sent = {}, 0
    if frequency == Frequency.IMMEDIATELY:
        batches = ([delivery] for delivery in pending)
    else:
        batches = (
            list(group) for _, group in groupby(pending, key=lambda d: (d.subscription_id, d.email))
        )
    for deliveries in batches:
        news = [_news(d, today, cache) for d in deliveries]
        sent += _send_batch(deliveries, news, frequency)
    return sent
