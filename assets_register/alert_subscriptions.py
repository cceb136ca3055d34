"""Subscribing with double opt-in. Nothing here tells a visitor whether an address is
already subscribed: every request gets the same answer, and the mailbox learns the rest."""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import Subscription

CONFIRM_SALT = "alert-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _same_scope(subscription):
    return Subscription.objects.filter(
        email=subscription.email, area=subscription.area, asset=subscription.asset,
        postcode=subscription.postcode, radius_km=subscription.radius_km)


def subscribe(subscription):
    """Store an unconfirmed subscription (replacing an unconfirmed one for the same place)
    and queue the confirmation email; an address already confirmed for the same place is
    sent its manage link instead."""
    from .tasks import send_subscription_email

    with transaction.atomic():
        existing = _same_scope(subscription).filter(confirmed_at__isnull=False).first()
        if existing is None:
            _same_scope(subscription).filter(confirmed_at__isnull=True).delete()
            subscription.save()
        target = existing or subscription
    send_subscription_email.enqueue(target.pk, "already" if existing else "confirm")
    return target


def confirm_token(subscription):
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT)


def confirm(token):
    """The subscription a confirmation link names, now confirmed; None if the link is bad,
    expired or the subscription is gone."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription
