"""The wards and councils a search names, found in the names each process holds: the
same as asking the database, and up to date after an edit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets_register.geo import area_names
from assets_register.geo.area_names import AreaNames
from assets_register.geo.lookup import search

from ..factories import AreaFactory, CouncilFactory

name = st.text(st.sampled_from("abAB cé-É'\n"), max_size=12)
word = st.text(st.sampled_from("abABcéÉ-'"), min_size=1, max_size=3)


@given(
    st.lists(st.tuples(st.sampled_from(["council", "ward"]), name), max_size=30),
    st.lists(word, min_size=1, max_size=3),
    st.integers(min_value=1, max_value=5),
)
def test_it_finds_the_first_areas_whose_name_holds_every_word(areas, words, most):
    rows = [(kind, name, pk) for pk, (kind, name) in enumerate(areas, start=1)]
    expected = [
        pk
        for _, name, pk in sorted(rows)
        if all(w.lower() in " ".join(name.lower().split()) for w in words)
    ]
    assert AreaNames(rows).holding(words, most) == expected[:most]


@pytest.mark.django_db
def test_a_renamed_area_is_found_by_its_new_name_at_once():
    ward = AreaFactory(name="Plawsworth", parent=CouncilFactory(name="County Durham"))
    assert [area.name for area in search("plawsworth").areas] == ["Plawsworth"]
    ward.name = "Kimblesworth and Plawsworth"
    ward.save()
    assert [area.name for area in search("kimblesworth").areas] == [ward.name]
    assert search("kimblesworth").areas[0].parent.name == "County Durham"


@pytest.mark.django_db
def test_searches_naming_few_or_many_areas_share_one_compiled_query():
    council = CouncilFactory(name="Sacriston Town")
    AreaFactory(name="Sacriston", parent=council)
    assert len(search("sacriston town").areas) == 1 and len(search("sacriston").areas) == 2
    assert list(area_names._areas_whole.templates) == [()]  # no key: one query for all
