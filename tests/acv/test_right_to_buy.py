"""The Community Right to Buy (2026 Act), once commencement brings it into force: the
group's registration of intent, progress check, valuation, offer, acceptance, completion or
withdrawal, and the owner barred from selling elsewhere while it runs. Cases that started
under the 2012 rules keep them."""

import datetime
from decimal import Decimal

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from assets_register.acv import lists as acv_lists
from assets_register.acv import workflow as acv_workflow
from assets_register.alerts import matching as alerts
from assets_register.law.eligibility import BodyType
from assets_register.models import (
    AssetEvent,
    Delivery,
    DisposalNotice,
    EventKind,
    ListEntry,
    Status,
    StatutoryRegime,
)

from ..factories import CouncilFactory, SubscriptionFactory, commence_right_to_buy

D = datetime.date
pytestmark = pytest.mark.django_db
GROUP = {"group_name": "Robin Hood Community Pub Ltd", "group_type": BodyType.COOPERATIVE}


@pytest.fixture
def entry(list_place):
    """A pub listed on 1 June 2026, before the Act is brought into force on 1 January 2027."""
    return list_place(received_on=D(2026, 4, 1), decided_on=D(2026, 6, 1))


@pytest.fixture
def act(entry):
    return commence_right_to_buy(D(2027, 1, 1))


@pytest.fixture
def notice(act, entry):
    """Received on 1 March 2027: a 12-month moratorium beginning with that day ends on
    29 February 2028 (the corresponding date, 1 March, less a day), a leap day."""
    return acv_workflow.record_disposal_notice(entry, D(2027, 3, 1))


@pytest.fixture
def purchase(notice):
    return acv_workflow.register_intention_to_buy(notice, registered_on=D(2027, 3, 8), **GROUP)


def test_today_the_2012_rules_give_a_right_to_bid_not_to_buy(entry):
    notice = acv_workflow.record_disposal_notice(entry, D(2026, 9, 1))
    assert not notice.right_to_buy and notice.full_last_day == D(2027, 2, 28)
    with pytest.raises(ValidationError, match="right to bid, not the Community Right to Buy"):
        acv_workflow.register_intention_to_buy(notice, registered_on=D(2026, 9, 8), **GROUP)


def test_a_case_keeps_the_regime_of_the_day_its_notice_arrived(act, entry):
    before = acv_workflow.record_disposal_notice(entry, D(2026, 12, 31))
    assert before.full_last_day == D(2027, 6, 30)  # six months: the 2012 Regulations
    assert not before.right_to_buy
    acv_workflow.record_bidder_request(before, received_on=D(2027, 1, 5), **GROUP)


def test_under_the_act_a_group_registers_to_buy_instead_of_asking_to_bid(notice):
    assert notice.right_to_buy
    assert (notice.interim_last_day, notice.full_last_day) == (D(2027, 4, 11), D(2028, 2, 29))
    with pytest.raises(ValidationError, match="registers its intention to buy instead"):
        acv_workflow.record_bidder_request(notice, received_on=D(2027, 3, 8), **GROUP)
    with pytest.raises(ValidationError, match="by 11 April 2027"):
        acv_workflow.register_intention_to_buy(notice, registered_on=D(2027, 4, 12), **GROUP)
    with pytest.raises(ValidationError, match="Only a parish council"):
        acv_workflow.register_intention_to_buy(
            notice,
            registered_on=D(2027, 3, 8),
            group_name="The Drinkers",
            group_type=BodyType.UNINCORPORATED,
        )


def sell(notice, day, outcome="sold_to_other", buyer="Brewery plc", buyer_type=""):
    notice.outcome, notice.outcome_on, notice.buyer, notice.buyer_type = (
        outcome,
        day,
        buyer,
        buyer_type,
    )
    notice.full_clean()


def test_while_the_right_runs_the_owner_may_sell_to_nobody_else(notice, purchase):
    notice = DisposalNotice.objects.get(pk=notice.pk)
    with pytest.raises(ValidationError, match="sell only to a community interest group"):
        sell(notice, D(2028, 2, 29))  # its last day
    with pytest.raises(ValidationError, match="holds the Community Right to Buy"):
        sell(notice, D(2027, 9, 1), "sold_to_community", "Another Trust", BodyType.CHARITY)
    sell(notice, D(2028, 3, 1))  # the day after: free to sell within the protected period


