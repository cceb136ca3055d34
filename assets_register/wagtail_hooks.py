"""Every admin screen for the register."""

import django_filters

from django.db import transaction

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_widgets import LocationPickerWidget
from .models import Area, Asset, AssetEvent, Category, Status


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


class AssetViewSet(SnippetViewSet):
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
    panels = [
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
    ]

    def get_queryset(self, request):
        return Asset.objects.select_related("ward", "council")


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


class RegisterGroup(SnippetViewSetGroup):
    menu_label = "Register"
    menu_icon = "site"
    menu_order = 200
    items = (AssetViewSet, AreaViewSet)


register_snippet(RegisterGroup)


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

