"""The Community Right to Buy as a person sees it, once the 2026 Act is in force: the
council's list and the place's page say where the purchase stands and until when."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assets_register.acv import workflow as acv_workflow
from assets_register.law.eligibility import BodyType

from ..factories import commence_right_to_buy
from .support import serious_axe_violations

pytestmark = pytest.mark.browser
D = datetime.date


@pytest.fixture
def purchase(sacriston_library, list_place):
    today = datetime.date.today()
    commence_right_to_buy(today - datetime.timedelta(days=400))
    entry = list_place(
        sacriston_library.council,
        sacriston_library,
        received_on=today - datetime.timedelta(days=300),
        decided_on=today - datetime.timedelta(days=250),
    )
    notice = acv_workflow.record_disposal_notice(entry, today - datetime.timedelta(days=30))
    purchase = acv_workflow.register_intention_to_buy(
        notice,
        group_name="Sacriston Library Trust",
        group_type=BodyType.CHARITY,
        registered_on=today - datetime.timedelta(days=20),
    )
    return acv_workflow.record_purchase_step(
        purchase,
        valuation_requested_on=today - datetime.timedelta(days=15),
        valued_on=today - datetime.timedelta(days=2),
        valuation_price=Decimal("185000"),
    )


def test_the_list_and_the_place_page_show_the_purchase_and_its_countdown(page, purchase):
    days_left = (purchase.right_last_day - datetime.date.today()).days
    page.goto(f"/acv/{purchase.notice.entry.council.gss_code}/")
    row = page.get_by_role("row", name="Sacriston Library")
    expect(row).to_contain_text(
        "Community Right to Buy: An independent valuer set the price at £185,000."
    )
    expect(row).to_contain_text(
        f"Sacriston Library Trust has the first chance to buy, and the owner may not sell to "
        f"anyone else, until {purchase.right_last_day:%A %-d %B %Y}: {days_left} days left."
    )
    assert serious_axe_violations(page) == []

    page.goto(purchase.notice.entry.asset.get_absolute_url())
    section = page.get_by_role("region", name="Asset of community value")
    expect(section).to_contain_text("The owner's notice of intention to sell was received on")
    expect(section).to_contain_text(f"{days_left} days left")
    timeline = page.locator("body")
    expect(timeline).to_contain_text("Sacriston Library Trust registered its intention to buy")
    assert serious_axe_violations(page) == []
