"""Read-only admin screens for what the national load did: each stage (LoadStage) with its
rows, time and report, and each record of a source dataset a place cites (AssetSource).
The loaders write both; nobody adds, edits or deletes them by hand."""

from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from assets_register.models import AssetSource, LoadStage

WRITTEN_BY_THE_LOADERS = {"add", "change", "delete", "lock", "unlock", "publish"}


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Those with the model's view permission may list and inspect it; nobody may change
    it here."""

    def user_has_permission(self, user, action):
        return action not in WRITTEN_BY_THE_LOADERS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in WRITTEN_BY_THE_LOADERS]
        return super().users_with_any_permission(allowed) if allowed else self._no_users()

    def _no_users(self):
        return super().users_with_any_permission(["view"]).none()


for model in (AssetSource, LoadStage):
    register_permission_policy(model, ViewOnlyPolicy(model))


class LoadStageViewSet(SnippetViewSet):
    model = LoadStage
    icon = "download"
    menu_label = "National load"
    inspect_view_enabled = True
    list_display = [
        "name",
        Column("rows", label="Rows"),
        Column("seconds", label="Seconds"),
        "completed_at",
    ]
    list_filter = ["name"]
    inspect_view_fields = ["name", "rows", "seconds", "completed_at", "checksum", "summary"]
    search_backend_name = None
    search_fields = ["name", "summary"]
    ordering = ["completed_at"]


class AssetSourceViewSet(SnippetViewSet):
    model = AssetSource
    icon = "link"
    menu_label = "Cited sources"
    inspect_view_enabled = True
    list_display = ["asset", "source", "source_ref", "name", "first_seen", "last_seen"]
    list_filter = ["source", "first_seen", "last_seen"]
    inspect_view_fields = [
        "asset",
        "source",
        "source_ref",
        "name",
        "first_seen",
        "last_seen",
        "record",
    ]
    search_backend_name = None
    search_fields = ["source_ref", "name", "asset__name"]

    def get_queryset(self, request):
        return AssetSource.objects.select_related("asset")
