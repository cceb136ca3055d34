import pytest

from django.db.models import Model
from django.utils.html import escape

from assets_register.models import Area, AreaKind, Asset, AssetEvent, Category, EventKind, Status


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Asset, "category", [*Category.values, "no-such-kind", "", "<b> &"]),
        (Asset, "status", Status.values),
        (AssetEvent, "kind", EventKind.values),
        (Area, "kind", AreaKind.values),
    ],
)
def test_choice_labels_are_djangos(model, field, values):
    for value in values:
        instance = model(**{field: value})
        ours = getattr(instance, f"get_{field}_display")()
        assert ours == Model._get_FIELD_display(instance, model._meta.get_field(field))
        assert model.label_of(field, value) == ours  # the same label without a model
        assert model.label_html(field, value) == escape(ours)  # as |escape writes it
