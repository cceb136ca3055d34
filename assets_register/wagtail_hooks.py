"""Every admin screen for the register."""

import datetime

import django_filters

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import acv_lists
from .admin_forms import (
    AssetAdminForm,
    DisposalNoticeAdminForm,
    ListEntryAdminForm,
    ReportAdminForm,
)
from .admin_widgets import LocationPickerWidget, ReportPhotoPanel
from .models import (
    Area,
    Asset,
    AssetEvent,
    Category,
    CouncilStaff,
    DisposalNotice,
    ListEntry,
    Nomination,
    Report,
    Status,
    StatutoryRegime,
)
from .permissions import CouncilPermissionPolicy, council_scoped, councils_of

for council_model in (Asset, Nomination, ListEntry):
    register_permission_policy(council_model, CouncilPermissionPolicy(council_model))
register_permission_policy(Report, CouncilPermissionPolicy(Report))
register_permission_policy(DisposalNotice,
                           CouncilPermissionPolicy(DisposalNotice, "entry__council"))


class AssetFilterSet(WagtailFilterSet):
    council = django_filters.ModelChoiceFilter(queryset=Area.objects.councils().current())
    ward = django_filters.ModelChoiceFilter(
        queryset=Area.objects.wards().current().order_by("name")
    )
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Asset
        fields = ["council", "ward", "category", "status"]


class CouncilScopedViewSet(SnippetViewSet):
    """Council staff list, open and change only their council's records."""

    # Every view of a single record checks the record's council, not just the model.
    edit_view_class = council_scoped(snippet_views.EditView)
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


