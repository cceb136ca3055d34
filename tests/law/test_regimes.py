"""Every statutory period comes from a regime keyed by the date it takes effect."""

import datetime

import pytest

from django.utils import timezone

from assets_register.acv import workflow as acv_workflow
from assets_register.law.statutory import Period, Unit
from assets_register.models import Clock, RegimeBook, RegimePeriod, StatutoryRegime

from ..factories import RegimePeriodFactory, StatutoryRegimeFactory

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
    old = StatutoryRegime.objects.commenced().get()
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

    regime = StatutoryRegime.objects.commenced().get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegimePeriod.objects.create(regime=regime, clock=Clock.LISTING, length=3, unit="years")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegimePeriod.objects.create(regime=regime, clock="other", length=0, unit="days")


def test_regimes_are_edited_in_the_admin(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    regime = StatutoryRegime.objects.commenced().get()
    url = f"/admin/snippets/assets_register/statutoryregime/edit/{regime.pk}/"
    page = client.get(url).content.decode()
    assert "periods-TOTAL_FORMS" in page and "Interim moratorium" in page


def test_a_regime_that_sets_only_what_changed_inherits_the_rest(client, list_place):
    """The regime's one row is the moratorium; listings, notices and calendars made under
    it still find every other period in the regime before it."""
    today = timezone.localdate()
    change = StatutoryRegimeFactory(takes_effect=today - datetime.timedelta(days=400))
    RegimePeriodFactory(regime=change, clock=Clock.FULL_MORATORIUM, length=12, unit="months")
    assert change.last_day(Clock.LISTING, D(2030, 3, 1)) == D(2035, 2, 28)
    received = today - datetime.timedelta(days=7)
    entry = list_place(received_on=received - datetime.timedelta(days=90), decided_on=received)
    assert entry.expires_on == Period(5, Unit.YEARS).last_day(received)
    notice = acv_workflow.record_disposal_notice(entry, received)
    assert notice.interim_last_day == Period(6, Unit.WEEKS).last_day(received)
    assert notice.full_last_day == Period(12, Unit.MONTHS).last_day(received)
    assert RegimeBook().period(Clock.INTERIM_MORATORIUM, received).length == 6
    calendar = client.get(f"/acv/{entry.council.gss_code}/deadlines.ics")
    assert calendar.status_code == 200
    assert f"{notice.interim_last_day:%Y%m%d}".encode() in calendar.content


def test_the_2026_act_is_seeded_awaiting_commencement_and_never_applied(list_place):
    act = StatutoryRegime.objects.awaiting_commencement().get()
    assert act.enacted_on == D(2026, 4, 29) and act.takes_effect is None
    assert "to be confirmed by regulations" in act.notes
    assert StatutoryRegime.objects.in_force_on(D(2026, 12, 1)).takes_effect == D(2012, 9, 21)
    entry = list_place(received_on=D(2026, 5, 1), decided_on=D(2026, 6, 1))
    notice = acv_workflow.record_disposal_notice(entry, D(2026, 7, 1))
    assert notice.full_last_day == D(2026, 12, 31)  # six months: the Act is not in force


def test_once_commenced_it_governs_only_cases_that_start_after(list_place):
    act = StatutoryRegime.objects.awaiting_commencement().get()
    entry = list_place(received_on=D(2026, 5, 1), decided_on=D(2026, 6, 1))
    before = acv_workflow.record_disposal_notice(entry, D(2026, 7, 1))
    act.takes_effect = D(2027, 4, 1)
    act.save()
    before.save()  # recomputed: the notice keeps the rules of the day it was received
    assert before.full_last_day == D(2026, 12, 31)
    later = list_place(received_on=D(2027, 3, 1), decided_on=D(2027, 3, 20))
    notice = acv_workflow.record_disposal_notice(later, D(2027, 4, 1))
    assert notice.full_last_day == D(2028, 3, 31)  # the Act's 12 months
    assert notice.interim_last_day == D(2027, 5, 12)  # inherited from 2012


def test_the_law_page_says_what_is_in_force_and_what_waits(client):
    page = client.get("/about/the-law/").content.decode()
    assert (
        "Assets of Community Value (England) Regulations 2012</a>, in force from 21 September 2012"
        in page
    )
    assert "English Devolution and Community Empowerment Act 2026" in page
    assert "Enacted 29 April 2026" in page
    assert "eight weeks beginning with the day the council receives the nomination" in page
    assert (
        "28 days after the day the council sends the review decision, moved to the next "
        "working day" in page
    )
    # The Act's moratorium, its wording and its rules, as data.
    assert (
        "12 months beginning with the day the council receives the owner&#x27;s notice of wish "
        "to sell <strong>(to be confirmed by regulations)</strong>" in page
    )
    assert "it has the first chance to buy, at a price agreed or set by an independent" in page
    assert "gets the first chance to buy" in page and "Economic wellbeing counts" in page
    assert "(unchanged from the rules before)" in page  # the Act inherits the rest


def test_each_clock_carries_its_trigger_and_meaning_and_a_new_row_inherits_them():
    regime = StatutoryRegime.objects.commenced().get()
    appeal = regime.period(Clock.APPEAL)
    assert appeal.counted_from() == "28 days after the day the council sends the review decision"
    assert appeal.ends_on_working_day and "First-tier Tribunal" in appeal.meaning
    change = StatutoryRegimeFactory(takes_effect=D(2030, 1, 1))
    RegimePeriodFactory(regime=change, clock=Clock.APPEAL, length=21, unit="days", counting="after")
    changed = change.period(Clock.APPEAL)
    assert changed.counted_from() == "21 days after the day the council sends the review decision"
    assert changed.meaning == appeal.meaning and not changed.ends_on_working_day


def test_only_someone_permitted_edits_the_law(client):
    from django.contrib.auth.models import Group, Permission, User

    officer = User.objects.create_user("officer", password="pw")
    officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(officer)
    regime = StatutoryRegime.objects.commenced().get()
    url = f"/admin/snippets/assets_register/statutoryregime/edit/{regime.pk}/"
    assert client.get(url).status_code in (302, 403)
    editors = Group.objects.create(name="Law editors")
    editors.permissions.add(*Permission.objects.filter(codename__endswith="statutoryregime"))
    officer.groups.add(editors)
    officer = User.objects.get(pk=officer.pk)  # permission caches are per object
    client.force_login(officer)
    assert client.get(url).status_code == 200
