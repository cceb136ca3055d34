"""reverse_one: reverse() of a one-argument link, its pattern reversed once."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.urls import reverse, set_script_prefix

from assets_register.core.urls import reverse_one


@pytest.mark.parametrize(
    ("name", "value"),
    [("asset_detail", 7), ("asset_detail", 1234567), ("area_detail", "E05000901")],
)
def test_it_links_as_reverse_does(name, value):
    assert reverse_one(name, value) == reverse(name, args=[value])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/register/")
        assert reverse_one("asset_detail", 7) == "/register/assets/7/"
    finally:
        set_script_prefix("/")
    assert reverse_one("asset_detail", 7) == "/assets/7/"


def test_a_value_reverse_would_quote_goes_to_reverse():
    assert reverse_one("area_detail", "a b&c") == reverse("area_detail", args=["a b&c"])
    assert "%20" in reverse_one("area_detail", "a b&c")


@given(st.integers(min_value=0, max_value=10**12))
def test_reverse_one_reverses_any_id_as_reverse_does(pk):
    assert reverse_one("asset_detail", pk) == reverse("asset_detail", args=[pk])
