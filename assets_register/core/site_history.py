"""Wagtail's site history report, its filters and its CSV/XLSX export, narrowed to the
records in the user's councils. Wagtail shows every log entry of a model to anyone with
any permission on that model, so an officer would read other councils' record titles and
officer names; council-scoped models (core.permissions.register_council_policy) keep
only the entries about their own councils' records."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import path
from django.views.decorators.cache import never_cache

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports import audit_logging
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from assets_register.core.permissions import council_policies, councils_of


def in_councils_of(user, entries):
    """Log entries without those about other councils' records (an entry about a deleted
    record of a council-scoped model is shown to every council's editors only)."""
    councils = councils_of(user)
    if councils is None or not issubclass(entries.model, ModelLogEntry):
        return entries
    for model, policy in council_policies().items():
        kept = (
            policy.in_councils_of(user, model.objects.all())
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        entries = entries.exclude(Q(content_type=content_type) & ~Q(object_id__in=kept))
    return entries


def viewable_entries(user):
    """For each log model, the entries the user may read."""
    return [
        in_councils_of(user, log_model.objects.viewable_by_user(user))
        for log_model in log_action_registry.get_log_entry_models()
    ]


class SiteHistoryFilterSet(audit_logging.SiteHistoryReportFilterSet):
    """Only the people and actions of the entries the user may read."""

    def get_user_choices(self):
        ids = set().union(
            *(entries.get_user_ids() for entries in viewable_entries(self.request.user))
        )
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)

    def get_action_choices(self):
        actions = set().union(
            *(entries.get_actions() for entries in viewable_entries(self.request.user))
        )
        return [choice for choice in log_action_registry.get_choices() if choice[0] in actions]


class SiteHistoryView(audit_logging.LogEntriesView):
    filterset_class = SiteHistoryFilterSet

    def filter_queryset(self, queryset):
        return in_councils_of(self.request.user, super().filter_queryset(queryset))


def _admin_view(view):
    return never_cache(require_admin_access(view))


# Included before Wagtail's admin URLs (site/urls.py), so these answer at the same paths.
urlpatterns = [
    path(
        "reports/site-history/",
        _admin_view(SiteHistoryView.as_view()),
        name="site_history_in_councils",
    ),
    path(
        "reports/site-history/results/",
        _admin_view(SiteHistoryView.as_view(results_only=True)),
        name="site_history_in_councils_results",
    ),
]
