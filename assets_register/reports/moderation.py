"""Residents' reports from submission to the register: the reporter confirms by email,
then the report joins its council's moderation queue; accepting it writes the event or
the asset, crediting the report."""

from django.db import transaction
from django.utils import timezone

from assets_register.geo.lookup import council_at
from assets_register.geo.tasks import locate_asset
from assets_register.models import (
    Asset,
    AssetEvent,
    LocationSource,
    Report,
    ReportKind,
    ReportStatus,
)
from assets_register.models.reports import EVENT_OF_REPORT
from assets_register.reports.tasks import notify_moderators, send_report_email

SOURCE = "resident-report"


def submit(report):
    """Store a new report, unconfirmed, and email the reporter the confirmation link."""
    report.email = report.email.strip().lower()
    report.council_id = (
        report.asset.council_id
        if report.asset_id
        else council_at(report.latitude, report.longitude, report.postcode)
    )
    report.status = ReportStatus.UNCONFIRMED
    report.save()
    send_report_email.enqueue(report.pk, "confirm")
    return report


def confirm(token):
    """Move a confirmed report into its council's queue; None for an unknown token."""
    report = Report.objects.filter(token=token).first()
    if report and report.status == ReportStatus.UNCONFIRMED:
        report.status, report.confirmed_at = ReportStatus.PENDING, timezone.now()
        report.save(update_fields=["status", "confirmed_at"])
        notify_moderators.enqueue(report.pk)
    return report


def apply_moderation(report, user):
    """Carry out the moderator's decision once: accepted news becomes an event (or a new
    asset); the reporter hears of every decision by email, with the reason for a rejection."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.moderated_at or report.status in (ReportStatus.UNCONFIRMED, ReportStatus.PENDING):
            return report
        if report.status == ReportStatus.ACCEPTED:
            _accept(report, user)
        report.moderated_by, report.moderated_at = user, timezone.now()
        report.save()
    send_report_email.enqueue(report.pk, report.status)  # accepted, merged or rejected
    return report


def _accept(report, user):
    note = f"Reported by a resident. {report.details}".strip()
    if report.kind in EVENT_OF_REPORT:
        report.created_event = AssetEvent.objects.create(
            asset=report.asset,
            kind=EVENT_OF_REPORT[report.kind],
            date=report.happened_on or report.created_at.date(),
            note=note,
            source_url=report.source_url,
            source=SOURCE,
            recorded_by=user,
        )
    elif report.kind == ReportKind.MISSING:
        located = report.latitude is not None
        asset = Asset.objects.create(
            name=report.place_name,
            category=report.category or "other",
            address=report.address,
            postcode=report.postcode,
            live=True,
            latitude=report.latitude,
            longitude=report.longitude,
            location_source=LocationSource.MAP_PIN if located else LocationSource.NONE,
            source=SOURCE,
            source_ref=f"report-{report.pk}",
        )
        report.created_asset = asset
        transaction.on_commit(lambda: locate_asset.enqueue(asset.pk))
    # A correction is applied by the moderator by hand; accepting records that it was.
