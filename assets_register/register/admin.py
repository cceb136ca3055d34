"""Admin screens for the register itself: places with their timelines, areas and council
staff. Council staff see and edit only their council's places."""

import django_filters

from django.db import transaction

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from assets_register.core.permissions import (
    CouncilScopedChooserViewSet,
    CouncilScopedViewSet,
    councils_of,
    register_council_policy,
)
from assets_register.geo.choosers import AreaChooserViewSet, CouncilChooserWidget, councils_for
from assets_register.geo.tasks import locate_asset
from assets_register.geo.widgets import LocationPickerWidget
from assets_register.models import Area, Asset, AssetEvent, Category, CouncilStaff, Status
from assets_register.register.admin_forms import AssetAdminForm

register_council_policy(Asset)
register_council_policy(CouncilStaff)


def filter_councils(request):
    return councils_for(request.user) if request else Area.objects.none()


def filter_wards(request):
    """The wards of the user's councils, boundaries unread: thousands nationally."""
    if request is None:
        return Area.objects.none()
    wards = Area.objects.wards().current().defer("boundary", "boundary_display")
    if councils_of(request.user) is not None:
        wards = wards.filter(parent__in=councils_for(request.user))
    return wards.order_by("name", "pk")


class AssetFilterSet(WagtailFilterSet):
    # An officer filters by their own councils and wards only.
    council = django_filters.ModelChoiceFilter(queryset=filter_councils)
    ward = django_filters.ModelChoiceFilter(queryset=filter_wards)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Asset
        fields = ["council", "ward", "category", "status"]


class WithdrawnEventsPanel(Panel):
    """The place's events that a later edition of their dataset withdrew, read-only: the
    inline timeline holds only the events that stand."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "assets_register/admin/withdrawn_events_panel.html"

        def is_shown(self):
            return bool(self.instance.pk) and self.instance.withdrawn_events().exists()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["withdrawn"] = self.instance.withdrawn_events()
            return context


PLACES_FOUND = 100  # a search in the place chooser: four pages of the best matches
RANK_WHOLE_UP_TO = 3000  # a council holds a few hundred places nationally, a big one more


def search_places(places, query):
    """The chooser's places like the query, best first, by the name search: an officer's
    council's places ranked whole (tens of milliseconds), everyone's through the index."""
    return places.matching(query, limit=PLACES_FOUND, rank_whole_up_to=RANK_WHOLE_UP_TO)


class PlaceChooserViewSet(CouncilScopedChooserViewSet):
    search_function = staticmethod(search_places)


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
    chooser_viewset_class = PlaceChooserViewSet
    edit_handler = ObjectList(
        [
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
                [
                    FieldPanel("uprn"),
                    FieldPanel("osm_id"),
                    FieldPanel("source"),
                    FieldPanel("source_ref"),
                ],
                heading="References",
            ),
            InlinePanel("events", heading="Timeline", label="Event"),
            WithdrawnEventsPanel(heading="Withdrawn by a later edition"),
        ],
        base_form_class=AssetAdminForm,
    )

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
    chooser_viewset_class = AreaChooserViewSet
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("gss_code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldRowPanel([FieldPanel("population"), FieldPanel("imd_rank"), FieldPanel("imd_decile")]),
    ]

    def get_queryset(self, request):
        return Area.objects.select_related("parent")


class CouncilStaffViewSet(CouncilScopedViewSet):
    model = CouncilStaff
    icon = "group"
    menu_label = "Council staff"
    list_display = ["user", "council"]
    panels = [FieldPanel("user"), FieldPanel("council", widget=CouncilChooserWidget)]


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def after_asset_saved(request, instance):
    if not isinstance(instance, Asset):
        return
    AssetEvent.objects.filter(asset=instance, recorded_by__isnull=True, source="").update(
        recorded_by=request.user
    )
    # Locating (geocoding, areas) is background work, queued once the save commits.
    transaction.on_commit(lambda: locate_asset.enqueue(instance.pk))