class AssetViewSet(CouncilScopedViewSet):
    model = Asset
    icon = "site"
    menu_label = "Assets"
    add_to_admin_menu = False
    list_display = ["name", "category", "status", "ward", "council", "updated_at"]
    filterset_class = AssetFilterSet
    # Plain database search: bulk imports need no search index to stay in step.
    search_backend_name = None
    search_fields = ["name", "address", "postcode"]
    ordering = ["name"]
    list_per_page = 50
    edit_handler = ObjectList([
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("ownership")]),
        FieldPanel("operator"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("latitude", widget=LocationPickerWidget()),
                FieldPanel("longitude"),
            ],
            heading="Location",
            help_text="Leave the coordinates empty to locate the place from its postcode.",
        ),
        MultiFieldPanel(
            [FieldPanel("uprn"), FieldPanel("osm_id"), FieldPanel("source"),
             FieldPanel("source_ref")],
            heading="References",
        ),
        InlinePanel("events", heading="Timeline", label="Event"),
    ], base_form_class=AssetAdminForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ward", "council")


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "globe"
    menu_label = "Areas"
    list_display = ["name", "kind", "gss_code", "parent", "imd_decile", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_backend_name = None
    search_fields = ["name", "gss_code"]
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("gss_code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldRowPanel([FieldPanel("population"), FieldPanel("imd_rank"), FieldPanel("imd_decile")]),
    ]

    def get_queryset(self, request):
        return Area.objects.select_related("parent")


class CouncilStaffViewSet(SnippetViewSet):
    model = CouncilStaff
    icon = "group"
    menu_label = "Council staff"
    list_display = ["user", "council"]
    panels = [FieldPanel("user"), FieldPanel("council")]


class StatutoryRegimeViewSet(SnippetViewSet):
    model = StatutoryRegime
    icon = "date"
    menu_label = "Statutory periods"
    list_display = ["name", "takes_effect"]
    panels = [
        *StatutoryRegime.panels,
        InlinePanel("periods", heading="Periods", label="Period", min_num=1),
    ]


class NominationViewSet(CouncilScopedViewSet):
    model = Nomination
    icon = "form"
    menu_label = "Nominations"
    list_display = ["reference", "land_name", "council", "received_on", "decision_due",
                    "outcome"]
    list_filter = ["outcome"]
    search_backend_name = None
    search_fields = ["reference", "land_name", "body_name"]
    ordering = ["outcome", "decision_due"]
    panels = [
        MultiFieldPanel([FieldPanel("outcome"), FieldPanel("decided_on"),
                         FieldPanel("decision_reasons")],
                        heading="Decision",
                        help_text="Listing creates the list entry and tells the timeline."),
        MultiFieldPanel([FieldPanel("council"), FieldPanel("asset"),
                         FieldPanel("received_on"), FieldPanel("council_reference")],
                        heading="Received"),
        MultiFieldPanel([FieldPanel("land_name"), FieldPanel("land_address"),
                         FieldPanel("land_description"), FieldPanel("occupants"),
                         FieldPanel("owners"), FieldPanel("current_use"),
                         FieldPanel("future_use")], heading="The land"),
        MultiFieldPanel([FieldPanel("body_name"), FieldPanel("body_type"),
                         FieldPanel("body_number"), FieldPanel("members_on_roll"),
                         FieldPanel("distributes_surplus"), FieldPanel("local_connection")],
                        heading="Nominating body"),
        MultiFieldPanel([FieldPanel("contact_name"), FieldPanel("contact_email"),
                         FieldPanel("contact_phone")],
                        heading="Contact (private: never published)"),
    ]


class ListEntryViewSet(CouncilScopedViewSet):
    model = ListEntry
    icon = "list-ul"
    menu_label = "List of assets of community value"
    list_display = ["reference", "asset", "council", "listed_on", "expires_on", "removed_on"]
    search_backend_name = None
    search_fields = ["reference", "asset__name"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("reference"), FieldPanel("listed_on")]),
        FieldRowPanel([FieldPanel("council"), FieldPanel("asset")]),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("owner_notified_on"), FieldPanel("occupiers_notified_on")]),
            FieldPanel("restriction_requested_on"),
        ], heading="Notices", help_text="The owner's eight weeks to ask for a review begin "
                                        "with the written notice of listing."),
        FieldRowPanel([FieldPanel("removed_on"), FieldPanel("removal_reason")]),
        FieldPanel("removal_note"),
        InlinePanel("reviews", heading="Owner's reviews", label="Review",
                    help_text="The owner may ask within 8 weeks of the notice of listing; "
                    "the council decides within 8 weeks of the request."),
        InlinePanel("appeals", heading="Tribunal appeals", label="Appeal"),
        InlinePanel("compensation_claims", heading="Compensation claims", label="Claim"),
        InlinePanel("exempt_disposals", heading="Exempt disposals", label="Exempt disposal",
                    help_text="Disposals the moratorium does not catch (Schedule 3)."),
    ], base_form_class=ListEntryAdminForm)


class DisposalNoticeViewSet(CouncilScopedViewSet):
    model = DisposalNotice
    icon = "warning"
    menu_label = "Disposal notices"
    list_display = ["entry", "received_on", "interim_last_day", "full_last_day",
                    "protected_last_day", "outcome"]
    list_filter = ["outcome"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("entry"), FieldPanel("received_on")]),
        InlinePanel("bidder_requests", heading="Requests to be treated as a bidder",
                    label="Request", help_text="Only community interest groups, and only "
                    "within six weeks beginning with the day the notice was received."),
        FieldRowPanel([FieldPanel("outcome"), FieldPanel("outcome_on"), FieldPanel("buyer")]),
    ], base_form_class=DisposalNoticeAdminForm)


