"""Background work, run by `manage.py db_worker` (immediately in tests)."""

from django_tasks import task

from .geocoding import Located, default_chain
from .models import Asset, LocationSource
from .spatial import assign_areas


@task()
def locate_asset(asset_id):
    """Geocode an asset that has no coordinates, then set its council, ward and LSOA."""
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        return "gone"
    outcome = "kept"
    if not asset.is_located:
        query = ", ".join(part for part in (asset.address, asset.postcode) if part)
        result = default_chain().locate(query)
        if not isinstance(result, Located):
            return result.reason
        Asset.objects.filter(pk=asset_id).update(
            latitude=round(result.latitude, 6), longitude=round(result.longitude, 6),
            location_source=result.source,
        )
        outcome = f"located by {result.found_by}"
    elif asset.location_source == LocationSource.NONE:
        Asset.objects.filter(pk=asset_id).update(location_source=LocationSource.MAP_PIN)
    assign_areas(Asset.objects.filter(pk=asset_id))
    from .map_index import bump_map_version

    bump_map_version()
    return outcome


@task()
def send_nomination_receipt(nomination_id):
    """Email the nominator their reference and the date the council must decide by."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from .models import Nomination

    nomination = Nomination.objects.select_related("council").get(pk=nomination_id)
    context = {"nomination": nomination}
    send_mail(
        subject=f"Nomination received: {nomination.land_name} ({nomination.reference})",
        message=render_to_string("assets_register/email/nomination_receipt.txt", context),
        from_email=None,
        recipient_list=[nomination.contact_email],
    )
    return nomination.reference


@task()
def send_subscription_email(subscription_id, kind):
    """'confirm': the double opt-in link. 'already': the manage link, to an address that is
    subscribed already (so the web form never reveals it)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    from .alert_emails import absolute
    from .alert_subscriptions import confirm_token
    from .models import Subscription

    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    context = {
        "subscription": subscription,
        "confirm_url": absolute(reverse("alerts_confirm", args=[confirm_token(subscription)])),
        "manage_url": absolute(reverse("alerts_manage", args=[subscription.token])),
    }
    subject = {"confirm": f"Confirm your alerts for {subscription.scope_name}",
               "already": f"You already get alerts for {subscription.scope_name}"}[kind]
    send_mail(subject, render_to_string(f"assets_register/email/subscription_{kind}.txt",
                                        context), None, [subscription.email])
    return kind


@task()
def deliver_alerts():
    """Match new events and due reminders to subscriptions, then send what is owed now."""
    from . import alert_emails, alerts
    from .models import Frequency

    matched = alerts.match_new_events() + alerts.match_reminders()
    sent = alert_emails.send_pending(Frequency.IMMEDIATELY)
    return {"matched": matched, "sent": sent}


@task()
def send_digests(frequency):
    from . import alert_emails

    return alert_emails.send_pending(frequency)


@task()
def compute_indicators():
    """Recompute the 'losing places to meet' snapshot (after imports, and nightly)."""
    from .indicators import recompute

    snapshot = recompute()
    return {"snapshot": snapshot.pk, "areas": snapshot.area_count}


@task()
def send_report_email(report_id, kind):
    """'confirm': the link that puts a report in the moderation queue. 'rejected': the
    moderator's reason."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    from .alert_emails import absolute
    from .models import Report

    report = Report.objects.select_related("asset").filter(pk=report_id).first()
    if report is None:
        return "gone"
    context = {"report": report,
               "confirm_url": absolute(reverse("report_confirm", args=[report.token]))}
    subject = {"confirm": f"Confirm your report about {report.subject}",
               "rejected": f"Your report about {report.subject}"}[kind]
    send_mail(subject, render_to_string(f"assets_register/email/report_{kind}.txt", context),
              None, [report.email])
    return kind


@task()
def notify_moderators(report_id):
    """Tell the report's council's moderators, and site-wide moderators, it is waiting."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.urls import reverse

    from .alert_emails import absolute
    from .models import Report
    from .permissions import councils_of

    report = Report.objects.select_related("asset", "council").get(pk=report_id)
    moderators = [
        user.email for user in get_user_model().objects.with_perm(
            "assets_register.change_report").filter(is_active=True).exclude(email="")
        if (councils := councils_of(user)) is None or report.council_id in councils
    ]
    if moderators:
        where = report.council.name if report.council else "an unknown council"
        url = absolute(reverse("wagtailsnippets_assets_register_report:edit", args=[report.pk]))
        send_mail(f"A resident's report is waiting: {report.subject} ({where})",
                  f"{report.get_kind_display()}: {report.subject}\n\nModerate it: {url}\n",
                  None, moderators)
    return len(moderators)
