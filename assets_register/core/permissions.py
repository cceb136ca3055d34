"""Council staff edit only their council's records."""

from django.core.exceptions import PermissionDenied

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from assets_register.core.choosers import SearchableChooserMixin, SearchableChooserViewSetMixin
from assets_register.core.optimistic_locking import RefusesStaleEditView

EVERY_COUNCIL = "assets_register.edit_every_council"
_council_policies = {}


def councils_of(user):
    """The ids of the councils a user may edit, or None for every council. Read once per
    user object, as Django caches permissions on it: a page checking many records (the
    dashboard links every deadline) asks once, not once a record."""
    if user.is_superuser or user.has_perm(EVERY_COUNCIL):
        return None
    if not hasattr(user, "_council_ids_cache"):
        user._council_ids_cache = frozenset(
            user.council_memberships.values_list("council_id", flat=True)
        )
    return set(user._council_ids_cache)


class CouncilPermissionPolicy(ModelPermissionPolicy):
    """Model permissions as usual, narrowed to records in the user's councils.
    A record with no council (not yet located) belongs to no council's staff.
    `council_path` reaches the council from the record, e.g. "entry__council"."""

    def __init__(self, model, council_path="council"):
        super().__init__(model)
        self.council_path = council_path

    def council_id_of(self, instance):
        *steps, last = self.council_path.split("__")
        for step in steps:
            instance = getattr(instance, step, None)
        return getattr(instance, f"{last}_id", None)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        councils = councils_of(user)
        return councils is None or self.council_id_of(instance) in councils

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return self.in_councils_of(user, instances)

    def in_councils_of(self, user, instances):
        """The instances in the user's councils (all of them for every council's editors)."""
        councils = councils_of(user)
        if councils is None:
            return instances
        return instances.filter(**{f"{self.council_path}__in": councils})


def register_council_policy(model, council_path="council"):
    """Scope a model's admin (listings, views, choosers, site history) to its councils."""
    policy = CouncilPermissionPolicy(model, council_path)
    register_permission_policy(model, policy)
    _council_policies[model] = policy
    return policy


def council_policies():
    """{model: its CouncilPermissionPolicy} for every council-scoped model."""
    return dict(_council_policies)


class CouncilScopedObjectMixin:
    """For admin views of one record: refuse records outside the user's councils."""

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        policy = policy_registry.get_by_type(type(instance))
        if not policy.user_has_any_permission_for_instance(
            self.request.user, ["view", "change", "delete", "publish"], instance
        ):
            raise PermissionDenied
        return instance


def council_scoped(view_class):
    return type(f"CouncilScoped{view_class.__name__}", (CouncilScopedObjectMixin, view_class), {})


class CouncilScopedChooserMixin:
    """Choosers offer, and accept, only records in the user's councils."""

    def scoped(self, queryset):
        return _council_policies[self.model_class].in_councils_of(self.request.user, queryset)

    def get_object_list(self):
        return self.scoped(super().get_object_list())


class CouncilScopedChooseView(
    SearchableChooserMixin, CouncilScopedChooserMixin, chooser_views.ChooseView
):
    pass


class CouncilScopedChooseResultsView(
    SearchableChooserMixin, CouncilScopedChooserMixin, chooser_views.ChooseResultsView
):
    pass


class CouncilScopedChosenView(CouncilScopedChooserMixin, chooser_views.SnippetChosenView):
    def get_object(self, pk):
        return self.scoped(self.model_class.objects.all()).get(pk=pk)


class CouncilScopedChosenMultipleView(
    CouncilScopedChooserMixin, chooser_views.SnippetChosenMultipleView
):
    def get_objects(self, pks):
        return self.scoped(super().get_objects(pks))


class CouncilScopedChooserViewSet(
    SearchableChooserViewSetMixin, chooser_views.SnippetChooserViewSet
):
    """A snippet chooser of the user's councils' records; searched by `search_function`
    (objects, query) -> objects where one is given."""

    choose_view_class = CouncilScopedChooseView
    choose_results_view_class = CouncilScopedChooseResultsView
    chosen_view_class = CouncilScopedChosenView
    chosen_multiple_view_class = CouncilScopedChosenMultipleView


class CouncilScopedViewSet(SnippetViewSet):
    """Council staff list, open, choose and change only their council's records."""

    chooser_viewset_class = CouncilScopedChooserViewSet

    # Every view of a single record checks the record's council, not just the model; the
    # edit view also refuses a save from a page older than the record.
    edit_view_class = council_scoped(
        type("EditView", (RefusesStaleEditView, snippet_views.EditView), {})
    )
    delete_view_class = council_scoped(snippet_views.DeleteView)
    copy_view_class = council_scoped(snippet_views.CopyView)
    unpublish_view_class = council_scoped(snippet_views.UnpublishView)
    history_view_class = council_scoped(snippet_views.HistoryView)
    usage_view_class = council_scoped(snippet_views.UsageView)
    inspect_view_class = council_scoped(snippet_views.InspectView)
    lock_view_class = council_scoped(snippet_views.LockView)
    unlock_view_class = council_scoped(snippet_views.UnlockView)
    revisions_view_class = council_scoped(snippet_views.PreviewRevisionView)
    revisions_compare_view_class = council_scoped(snippet_views.RevisionsCompareView)
    revisions_unschedule_view_class = council_scoped(snippet_views.RevisionsUnscheduleView)

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["view", "change", "delete", "publish"]
        )
