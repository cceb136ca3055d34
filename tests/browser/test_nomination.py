"""A resident nominates their library from its page, told as they go whether they can."""

import re

import pytest
from playwright.sync_api import expect

from django.core import mail

from assets_register.models import Nomination

from .support import serious_axe_violations

pytestmark = pytest.mark.browser


def test_nominating_from_an_asset_page(sacriston_library, page):
    library = sacriston_library
    page.goto(library.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Nominate Sacriston Library")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nominate Sacriston Library as an asset of community value"
    )
    assert not serious_axe_violations(page)

    page.get_by_label("What kind of group is nominating?").select_option(
        label="Unincorporated community group"
    )
    page.get_by_label("How is the group connected to the area?").fill("We all live in Sacriston.")
    members = page.get_by_label("Members on the electoral roll here or in a neighbouring area")
    members.fill("12")
    members.press("Tab")  # leaving the field is when a person expects the check
    feedback = page.locator("#eligibility")
    expect(feedback).to_contain_text("cannot nominate")
    expect(feedback).to_contain_text("at least 21 members")
    members.fill("30")
    members.press("Tab")
    expect(feedback).to_have_text("Your group can nominate.")

    page.get_by_label("Describe the land and where its boundary runs").fill(
        "The library building and its garden."
    )
    page.get_by_label(re.compile("How does it further the community's social wellbeing")).fill(
        "Homework club, knit and natter, the only free wifi in the village."
    )
    page.get_by_label(re.compile("Why can that use realistically continue")).fill(
        "The friends group is ready to run it with volunteers."
    )
    page.get_by_label("Nominating body").fill("Friends of Sacriston Library")
    page.get_by_label("Your name").fill("Jo Bloggs")
    page.get_by_label("Your email address").fill("jo.bloggs@example.org")
    page.get_by_role("button", name="Send the nomination").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nomination received")
    nomination = Nomination.objects.get()
    expect(page.locator(".callout")).to_contain_text(f"Your reference is {nomination.reference}")
    assert nomination.asset == library and mail.outbox[0].to == ["jo.bloggs@example.org"]
    assert "jo.bloggs" not in page.content()
    assert page.external_requests == []
