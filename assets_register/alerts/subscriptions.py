"""Subscribing with double opt-in. Nothing here tells a visitor whether an address is
already subscribed: every request gets the same answer, and the mailbox learns the rest."""

from django.db import transaction
from django.utils import timezone

from assets_register.alerts.emails import CONFIRM_MAX_AGE, CONFIRM_SALT
from assets_register.alerts.tasks import send_subscription_email
from assets_register.core.tokens import unsign
from assets_register.models import Subscription


def _same_scope(subscription):
    return Subscription.objects.filter(
        email=subscription.email,
        area=subscription.area,
        asset=subscription.asset,
        postcode=subscription.postcode,
        radius_km=subscription.radius_km,
    )


def subscribe(subscription):
    """Store an unconfirmed subscription (replacing an unconfirmed one for the same place)
    and queue the confirmation email; an address already confirmed for the same place is
    sent its manage link instead."""
    with transaction.atomic():
        existing = _same_scope(subscription).filter(confirmed_at__isnull=False).first()
        if existing is None:
            _same_scope(subscription).filter(confirmed_at__isnull=True).delete()
            subscription.save()
        target = existing or subscription
    send_subscription_email.enqueue(target.pk, "already" if existing else "confirm")
    return target


def confirm(token):
    """The subscription a confirmation link names, now confirmed; None if the link is bad,
    expired or the subscription is gone."""
    pk = unsign(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    subscription = Subscription.objects.filter(pk=pk).first() if pk is not None else None
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription
