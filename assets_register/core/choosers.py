"""A search box for admin choosers whose model is not in Wagtail's search index (places and
areas are kept out of it: bulk imports need no index to stay in step). The chooser's own
`search_function(objects, query)` does the searching, so each model searches its own way."""

from django import forms

from wagtail.admin.forms.choosers import BaseFilterForm


class ChooserSearchForm(BaseFilterForm):
    q = forms.CharField(
        label="Search term",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Search"}),
    )

    def __init__(self, *args, search_function, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_function = search_function

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching, self.search_query = True, query
        return self.search_function(objects, query)


class SearchableChooserMixin:
    """For a chooser's choose and results views: searched by `search_function`, a plain
    function (objects, query) -> objects or a list, given by the viewset."""

    search_function = None

    def get_filter_form(self):
        if self.search_function is None:
            return super().get_filter_form()
        return ChooserSearchForm(self.request.GET, search_function=self.search_function)


class SearchableChooserViewSetMixin:
    """For a ChooserViewSet: hands its `search_function` (a staticmethod) to its views."""

    search_function = None

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(search_function=self.search_function, **kwargs)
