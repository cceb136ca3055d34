"""Choosers of areas in the admin, searchable by name or GSS code and paginated, their
boundaries left unread (kilobytes each). Where a record asks for a council, the council
chooser offers only councils in force today, and council staff only their own: a ward is
never offered where a council is asked for."""

import re

from django.db.models import Q

from wagtail import hooks
from wagtail.admin.views.generic import chooser as generic_choosers
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.views import chooser as snippet_choosers

from assets_register.core.choosers import SearchableChooserMixin, SearchableChooserViewSetMixin
from assets_register.core.permissions import councils_of
from assets_register.models import Area
from assets_register.models.areas import GSS_CODE_REGEX

AREAS_PER_PAGE = 25


def search_areas(areas, query):
    """Areas whose name holds the query, or whose GSS code it is."""
    code = query.strip().upper()
    if re.fullmatch(GSS_CODE_REGEX, code):
        return areas.filter(Q(gss_code=code) | Q(name__icontains=query))
    return areas.filter(name__icontains=query)


def _light(areas):
    return areas.defer("boundary", "boundary_display")


class AreaListMixin(SearchableChooserMixin):
    """Every area, by kind then name, without geometry."""

    def get_object_list(self):
        return _light(Area.objects.all()).order_by("kind", "name", "pk")


class AreaChooseView(AreaListMixin, snippet_choosers.ChooseView):
    pass


class AreaChooseResultsView(AreaListMixin, snippet_choosers.ChooseResultsView):
    pass


class AreaChooserViewSet(SearchableChooserViewSetMixin, snippet_choosers.SnippetChooserViewSet):
    """The Area snippet's own chooser (an area's parent), searchable."""

    search_function = staticmethod(search_areas)
    choose_view_class = AreaChooseView
    choose_results_view_class = AreaChooseResultsView


def councils_for(user):
    """The councils in force today that the user may keep records for, by name."""
    councils = _light(Area.objects.councils().current()).order_by("name", "pk")
    allowed = councils_of(user)
    return councils if allowed is None else councils.filter(pk__in=allowed)


class CouncilListMixin(SearchableChooserMixin):
    def get_object_list(self):
        return councils_for(self.request.user)


class CouncilChooseView(CouncilListMixin, generic_choosers.ChooseView):
    pass


class CouncilChooseResultsView(CouncilListMixin, generic_choosers.ChooseResultsView):
    pass


class CouncilChosenView(generic_choosers.ChosenView):
    def get_object(self, pk):
        return councils_for(self.request.user).get(pk=pk)


class CouncilChosenMultipleView(generic_choosers.ChosenMultipleView):
    def get_objects(self, pks):
        return councils_for(self.request.user).filter(pk__in=pks)


class CouncilChooserViewSet(SearchableChooserViewSetMixin, ChooserViewSet):
    model = Area
    icon = "globe"
    choose_one_text = "Choose a council"
    choose_another_text = "Choose another council"
    page_title = "Choose a council"
    per_page = AREAS_PER_PAGE
    register_widget = False  # only the fields that ask for a council use it
    search_function = staticmethod(search_areas)
    choose_view_class = CouncilChooseView
    choose_results_view_class = CouncilChooseResultsView
    chosen_view_class = CouncilChosenView
    chosen_multiple_view_class = CouncilChosenMultipleView


council_chooser = CouncilChooserViewSet("council_chooser", url_prefix="council-chooser")
CouncilChooserWidget = council_chooser.widget_class


@hooks.register("register_admin_viewset")
def register_council_chooser():
    return council_chooser
