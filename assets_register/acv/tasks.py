"""Background work for the ACV workflow: the nominator's emailed receipt, the officers'
news of a nomination, and the statutory notices owed by email."""

from django_tasks import task

from django.core.mail import send_mail
from django.template.loader import render_to_string

from assets_register.acv import lists as acv_lists
from assets_register.acv import notice_sending, officer_emails
from assets_register.core.emails import email_subject
from assets_register.core.urls import absolute
from assets_register.models import Nomination


@task()
def send_nomination_receipt(nomination_id):
    """Email the nominator their reference, the date the council must decide by, and what
    happens next: whether they will hear, and where the decision is published."""
    nomination = Nomination.objects.select_related("council").get(pk=nomination_id)
    where = acv_lists.where_decided(nomination)
    context = {
        "nomination": nomination,
        "where": where,
        "list_url": absolute(where["list_path"]),
        "unsuccessful_url": absolute(where["unsuccessful_path"]),
    }
    send_mail(
        subject=email_subject(
            f"Nomination received: {nomination.land_name} ({nomination.reference})"
        ),
        message=render_to_string("assets_register/email/nomination_receipt.txt", context),
        from_email=None,
        recipient_list=[nomination.contact_email],
    )
    return nomination.reference


@task()
def tell_officers_of_nomination(nomination_id):
    """Email the council's officers that a nomination has arrived, each once."""
    return officer_emails.tell_officers_of_nomination(nomination_id)


@task()
def send_statutory_notices():
    """Email every statutory notice that has an address and has not gone yet."""
    return notice_sending.send_by_email()
