"""The statutory regimes the register knows from the start (the data migration seeds them)."""

import datetime

# The Assets of Community Value (England) Regulations 2012 (SI 2012/2421), in force
# 21 September 2012, with the Localism Act 2011 ss.87-108 (domain.md §1.12).
REGULATIONS_2012 = {
    "name": "Assets of Community Value (England) Regulations 2012",
    "takes_effect": datetime.date(2012, 9, 21),
    "source": "https://www.legislation.gov.uk/uksi/2012/2421",
}
PERIODS_2012 = [
    ("decision", 8, "weeks", "beginning_with"),
    ("listing", 5, "years", "beginning_with"),
    ("future_use", 5, "years", "beginning_with"),
    ("review_request", 8, "weeks", "beginning_with"),
    ("review_decision", 8, "weeks", "beginning_with"),
    ("appeal", 28, "days", "after"),
    ("interim_moratorium", 6, "weeks", "beginning_with"),
    ("full_moratorium", 6, "months", "beginning_with"),
    ("protected_period", 18, "months", "beginning_with"),
    ("compensation_claim", 13, "weeks", "after"),
    ("compensation_review", 8, "weeks", "beginning_with"),
]

# The First-tier Tribunal's rule 12: a last day that is not a working day moves to the next.
WORKING_DAY_CLOCKS_2012 = {"appeal"}


def ensure_2012_regime(regime_model, period_model):
    """Create the 2012 regime if it is missing; works with migration-state models too."""
    regime, created = regime_model.objects.get_or_create(
        takes_effect=REGULATIONS_2012["takes_effect"],
        defaults={k: v for k, v in REGULATIONS_2012.items() if k != "takes_effect"},
    )
    if created:
        period_model.objects.bulk_create(
            period_model(regime=regime, clock=clock, length=length, unit=unit, counting=counting)
            for clock, length, unit, counting in PERIODS_2012
        )
    # Migration-state models from before the working-day rule do not have its field.
    if any(field.name == "ends_on_working_day" for field in period_model._meta.get_fields()):
        period_model.objects.filter(regime=regime, clock__in=WORKING_DAY_CLOCKS_2012).update(
            ends_on_working_day=True
        )
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
PERIODS_2026 = [("full_moratorium", 12, "months", "beginning_with")]
