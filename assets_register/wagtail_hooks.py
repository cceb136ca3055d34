"""Wagtail finds the admin here: each feature's screens live in its own admin module, and
this gathers them under one "Register" menu."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from assets_register.acv.admin import (
    DisposalNoticeViewSet,
    ListEntryViewSet,
    NominationViewSet,
    StatutoryRegimeViewSet,
)
from assets_register.acv.notice_admin import StatutoryNoticeViewSet
from assets_register.importers import admin as importers_admin  # noqa: F401  (its hooks)
from assets_register.importers.load_admin import AssetSourceViewSet, LoadStageViewSet
from assets_register.register.admin import AreaViewSet, AssetViewSet, CouncilStaffViewSet
from assets_register.reports.admin import ReportViewSet
from assets_register.staff import admin as staff_admin  # noqa: F401  (its hooks)


class RegisterGroup(SnippetViewSetGroup):
    menu_label = "Register"
    submenu_hook = "register_register_menu_item"
    menu_icon = "site"
    menu_order = 200
    items = (
        AssetViewSet,
        ReportViewSet,
        NominationViewSet,
        ListEntryViewSet,
        DisposalNoticeViewSet,
        StatutoryNoticeViewSet,
        AreaViewSet,
        CouncilStaffViewSet,
        StatutoryRegimeViewSet,
        LoadStageViewSet,
        AssetSourceViewSet,
    )


register_snippet(RegisterGroup)
