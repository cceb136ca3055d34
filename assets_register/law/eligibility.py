"""Who may nominate land (Localism Act s.89, Regs 4-5) and who may ask to bid (community
interest groups), explained in plain English as a person fills in the form."""

from dataclasses import dataclass

from django.db import models

MIN_MEMBERS_ON_ROLL = 21


class BodyType(models.TextChoices):
    PARISH_COUNCIL = "parish_council", "Parish or town council"
    NEIGHBOURHOOD_FORUM = "neighbourhood_forum", "Neighbourhood forum"
    UNINCORPORATED = "unincorporated", "Unincorporated community group"
    CHARITY = "charity", "Charity"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee", ("Company limited by guarantee")
    COOPERATIVE = "cooperative", "Co-operative or community benefit society"
    COMMUNITY_INTEREST_COMPANY = "community_interest_company", "Community interest company"
    OTHER = "other", "Another kind of organisation"


# Bodies that must not share any surplus with their members (Reg 5(1)(c), (e), (f)).
NON_DISTRIBUTING = frozenset(
    {
        BodyType.UNINCORPORATED,
        BodyType.COMPANY_LIMITED_BY_GUARANTEE,
        BodyType.COOPERATIVE,
    }
)
# Only these can turn the 6-week interim moratorium into the full one.
COMMUNITY_INTEREST_GROUPS = frozenset(
    {
        BodyType.PARISH_COUNCIL,
        BodyType.CHARITY,
        BodyType.COMPANY_LIMITED_BY_GUARANTEE,
        BodyType.COOPERATIVE,
        BodyType.COMMUNITY_INTEREST_COMPANY,
    }
)


@dataclass(frozen=True)
class Body:
    body_type: str
    has_local_connection: bool
    distributes_surplus: bool = False
    members_on_roll: int | None = None
    is_public_authority: bool = False


def who_may_nominate() -> list[str]:
    """Who may nominate (Reg 5), in words to read before choosing a kind of group."""
    return [
        "a parish or town council for its own area, or a neighbourhood forum;",
        "a charity, a community interest company, a company limited by guarantee, or a "
        "co-operative or community benefit society, that does not share its surplus with "
        "its members (beyond what its rules allow) and whose work is wholly or partly "
        "concerned with this council's area or a neighbouring one;",
        f"an unincorporated community group with at least {MIN_MEMBERS_ON_ROLL} members on the "
        "electoral roll for this council's area or a neighbouring one, that does not share "
        "its surplus with its members and whose work is concerned with the area.",
    ]


def nomination_problems(body: Body) -> list[str]:
    """Why this body cannot nominate land, in words a volunteer understands; [] if it can."""
    problems = []
    if body.body_type == BodyType.OTHER:
        problems.append(
            "Only a parish council, a neighbourhood forum, a charity, a community interest "
            "company, a company limited by guarantee, a co-operative or community benefit "
            "society, or a community group with at least 21 local members can nominate."
        )
    if body.is_public_authority and body.body_type != BodyType.PARISH_COUNCIL:
        problems.append("A public or local authority cannot nominate, except a parish council.")
    if body.body_type in NON_DISTRIBUTING and body.distributes_surplus:
        problems.append(
            "The group must not share any surplus with its members: it has to be used for "
            "the community."
        )
    members = body.members_on_roll or 0
    if body.body_type == BodyType.UNINCORPORATED and members < MIN_MEMBERS_ON_ROLL:
        problems.append(
            f"An unincorporated group needs at least {MIN_MEMBERS_ON_ROLL} members who are on "
            "the electoral roll for this council's area or a neighbouring one "
            f"(you told us {members})."
        )
    if not body.has_local_connection and body.body_type != BodyType.PARISH_COUNCIL:
        problems.append(
            "The group's activities must be wholly or partly concerned with this council's "
            "area or a neighbouring council's area."
        )
    return problems


def bidder_problems(body: Body) -> list[str]:
    """Why this body cannot be treated as a potential bidder; [] if it can."""
    problems = []
    if body.body_type not in COMMUNITY_INTEREST_GROUPS:
        problems.append(
            "Only a parish council, a charity, a community interest company, a company "
            "limited by guarantee or a co-operative or community benefit society can ask to "
            "be treated as a potential bidder; neighbourhood forums and unincorporated groups "
            "cannot (they can nominate, but cannot own land)."
        )
    if body.body_type in NON_DISTRIBUTING and body.distributes_surplus:
        problems.append("The group must not share any surplus with its members.")
    if not body.has_local_connection:
        problems.append("The group must have a local connection to the area.")
    return problems
