"""The moderation queue in the admin: residents' reports for the moderator's council, the
photo through its access-checked view, and one decision per report."""

from django.db import models
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel

from assets_register.core.permissions import (
    CouncilScopedViewSet,
    councils_of,
    register_council_policy,
)
from assets_register.models import Report, ReportStatus
from assets_register.reports.moderation import apply_moderation

register_council_policy(Report)


class ReportPhotoPanel(Panel):
    """Shows a report's photo to its moderator through the access-checked photo view."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "assets_register/admin/report_photo_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["report"] = self.instance
            return context


class ReportedPanel(FieldPanel):
    """What the resident sent, read-only: "Not given" for a blank (not "None"), and a web
    address as a link the moderator can open to check it, in a new tab that tells the
    linked site nothing. (FieldPanel's own display builds a URLField's default form field
    to look for choices, which warns of Django 6's new default scheme.)"""

    def __init__(self, field_name, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        if value is None or value == "":
            return "Not given"
        if not isinstance(self.db_field, models.URLField):
            return super().format_value_for_display(value)
        if not value.startswith(("https://", "http://")):
            return value  # text, never a link of another scheme (javascript:)
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>', value, value
        )


class ReportAdminForm(WagtailAdminModelForm):
    """A moderator decides once: pending, or accept, merge or reject; a merge only into a
    place in the moderator's own councils."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        status.choices = [
            (value, label) for value, label in status.choices if value != ReportStatus.UNCONFIRMED
        ]
        if self.instance.moderated_at:
            for name in ("status", "duplicate_of", "rejection_reason"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "for_user", None)
        councils = councils_of(user) if user else None
        duplicate = cleaned.get("duplicate_of")
        if (
            councils is not None
            and duplicate is not None
            and duplicate.council_id is not None
            and duplicate.council_id not in councils
        ):
            self.add_error("duplicate_of", "This place is in another council's area.")
        return cleaned


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
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("status", heading="Decision"),
                    FieldPanel("duplicate_of"),
                    FieldPanel("rejection_reason"),
                ],
                heading="Moderate",
                help_text="Accept to add it to the register, credited to a "
                "resident's report; merge it with a place already "
                "there; or reject it with a reason the reporter is sent.",
            ),
            MultiFieldPanel(
                [
                    ReportedPanel("kind"),
                    ReportedPanel("asset"),
                    ReportedPanel("place_name"),
                    ReportedPanel("category"),
                    ReportedPanel("address"),
                    ReportedPanel("postcode"),
                    FieldRowPanel(
                        [
                            ReportedPanel("latitude"),
                            ReportedPanel("longitude"),
                        ]
                    ),
                    ReportedPanel("happened_on"),
                    ReportedPanel("details"),
                    ReportedPanel("source_url"),
                    ReportPhotoPanel(heading="Photo"),
                ],
                heading="The report",
            ),
        ],
        base_form_class=ReportAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).moderatable().select_related("asset", "council")


@hooks.register("after_edit_snippet")
def after_report_moderated(request, instance):
    if isinstance(instance, Report):
        apply_moderation(instance, request.user)
