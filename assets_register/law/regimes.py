"""The statutory regimes the register knows from the start (data migrations seed them).

Each clock is a row: its length and unit, how it is counted, what starts it (it completes
"beginning with the day …") and what it means, in the words pages and letters use."""

import datetime

# The Assets of Community Value (England) Regulations 2012 (SI 2012/2421), in force
# 21 September 2012, with the Localism Act 2011 ss.87-108 (domain.md §1.12).
REGULATIONS_2012 = {
    "name": "Assets of Community Value (England) Regulations 2012",
    "takes_effect": datetime.date(2012, 9, 21),
    "source": "https://www.legislation.gov.uk/uksi/2012/2421",
}
NOTICE_TO_SELL = "the council receives the owner's notice of wish to sell"
CLOCKS_2012 = [
    {
        "clock": "decision",
        "length": 8,
        "unit": "weeks",
        "counting": "beginning_with",
        "trigger_event": "the council receives the nomination",
        "meaning": "The council decides whether to list the land (Reg 7).",
    },
    {
        "clock": "listing",
        "length": 5,
        "unit": "years",
        "counting": "beginning_with",
        "trigger_event": "the land is entered on the list",
        "meaning": "The land stays on the list of assets of community value (s.87(3)).",
    },
    {
        "clock": "future_use",
        "length": 5,
        "unit": "years",
        "counting": "beginning_with",
        "trigger_event": "the council decides",
        "meaning": "A community use that has stopped counts if it can realistically start "
        "again within this time (s.88(2)(b)).",
    },
    {
        "clock": "review_request",
        "length": 8,
        "unit": "weeks",
        "counting": "beginning_with",
        "trigger_event": "written notice of listing is given to the owner",
        "meaning": "The owner may ask the council to review the listing, or later if the "
        "council allows it in writing (s.92, Sch 2).",
    },
    {
        "clock": "review_decision",
        "length": 8,
        "unit": "weeks",
        "counting": "beginning_with",
        "trigger_event": "the council receives the owner's request for a review",
        "meaning": "The council completes the review, unless the owner agrees a longer "
        "time in writing (Sch 2).",
    },
    {
        "clock": "appeal",
        "length": 28,
        "unit": "days",
        # The First-tier Tribunal's rule 12: a last day that is not a working day moves on.
        "counting": "after_working_day",
        "trigger_event": "the council sends the review decision",
        "meaning": "The owner may appeal to the First-tier Tribunal (General Regulatory Chamber).",
    },
    {
        "clock": "interim_moratorium",
        "length": 6,
        "unit": "weeks",
        "counting": "beginning_with",
        "trigger_event": NOTICE_TO_SELL,
        "meaning": "A community interest group may ask in writing to be treated as a "
        "potential bidder; meanwhile the owner may sell only to such a group (s.95).",
    },
    {
        "clock": "full_moratorium",
        "length": 6,
        "unit": "months",
        "counting": "beginning_with",
        "trigger_event": NOTICE_TO_SELL,
        "meaning": "If a group asked to bid in time, the owner may sell only to a community "
        "interest group until this ends (s.95).",
    },
    {
        "clock": "protected_period",
        "length": 18,
        "unit": "months",
        "counting": "beginning_with",
        "trigger_event": NOTICE_TO_SELL,
        "meaning": "After the moratorium the owner may sell to anyone, with no new "
        "moratorium, until this ends (s.95).",
    },
    {
        "clock": "compensation_claim",
        "length": 13,
        "unit": "weeks",
        "counting": "after",
        "trigger_event": "the loss or expense is incurred (or stops being incurred)",
        "meaning": "The owner may claim compensation for loss or expense caused by the "
        "listing (Reg 14).",
    },
    {
        "clock": "compensation_review",
        "length": 8,
        "unit": "weeks",
        "counting": "beginning_with",
        "trigger_event": "the council sends its written reasons on the claim",
        "meaning": "The owner may ask the council to review its compensation decision (Reg 16).",
    },
]
RULES_2012 = {
    "community_right_to_buy": False,
    "economic_wellbeing": False,
    "past_use_must_be_recent": True,
    "sports_grounds_route": False,
}
# As first seeded, for the migrations that read them (0004, 0013, 0015).
PERIODS_2012 = [
    (row["clock"], row["length"], row["unit"], row["counting"].replace("_working_day", ""))
    for row in CLOCKS_2012
]
WORKING_DAY_CLOCKS_2012 = {"appeal"}


