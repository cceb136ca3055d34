"""Tasks queued before the feature packages were stored by their old dotted paths
(django-tasks-db keeps `task_path`); a worker after the upgrade must still run them."""

import pytest
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from django.utils.module_loading import import_string

from assets_register.models import IndicatorSnapshot
from tests.factories import AreaFactory

OLD_PATHS = {
    "assets_register.tasks.locate_asset": "assets_register.geo.tasks.locate_asset",
    "assets_register.tasks.send_nomination_receipt":
        "assets_register.acv.tasks.send_nomination_receipt",
    "assets_register.tasks.send_subscription_email":
        "assets_register.alerts.tasks.send_subscription_email",
    "assets_register.tasks.deliver_alerts": "assets_register.alerts.tasks.deliver_alerts",
    "assets_register.tasks.send_digests": "assets_register.alerts.tasks.send_digests",
    "assets_register.tasks.compute_indicators":
        "assets_register.indicators.tasks.compute_indicators",
    "assets_register.tasks.send_report_email": "assets_register.reports.tasks.send_report_email",
    "assets_register.tasks.notify_moderators": "assets_register.reports.tasks.notify_moderators",
}


@pytest.mark.parametrize(("old", "new"), OLD_PATHS.items())
def test_an_old_task_path_resolves_to_the_task_that_moved(old, new):
    task = import_string(old)
    assert isinstance(task, Task)
    assert task.module_path == new


@pytest.mark.django_db
def test_a_task_stored_under_its_old_path_runs():
    AreaFactory()
    stored = DBTaskResult(task_path="assets_register.tasks.compute_indicators",
                          backend_name="default")
    assert stored.task.call()["areas"] == 1
    assert IndicatorSnapshot.objects.count() == 1
