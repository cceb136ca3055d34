import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets_register.law.eligibility import (
    COMMUNITY_INTEREST_GROUPS,
    Body,
    BodyType,
    bidder_problems,
    nomination_problems,
)


@pytest.mark.parametrize("body_type", [t for t in BodyType if t != BodyType.OTHER])
def test_each_reg5_body_with_a_local_connection_can_nominate(body_type):
    body = Body(body_type, has_local_connection=True, members_on_roll=21)
    assert nomination_problems(body) == []


def test_an_unincorporated_group_needs_21_members_on_the_roll():
    (problem,) = nomination_problems(Body(BodyType.UNINCORPORATED, True, members_on_roll=20))
    assert "at least 21 members" in problem and "you told us 20" in problem


def test_surplus_sharing_public_bodies_and_strangers_are_refused_with_reasons():
    problems = nomination_problems(
        Body(BodyType.COOPERATIVE, has_local_connection=False, distributes_surplus=True)
    )
    assert len(problems) == 2
    assert "surplus" in problems[0] and "area" in problems[1]
    assert (
        "public or local authority"
        in nomination_problems(Body(BodyType.CHARITY, True, is_public_authority=True))[0]
    )
    assert nomination_problems(Body(BodyType.OTHER, True))


@pytest.mark.parametrize("body_type", list(BodyType))
def test_only_community_interest_groups_can_ask_to_bid(body_type):
    problems = bidder_problems(Body(body_type, has_local_connection=True, members_on_roll=50))
    assert (problems == []) == (body_type in COMMUNITY_INTEREST_GROUPS)


@given(
    st.sampled_from(list(BodyType)),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 500)),
    st.booleans(),
)
def test_every_refusal_is_explained(body_type, local, surplus, members, public):
    body = Body(body_type, local, surplus, members, public)
    for problems in (nomination_problems(body), bidder_problems(body)):
        assert all(p.endswith(".") for p in problems)
    # a body that may bid may always nominate
    if not bidder_problems(body) and not public:
        assert nomination_problems(body) == []