def known_fields(model, values):
    """The values a model has fields for: migration-state models from before a field was
    added do not have it."""
    fields = {field.name for field in model._meta.get_fields()}
    return {name: value for name, value in values.items() if name in fields}


def create_rows(regime, period_model, rows):
    period_model.objects.bulk_create(
        period_model(regime=regime, **known_fields(period_model, row)) for row in rows
    )


def ensure_2012_regime(regime_model, period_model):
    """Create the 2012 regime if it is missing; works with migration-state models too."""
    regime, created = regime_model.objects.get_or_create(
        takes_effect=REGULATIONS_2012["takes_effect"],
        defaults=known_fields(regime_model, {**REGULATIONS_2012, **RULES_2012}),
    )
    if created:
        create_rows(regime, period_model, CLOCKS_2012)
    return regime


# The English Devolution and Community Empowerment Act 2026 (2026 c.23), Royal Assent
# 29 April 2026: the Community Right to Buy. No commencement regulations had been found in
# force, so it is seeded as awaiting commencement (no date): shown, never applied.
ACT_2026 = {
    "name": "English Devolution and Community Empowerment Act 2026 (Community Right to Buy)",
    "enacted_on": datetime.date(2026, 4, 29),
    "source": "https://www.legislation.gov.uk/ukpga/2026/23",
    "notes": (
        "Known changes, each to be confirmed by regulations: a Community Right to Buy (first "
        "refusal, at a price agreed or set by an independent valuer); a moratorium the "
        "government described as 12 months; owners may ask the council to check that the "
        "group is making progress; community value extends to economic wellbeing and to "
        "past use that need not be recent; a separate route for sports grounds. Every "
        "other period stays as in the 2012 Regulations until regulations say otherwise."
    ),
}
CLOCKS_2026 = [
    {
        "clock": "interim_moratorium",
        "length": 6,
        "unit": "weeks",
        "counting": "beginning_with",
        "trigger_event": NOTICE_TO_SELL,
        "meaning": "A community interest group may register its intention to buy; meanwhile "
        "the owner may sell only to such a group.",
        "to_be_confirmed": True,
    },
    {
        "clock": "full_moratorium",
        "length": 12,
        "unit": "months",
        "counting": "beginning_with",
        "trigger_event": NOTICE_TO_SELL,
        "meaning": "If a group registered its intention to buy in time, it has the first "
        "chance to buy, at a price agreed or set by an independent valuer, and the owner may "
        "not sell to anyone else until this ends, unless the group withdraws or the council "
        "finds it is not making progress.",
        "to_be_confirmed": True,
    },
]
RULES_2026 = {
    "community_right_to_buy": True,
    "economic_wellbeing": True,
    "past_use_must_be_recent": False,
    "sports_grounds_route": True,
}
# As first seeded (migration 0017 reads it).
PERIODS_2026 = [("full_moratorium", 12, "months", "beginning_with")]


def ensure_2026_act(regime_model, period_model):
    """Create the 2026 Act (awaiting commencement) if it is missing, with its rules."""
    regime, created = regime_model.objects.get_or_create(
        name=ACT_2026["name"],
        defaults=known_fields(regime_model, {**ACT_2026, **RULES_2026}),
    )
    if created:
        create_rows(regime, period_model, CLOCKS_2026)
    return regime
