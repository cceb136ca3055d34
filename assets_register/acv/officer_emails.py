"""Telling a council's officers that a nomination has arrived, so the dashboard is not the
only way they hear of it: one email to each of the council's staff who may act on
nominations, each sent once. The send log (Delivery) holds a row per officer, written in
the transaction that sends, so a task run again (or by a second worker) sends nothing
twice, and a send that fails leaves no row and is tried again with the task."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assets_register.core.emails import email_subject
from assets_register.core.urls import absolute
from assets_register.models import Delivery, Frequency, Nomination

ACTS_ON_NOMINATIONS = "assets_register.change_nomination"
PERMISSIONS = "django.contrib.auth.backends.ModelBackend"  # the one that grants them


def officers_of(council):
    """The active staff of a council who may act on its nominations (not moderators)."""
    return (
        get_user_model()
        .objects.with_perm(ACTS_ON_NOMINATIONS, include_superusers=True, backend=PERMISSIONS)
        .filter(is_active=True, council_memberships__council=council)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def tell_officers_of_nomination(nomination_id):
    """Email each officer of the nomination's council once; returns the addresses sent."""
    nomination = Nomination.objects.select_related("council").get(pk=nomination_id)
    key = f"nomination-received:{nomination.pk}"
    context = {
        "nomination": nomination,
        "admin_url": absolute(
            reverse("wagtailsnippets_assets_register_nomination:edit", args=[nomination.pk])
        ),
    }
    subject = email_subject(
        f"New nomination for {nomination.council.name}: {nomination.land_name} "
        f"({nomination.reference})"
    )
    body = render_to_string("assets_register/email/nomination_for_officers.txt", context)
    sent = []
    for email in {officer.email.strip().lower() for officer in officers_of(nomination.council)}:
        with transaction.atomic():
            _, owed = Delivery.objects.get_or_create(
                key=key,
                email=email,
                defaults={
                    "frequency": Frequency.IMMEDIATELY,
                    "headline": subject[:300],
                    "url": context["admin_url"][:300],
                    "sent_at": timezone.now(),
                },
            )
            if owed:
                send_mail(subject, body, from_email=None, recipient_list=[email])
                sent.append(email)
    return sorted(sent)