class ReportViewSet(CouncilScopedViewSet):
    """The moderation queue: confirmed reports for the moderator's council. Residents'
    words are read-only here; the moderator decides."""

    model = Report
    icon = "flag"
    menu_label = "Residents' reports"
    add_to_admin_menu = False
    list_display = ["subject", "kind", "council", "created_at", "status"]
    list_filter = ["status", "kind"]
    ordering = ["status", "created_at"]
    inspect_view_enabled = True
    edit_handler = ObjectList([
        MultiFieldPanel([
            FieldPanel("status", heading="Decision"),
            FieldPanel("duplicate_of"),
            FieldPanel("rejection_reason"),
        ], heading="Moderate", help_text="Accept to add it to the register, credited to a "
                                         "resident's report; merge it with a place already "
                                         "there; or reject it with a reason the reporter is sent."),
        MultiFieldPanel([
            FieldPanel("kind", read_only=True), FieldPanel("asset", read_only=True),
            FieldPanel("place_name", read_only=True), FieldPanel("category", read_only=True),
            FieldPanel("address", read_only=True), FieldPanel("postcode", read_only=True),
            FieldRowPanel([FieldPanel("latitude", read_only=True),
                           FieldPanel("longitude", read_only=True)]),
            FieldPanel("happened_on", read_only=True), FieldPanel("details", read_only=True),
            FieldPanel("source_url", read_only=True), ReportPhotoPanel(heading="Photo"),
        ], heading="The report"),
    ], base_form_class=ReportAdminForm)

    def get_queryset(self, request):
        return super().get_queryset(request).moderatable().select_related("asset", "council")


class RegisterGroup(SnippetViewSetGroup):
    menu_label = "Register"
    submenu_hook = "register_register_menu_item"
    menu_icon = "site"
    menu_order = 200
    items = (AssetViewSet, ReportViewSet, NominationViewSet, ListEntryViewSet,
             DisposalNoticeViewSet, AreaViewSet,
             CouncilStaffViewSet, StatutoryRegimeViewSet)


register_snippet(RegisterGroup)


@hooks.register("register_admin_urls")
def register_import_url():
    from django.urls import path

    from .admin_imports import import_view

    return [path("register/import/", import_view, name="register_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        from .admin_imports import can_import

        return can_import(request.user)


@hooks.register("register_register_menu_item")
def register_import_menu_item():
    return ImportMenuItem("Import a spreadsheet", reverse("register_import"), icon_name="upload",
                          order=900)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def after_notice_recorded(request, instance):
    from .acv_workflow import apply_exempt_disposals, apply_notice

    if isinstance(instance, DisposalNotice):
        apply_notice(instance, user=request.user)
    elif isinstance(instance, ListEntry):
        apply_exempt_disposals(instance, user=request.user)


@hooks.register("after_edit_snippet")
def after_report_moderated(request, instance):
    if isinstance(instance, Report):
        from .reports import apply_moderation

        apply_moderation(instance, request.user)


@hooks.register("after_edit_snippet")
def after_nomination_decided(request, instance):
    if isinstance(instance, Nomination):
        from .acv_workflow import apply_decision

        try:
            apply_decision(instance, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def after_asset_saved(request, instance):
    if not isinstance(instance, Asset):
        return
    AssetEvent.objects.filter(asset=instance, recorded_by__isnull=True, source="").update(
        recorded_by=request.user
    )
    from .tasks import locate_asset

    # Locating (geocoding, areas) is background work, queued once the save commits.
    transaction.on_commit(lambda: locate_asset.enqueue(instance.pk))



class DeadlinesPanel(Component):
    """The officer's dashboard: what their councils owe or must watch, overdue first, then
    the next two weeks: decisions, reviews, bid windows, moratoria, listing expiries."""

    name = "statutory_deadlines"
    order = 50
    template_name = "assets_register/admin/deadlines_panel.html"
    soon = datetime.timedelta(days=14)

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        councils = councils_of(self.user)
        urls = AdminURLFinder(self.user)

        def linked(items):
            return [(item, urls.get_edit_url(item.record)) for item in items]

        coming = [item for item in acv_lists.deadlines(today, councils=councils)
                  if item.day <= today + self.soon]
        return {"overdue": linked(acv_lists.overdue(today, councils)),
                "due_soon": linked(coming), "today": today}


@hooks.register("construct_homepage_panels")
def add_deadlines_panel(request, panels):
    panels.append(DeadlinesPanel(request.user))
