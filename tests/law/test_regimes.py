"""Every statutory period comes from a regime keyed by the date it takes effect."""

import datetime

import pytest

from assets_register.models import Clock, RegimePeriod, StatutoryRegime

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_2012_regulations_are_seeded_with_every_clock():
    regime = StatutoryRegime.objects.in_force_on(D(2021, 4, 30))
    assert regime.takes_effect == D(2012, 9, 21)
    assert {p.clock for p in regime.periods.all()} == set(Clock.values)
    notice = D(2021, 4, 30)
    assert regime.last_day(Clock.INTERIM_MORATORIUM, notice) == D(2021, 6, 10)
    assert regime.last_day(Clock.FULL_MORATORIUM, notice) == D(2021, 10, 29)
    assert regime.last_day(Clock.PROTECTED_PERIOD, notice) == D(2022, 10, 29)
    assert regime.last_day(Clock.DECISION, D(2024, 1, 1)) == D(2024, 2, 25)
    assert regime.last_day(Clock.LISTING, D(2024, 2, 29)) == D(2029, 2, 28)
    assert regime.last_day(Clock.APPEAL, D(2024, 1, 1)) == D(2024, 1, 29)


def test_a_change_in_the_law_is_a_row_not_code():
    """The proposed Community Right to Buy: a 12-month moratorium from its start date."""
    old = StatutoryRegime.objects.get()
    new = StatutoryRegime.objects.create(name="Community Right to Buy", takes_effect=D(2026, 10, 1))
    for period in old.periods.all():
        period.pk, period.regime = None, new
        if period.clock == Clock.FULL_MORATORIUM:
            period.length = 12
        period.save()
    assert StatutoryRegime.objects.in_force_on(D(2026, 9, 30)) == old
    regime = StatutoryRegime.objects.in_force_on(D(2026, 11, 2))
    assert regime == new
    assert regime.last_day(Clock.FULL_MORATORIUM, D(2026, 11, 2)) == D(2027, 11, 1)


def test_no_regime_before_the_regulations():
    with pytest.raises(StatutoryRegime.DoesNotExist, match="2010-01-01"):
        StatutoryRegime.objects.in_force_on(D(2010, 1, 1))


def test_one_period_per_clock_and_positive_lengths():
    from django.db import IntegrityError, transaction

    regime = StatutoryRegime.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegimePeriod.objects.create(regime=regime, clock=Clock.LISTING, length=3, unit="years")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegimePeriod.objects.create(regime=regime, clock="other", length=0, unit="days")


def test_regimes_are_edited_in_the_admin(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    regime = StatutoryRegime.objects.get()
    url = f"/admin/snippets/assets_register/statutoryregime/edit/{regime.pk}/"
    page = client.get(url).content.decode()
    assert "periods-TOTAL_FORMS" in page and "Interim moratorium" in page
