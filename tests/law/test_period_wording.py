"""Pages, emails and forms word every statutory period from the regime in force: a new
regime with other lengths changes what they say, with no code change."""

import datetime

import pytest

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assets_register.acv.forms import NominationForm
from assets_register.acv.lists import STATUTORY_FIELD_MEANINGS
from assets_register.law.statutory import Counting, Period, Unit
from assets_register.models import Clock, StatutoryRegime

from ..acv.test_nominations import answers
from ..factories import AssetFactory, CouncilFactory

pytestmark = pytest.mark.django_db

CHANGED = {
    Clock.DECISION: (10, "weeks"),
    Clock.LISTING: (7, "years"),
    Clock.FUTURE_USE: (10, "years"),
    Clock.INTERIM_MORATORIUM: (3, "months"),
    Clock.REVIEW_REQUEST: (30, "days"),
}


@pytest.fixture
def pub():
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    return AssetFactory(name="The Robin Hood", council=council)


@pytest.fixture
def new_law():
    """A regime in force from yesterday, changing five periods of the 2012 one."""
    old = StatutoryRegime.objects.commenced().get()
    new = StatutoryRegime.objects.create(
        name="Changed rules", takes_effect=timezone.localdate() - datetime.timedelta(days=1)
    )
    for period in old.periods.all():
        period.pk, period.regime = None, new
        period.length, period.unit = CHANGED.get(period.clock, (period.length, period.unit))
        period.save()
    return new


def pages(client, pub):
    return " ".join(
        client.get(url).content.decode()
        for url in (
            "/acv/E06000047/",
            reverse("nominate_asset", args=[pub.pk]),
            reverse("alerts_subscribe"),
            "/about/data/",
        )
    )


def test_periods_in_words_follow_house_style():
    assert Period(8, Unit.WEEKS).in_words() == "eight weeks"
    assert Period(1, Unit.YEARS).in_words() == "one year"
    assert Period(18, Unit.MONTHS).in_words() == "18 months"
    assert Period(28, Unit.DAYS, Counting.AFTER).counted_from("the decision") == (
        "28 days after the decision"
    )
    assert Period(6, Unit.WEEKS).counted_from("the notice") == "six weeks beginning with the notice"


def test_the_2012_rules_read_as_the_act_says(client, pub):
    text = pages(client, pub)
    for words in ("six weeks to ask", "eight weeks to decide", "after five years", "(18 months)"):
        assert words in text
    form = NominationForm(regime=StatutoryRegime.objects.in_force_on(timezone.localdate()))
    assert "five years?" in str(form.fields["future_use"].label)


def test_a_new_regime_changes_every_page_email_and_form(client, pub, new_law):
    text = pages(client, pub)
    for words in ("three months to ask", "10 weeks to decide", "after seven years"):
        assert words in text
    assert "six weeks" not in text and "eight weeks" not in text and "five years" not in text
    assert (
        "seven years beginning with the listed date" in STATUTORY_FIELD_MEANINGS["listing-last-day"]
    )
    assert "10 years?" in str(NominationForm(regime=new_law).fields["future_use"].label)

    client.post(reverse("nominate_asset", args=[pub.pk]), answers())
    (receipt,) = mail.outbox
    assert "(10 weeks beginning with the day the council receives the nomination)" in receipt.body


def test_the_admin_help_and_errors_use_the_regime_of_the_day(client, pub, new_law):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    entry_form = client.get(reverse("wagtailsnippets_assets_register_listentry:add"))
    assert "The owner&#x27;s 30 days to ask for a review" in entry_form.content.decode()
    notice_form = client.get(reverse("wagtailsnippets_assets_register_disposalnotice:add"))
    assert "only within three months beginning with" in notice_form.content.decode()
