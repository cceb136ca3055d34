"""Background work for alerts: opt-in emails, matching new events, sending and digests."""

from django_tasks import task

from django.core.mail import send_mail
from django.template.loader import render_to_string

from assets_register.acv import notice_sending
from assets_register.alerts import emails, matching
from assets_register.core.emails import email_subject
from assets_register.core.urls import absolute_url
from assets_register.models import Frequency, Subscription


@task()
def send_subscription_email(subscription_id, kind):
    """'confirm': the double opt-in link. 'already': the manage link, to an address that is
    subscribed already (so the web form never reveals it)."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    context = {
        "subscription": subscription,
        "confirm_url": absolute_url("alerts_confirm", emails.confirm_token(subscription)),
        "manage_url": absolute_url("alerts_manage", subscription.token),
    }
    subject = {
        "confirm": f"Confirm your alerts for {subscription.scope_name}",
        "already": f"You already get alerts for {subscription.scope_name}",
    }[kind]
    send_mail(
        email_subject(subject),
        render_to_string(f"assets_register/email/subscription_{kind}.txt", context),
        None,
        [subscription.email],
    )
    return kind


@task()
def send_alerts_list(email):
    """The link to every alert this address gets; nothing to an address with none (the
    page that asked says the same either way)."""
    subscriptions = Subscription.objects.filter(email__iexact=email)
    if not subscriptions.exists():
        return 0
    send_mail(
        email_subject("Your alerts"),
        render_to_string(
            "assets_register/email/alerts_list.txt",
            {"count": subscriptions.count(), "list_url": emails.list_url(email)},
        ),
        None,
        [email],
    )
    return 1


@task()
def deliver_alerts():
    """Match new events and due reminders to subscriptions, then send what is owed now,
    with any statutory notice still owed by email (one whose own task was lost)."""
    matched = matching.match_new_events() + matching.match_reminders()
    sent = emails.send_pending(Frequency.IMMEDIATELY)
    return {"matched": matched, "sent": sent, "notices": notice_sending.send_by_email()}


@task()
def send_digests(frequency):
    return emails.send_pending(frequency)
