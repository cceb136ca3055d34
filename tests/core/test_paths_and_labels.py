import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.db.models import Model
from django.urls import clear_script_prefix, reverse, set_script_prefix

from assets_register.core.urls import id_path
from assets_register.models import Area, AreaKind, Asset, AssetEvent, Category, EventKind, Status


@given(st.integers(min_value=0, max_value=10**12))
def test_id_path_is_reverse(pk):
    assert id_path("asset_detail", pk) == reverse("asset_detail", args=[pk])


def test_id_path_follows_the_script_prefix():
    set_script_prefix("/register/")
    try:
        assert (
            id_path("asset_detail", 7) == "/register/assets/7/" == reverse("asset_detail", args=[7])
        )
    finally:
        clear_script_prefix()
    assert id_path("asset_detail", 7) == "/assets/7/"


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Asset, "category", [*Category.values, "no-such-kind", ""]),
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
