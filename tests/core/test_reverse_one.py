"""reverse_one and paths_of: reverse() of a one-argument link, its pattern reversed once;
and the {% url %} tag every template gets, through it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils.html import escape

from assets_register.core.urls import paths_of, reverse_one


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


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("{% url 'home' %}", reverse("home")),
        ("{% url 'asset_detail' 7 %}", reverse("asset_detail", args=[7])),
        ("{% url 'area_detail' 'a b&c' %}", escape(reverse("area_detail", args=["a b&c"]))),
        (
            "{% url 'area_detail' gss_code='E05000901' %}",
            reverse("area_detail", kwargs={"gss_code": "E05000901"}),
        ),
        ("{% url 'api:map_markers' %}", reverse("api:map_markers")),
        (
            "{% url 'asset_detail' 7 as link %}[{{ link }}]",
            f"[{reverse('asset_detail', args=[7])}]",
        ),
    ],
)
def test_the_url_tag_links_as_reverse_does(tag, expected):
    assert Template(tag).render(Context({})) == expected


def test_the_url_tag_is_ours_in_every_template_and_still_fails_loudly():
    node = Template("{% url 'home' %}").nodelist[0]
    assert type(node).__name__ == "LinkNode"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no_such_view' %}").render(Context({}))
    assert Template("{% url 'no_such_view' as x %}[{{ x }}]").render(Context({})) == "[]"


def test_a_bare_link_follows_the_script_prefix():
    try:
        set_script_prefix("/register/")
        assert Template("{% url 'home' %}").render(Context({})) == "/register/"
    finally:
        set_script_prefix("/")
    assert Template("{% url 'home' %}").render(Context({})) == "/"


def test_paths_of_links_a_lists_rows_as_reverse_does():
    path = paths_of("area_detail")
    for code in ["E05000901", "E06000047", "a b&c"]:
        assert path(code) == reverse("area_detail", args=[code])
