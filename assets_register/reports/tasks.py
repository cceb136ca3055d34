"""Background work for residents' reports: emails to the reporter and to moderators."""

from django_tasks import task

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string

from assets_register.core.emails import email_subject
from assets_register.core.permissions import councils_of
from assets_register.core.urls import absolute, absolute_url
from assets_register.models import Report


@task()
def send_report_email(report_id, kind):
    """'confirm': the link that puts a report in the moderation queue. Then the decision:
    'accepted' (with the place it is now on), 'merged' (the place it duplicates) or
    'rejected' (with the moderator's reason)."""
    report = (
        Report.objects.select_related("asset", "created_asset", "duplicate_of")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return "gone"
    place = report.created_asset or report.duplicate_of or report.asset
    context = {
        "report": report,
        "confirm_url": absolute_url("report_confirm", report.token),
        "place": place,
        "place_url": absolute(place.get_absolute_url()) if place else "",
    }
    subject = {
        "confirm": f"Confirm your report about {report.subject}",
        "accepted": f"Your report about {report.subject} is on the register",
        "merged": f"Your report about {report.subject}: the place is already on the register",
        "rejected": f"Your report about {report.subject}",
    }[kind]
    send_mail(
        email_subject(subject),
        render_to_string(f"assets_register/email/report_{kind}.txt", context),
        None,
        [report.email],
    )
    return kind


@task()
def notify_moderators(report_id):
    """Tell the report's council's moderators, and site-wide moderators, it is waiting."""
    report = Report.objects.select_related("asset", "council").get(pk=report_id)
    moderators = [
        user.email
        for user in get_user_model()
        # Permissions are ModelBackend's: the other backend (django-axes) only stops logins.
        .objects.with_perm(
            "assets_register.change_report", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True)
        .exclude(email="")
        if (councils := councils_of(user)) is None or report.council_id in councils
    ]
    if moderators:
        where = report.council.name if report.council else "an unknown council"
        url = absolute_url("wagtailsnippets_assets_register_report:edit", report.pk)
        send_mail(
            email_subject(f"A resident's report is waiting: {report.subject} ({where})"),
            f"{report.get_kind_display()}: {report.subject}\n\nModerate it: {url}\n",
            None,
            moderators,
        )
    return len(moderators)