def test_the_purchase_runs_in_order_to_completion_and_ends_the_listing(notice, purchase):
    step = acv_workflow.record_purchase_step
    with pytest.raises(ValidationError, match="step before"):
        step(purchase, accepted_on=D(2027, 5, 1))
    purchase.refresh_from_db()
    step(purchase, valuation_requested_on=D(2027, 3, 20))
    step(purchase, valued_on=D(2027, 4, 30), valuation_price=Decimal("350000"))
    with pytest.raises(ValidationError, match="cannot be before"):
        step(purchase, offer_made_on=D(2027, 3, 1), offer_price=Decimal("350000"))
    purchase.refresh_from_db()
    step(purchase, offer_made_on=D(2027, 6, 1), offer_price=Decimal("350000"))
    step(purchase, accepted_on=D(2027, 6, 15))
    step(purchase, completed_on=D(2027, 9, 30))

    notice.refresh_from_db()
    assert (notice.outcome, notice.outcome_on, notice.buyer) == (
        "sold_to_community",
        D(2027, 9, 30),
        "Robin Hood Community Pub Ltd",
    )
    entry = ListEntry.objects.get(pk=notice.entry_id)
    assert (entry.removed_on, entry.removal_reason) == (D(2027, 9, 30), "disposed")
    kinds = list(
        AssetEvent.objects.filter(asset=entry.asset, date__gte=D(2027, 3, 1))
        .order_by("date", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        EventKind.DISPOSAL_NOTICE,
        EventKind.INTENT_TO_BUY,
        EventKind.VALUATION,
        EventKind.PURCHASE_OFFER,
        EventKind.PURCHASE_AGREED,
        EventKind.BOUGHT_BY_COMMUNITY,
        EventKind.ACV_REMOVED,
    ]
    entry.asset.refresh_from_db()
    assert entry.asset.status == Status.OPEN
    acv_workflow.apply_notice(notice)  # again: nothing twice
    assert AssetEvent.objects.filter(asset=entry.asset, date__gte=D(2027, 3, 1)).count() == 7


def test_a_failed_progress_check_ends_the_right_and_frees_the_owner(notice, purchase):
    acv_workflow.record_purchase_step(
        purchase,
        progress_check_requested_on=D(2027, 8, 1),
        progress_check_decided_on=D(2027, 8, 20),
        making_progress=False,
    )
    assert purchase.right_last_day == D(2027, 8, 20)
    notice = DisposalNotice.objects.get(pk=notice.pk)
    assert notice.moratorium_last_day == D(2027, 8, 20)
    with pytest.raises(ValidationError, match="right to buy ended on 20 August 2027"):
        acv_workflow.record_purchase_step(
            purchase, offer_made_on=D(2027, 9, 1), offer_price=Decimal("1")
        )
    purchase.refresh_from_db()
    sell(notice, D(2027, 8, 21))
    with pytest.raises(ValidationError, match="sell only to a community interest group"):
        sell(notice, D(2027, 8, 20))


def test_the_list_calendar_and_alerts_follow_the_purchase(client, notice, purchase):
    council = notice.entry.council
    today = D(2027, 6, 1)
    acv_workflow.record_purchase_step(
        purchase,
        valuation_requested_on=D(2027, 3, 20),
        valued_on=D(2027, 4, 30),
        valuation_price=Decimal("350000"),
    )
    row = acv_lists.asset_listing(notice.entry.asset, today)
    assert row.purchase == purchase and row.right_to_buy.days_left == 273
    (deadline,) = [
        d for d in acv_lists.deadlines(today, council=council) if d.uid.startswith("right-to-buy")
    ]
    assert deadline.day == D(2028, 2, 29)
    assert "valuer set the price at £350,000" in deadline.description

    SubscriptionFactory(asset=notice.entry.asset, email="watcher@example.net")
    event = AssetEvent.objects.get(kind=EventKind.INTENT_TO_BUY)
    assert alerts.match_event(event) == 1
    news = alerts.describe_event(event, today)
    assert news.headline.startswith("A community group has registered to buy")
    assert "first chance to buy until 29 February 2028" in news.action
    assert Delivery.objects.filter(email="watcher@example.net").exists()


def test_the_public_list_shows_the_stage_and_the_countdown(client, notice, purchase, settings):
    page = client.get(reverse("acv_list", args=[notice.entry.council.gss_code])).content.decode()
    assert "Community Right to Buy: Robin Hood Community Pub Ltd registered its intention" in page
    assert "may not sell to anyone else, until Tuesday 29 February 2028" in page


def test_the_nomination_form_asks_the_questions_of_the_law_in_force(client, act):
    council = CouncilFactory()
    url = reverse("nominate_new", args=[council.gss_code])
    today_rules = client.get(url).content.decode()
    assert "social wellbeing or interests, now or in the recent past?" in today_rules
    assert "sports ground" not in today_rules
    act.takes_effect = D(2026, 1, 1)  # pretend it is in force today
    act.save()
    under_act = client.get(url).content.decode()
    assert "social or economic wellbeing or interests, now or in the past?" in under_act
    assert "recent" not in under_act
    assert 'name="is_sports_ground"' in under_act
    assert "register its intention to buy" in under_act


def test_a_sports_ground_route_only_where_the_law_has_one(list_place):
    entry = list_place(is_sports_ground=False)
    nomination = entry.nomination
    nomination.is_sports_ground = True
    with pytest.raises(ValidationError, match="no separate route for sports grounds"):
        nomination.full_clean()
    StatutoryRegime.objects.filter(community_right_to_buy=True).update(
        takes_effect=D(2012, 9, 21) + datetime.timedelta(days=1)
    )
    nomination.full_clean()


def test_the_api_says_where_the_purchase_stands(client, notice, purchase):
    acv_workflow.record_purchase_step(
        purchase,
        valuation_requested_on=D(2027, 3, 20),
        valued_on=D(2027, 4, 30),
        valuation_price=Decimal("350000"),
    )
    body = client.get(f"/api/assets/{notice.entry.asset_id}").json()
    sale = body["acv_entry"]["disposal_notice"]
    assert sale["community_right_to_buy"] is True
    assert sale["right_to_buy"]["right_last_day"] == "2028-02-29"
    assert sale["right_to_buy"]["valuation_price"] == 350000
    assert "350,000" in sale["right_to_buy"]["stage"]


def test_the_nominating_group_is_told_of_the_right_to_buy_under_the_act(notice):
    (letter,) = notice.notices.all()
    assert "register in writing its intention to buy until 11 April 2027" in letter.body
    assert "first chance to buy" in letter.body and "29 February 2028" in letter.body
    assert "potential bidder" not in letter.body
