"""Admin screens for the ACV workflow: nominations, the list, disposal notices, the
statutory regimes, and the officer's dashboard of deadlines."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy

from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.snippets.views.snippets import SnippetViewSet

from assets_register.acv import lists as acv_lists
from assets_register.acv import notices as acv_notices
from assets_register.acv.admin_forms import (
    DisposalNoticeAdminForm,
    ListEntryAdminForm,
    NominationAdminForm,
)
from assets_register.acv.workflow import (
    apply_decision,
    apply_entry,
    apply_notice,
    publish_nomination,
)
from assets_register.core.permissions import (
    CouncilScopedViewSet,
    councils_of,
    register_council_policy,
)
from assets_register.geo.choosers import CouncilChooserWidget
from assets_register.models import (
    Clock,
    DisposalNotice,
    ListEntry,
    Nomination,
    StatutoryRegime,
    period_words_lazy,
)

register_council_policy(Nomination)
register_council_policy(ListEntry)
register_council_policy(DisposalNotice, "entry__council")


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
    list_display = [
        "reference",
        "land_name",
        "council",
        "received_on",
        "accepted_as_valid_on",
        "decision_due",
        "outcome",
    ]
    list_filter = ["outcome"]
    search_backend_name = None
    search_fields = ["reference", "land_name", "body_name"]
    ordering = ["outcome", "decision_due"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("outcome"), FieldPanel("decided_on"), FieldPanel("decision_reasons")],
                heading="Decision",
                help_text="Listing creates the list entry and tells the timeline.",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("council", widget=CouncilChooserWidget),
                    FieldPanel("asset"),
                    FieldPanel("received_on"),
                    FieldPanel("accepted_as_valid_on"),
                    FieldPanel("council_reference"),
                ],
                heading="Received",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("land_name"),
                    FieldPanel("land_address"),
                    FieldPanel("land_description"),
                    FieldPanel("occupants"),
                    FieldPanel("owners"),
                    FieldPanel("current_use"),
                    FieldPanel("future_use"),
                ],
                heading="The land",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("body_name"),
                    FieldPanel("body_type"),
                    FieldPanel("body_number"),
                    FieldPanel("members_on_roll"),
                    FieldPanel("distributes_surplus"),
                    FieldPanel("local_connection"),
                ],
                heading="Nominating body",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("contact_name"),
                    FieldPanel("contact_email"),
                    FieldPanel("contact_phone"),
                ],
                heading="Contact (private: never published)",
            ),
        ],
        base_form_class=NominationAdminForm,
    )


class ListEntryViewSet(CouncilScopedViewSet):
    model = ListEntry
    icon = "list-ul"
    menu_label = "List of assets of community value"
    list_display = ["reference", "asset", "council", "listed_on", "expires_on", "removed_on"]
    search_backend_name = None
    search_fields = ["reference", "asset__name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("reference"), FieldPanel("listed_on")]),
            FieldRowPanel(
                [FieldPanel("council", widget=CouncilChooserWidget), FieldPanel("asset")]
            ),
            FieldRowPanel([FieldPanel("nominated_by"), FieldPanel("recorded_on")]),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("owner_notified_on"), FieldPanel("occupiers_notified_on")]
                    ),
                    FieldPanel("restriction_requested_on"),
                ],
                heading="Notices",
                help_text=format_lazy(
                    "The owner's {} to ask for a review begin with the written notice of listing.",
                    period_words_lazy(Clock.REVIEW_REQUEST),
                ),
            ),
            FieldRowPanel([FieldPanel("removed_on"), FieldPanel("removal_reason")]),
            FieldPanel("removal_note"),
            InlinePanel(
                "reviews",
                heading="Owner's reviews",
                label="Review",
                help_text=format_lazy(
                    "The owner may ask within {} of the notice of listing; "
                    "the council decides within {} of the request.",
                    period_words_lazy(Clock.REVIEW_REQUEST),
                    period_words_lazy(Clock.REVIEW_DECISION),
                ),
            ),
            InlinePanel("appeals", heading="Tribunal appeals", label="Appeal"),
            InlinePanel("compensation_claims", heading="Compensation claims", label="Claim"),
            InlinePanel(
                "exempt_disposals",
                heading="Exempt disposals",
                label="Exempt disposal",
                help_text="Disposals the moratorium does not catch (Schedule 3).",
            ),
        ],
        base_form_class=ListEntryAdminForm,
    )


class DisposalNoticeViewSet(CouncilScopedViewSet):
    model = DisposalNotice
    icon = "warning"
    menu_label = "Disposal notices"
    list_display = [
        "entry",
        "received_on",
        "interim_last_day",
        "full_last_day",
        "protected_last_day",
        "outcome",
    ]
    list_filter = ["outcome"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("entry"), FieldPanel("received_on")]),
            InlinePanel(
                "bidder_requests",
                heading="Requests to be treated as a bidder",
                label="Request",
                help_text=format_lazy(
                    "Only community interest groups, and only within {} beginning with "
                    "the day the notice was received.",
                    period_words_lazy(Clock.INTERIM_MORATORIUM),
                ),
            ),
            InlinePanel(
                "purchases",
                heading="Community Right to Buy",
                label="Intention to buy",
                max_num=1,
                help_text=format_lazy(
                    "Only for notices under a law with the Community Right to Buy (see "
                    "/about/the-law/): a community interest group registers within {} of the "
                    "notice, then each step is dated here; completing it records the sale.",
                    period_words_lazy(Clock.INTERIM_MORATORIUM),
                ),
            ),
            FieldRowPanel([FieldPanel("outcome"), FieldPanel("outcome_on")]),
            FieldRowPanel([FieldPanel("buyer"), FieldPanel("buyer_type")]),
        ],
        base_form_class=DisposalNoticeAdminForm,
    )


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def after_notice_recorded(request, instance):
    if isinstance(instance, DisposalNotice):
        apply_notice(instance, user=request.user)
    elif isinstance(instance, ListEntry):
        apply_entry(instance, user=request.user)


@hooks.register("after_create_snippet")
def after_nomination_recorded(request, instance):
    if isinstance(instance, Nomination):
        publish_nomination(instance, user=request.user)


@hooks.register("after_edit_snippet")
def after_nomination_decided(request, instance):
    if isinstance(instance, Nomination):
        try:
            apply_decision(instance, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))


class DeadlinesPanel(Component):
    """The officer's dashboard: what their councils owe or must watch, overdue first, then
    the next two weeks: decisions, reviews, bid windows, moratoria, listing expiries; and
    the statutory notices not yet sent (an unsent notice of listing holds the review clock)."""

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

        coming = [
            item
            for item in acv_lists.deadlines(today, councils=councils, for_officers=True)
            if item.day <= today + self.soon
        ]
        return {
            "overdue": linked(acv_lists.overdue(today, councils)),
            "due_soon": linked(coming),
            "to_send": [
                (notice, urls.get_edit_url(notice)) for notice in acv_notices.unsent(councils)
            ],
            "today": today,
        }


@hooks.register("construct_homepage_panels")
def add_deadlines_panel(request, panels):
    panels.append(DeadlinesPanel(request.user))
