import datetime

from django.db import migrations

# The Assets of Community Value (England) Regulations 2012 (SI 2012/2421), in force
# 21 September 2012, with the Localism Act 2011 ss.87-108 (domain.md §1.12).
PERIODS_2012 = [
    ("decision", 8, "weeks", "beginning_with"),
    ("listing", 5, "years", "beginning_with"),
    ("review_request", 8, "weeks", "beginning_with"),
    ("review_decision", 8, "weeks", "beginning_with"),
    ("appeal", 28, "days", "after"),
    ("interim_moratorium", 6, "weeks", "beginning_with"),
    ("full_moratorium", 6, "months", "beginning_with"),
    ("protected_period", 18, "months", "beginning_with"),
    ("compensation_claim", 13, "weeks", "after"),
    ("compensation_review", 8, "weeks", "beginning_with"),
]


def seed(apps, schema_editor):
    Regime = apps.get_model("assets_register", "StatutoryRegime")
    Period = apps.get_model("assets_register", "RegimePeriod")
    regime, created = Regime.objects.get_or_create(
        takes_effect=datetime.date(2012, 9, 21),
        defaults={
            "name": "Assets of Community Value (England) Regulations 2012",
            "source": "https://www.legislation.gov.uk/uksi/2012/2421",
        },
    )
    if created:
        Period.objects.bulk_create(
            Period(regime=regime, clock=clock, length=length, unit=unit, counting=counting)
            for clock, length, unit, counting in PERIODS_2012
        )


class Migration(migrations.Migration):
    dependencies = [("assets_register", "0003_statutory_regimes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
