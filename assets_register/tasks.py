"""Where background tasks lived before the feature packages (release 0.1).

django-tasks-db stores each queued task by its dotted path, so a task queued by 0.1 as
`assets_register.tasks.deliver_alerts` must still resolve after an upgrade. Remove this
module in the release after next; tests/core/test_task_paths.py checks every old path."""

from assets_register.acv.tasks import send_nomination_receipt
from assets_register.alerts.tasks import deliver_alerts, send_digests, send_subscription_email
from assets_register.geo.tasks import locate_asset
from assets_register.indicators.tasks import compute_indicators
from assets_register.reports.tasks import notify_moderators, send_report_email

__all__ = [
    "compute_indicators",
    "deliver_alerts",
    "locate_asset",
    "notify_moderators",
    "send_digests",
    "send_nomination_receipt",
    "send_report_email",
    "send_subscription_email",
]
