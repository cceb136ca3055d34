"""A campaigner asks for alerts about a pub, confirms by email, and later stops them."""

import re

import pytest
from playwright.sync_api import expect

from django.core import mail

from assets_register.models import Subscription

from .support import serious_axe_violations

pytestmark = pytest.mark.browser


def test_subscribing_to_a_place_confirming_and_changing_it(sacriston_library, page):
    library = sacriston_library
    page.goto(library.get_absolute_url())
    page.get_by_role("link", name="email alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get alerts for Sacriston Library")
    assert not serious_axe_violations(page)

    page.get_by_label(re.compile("Closures and threats")).uncheck()
    page.get_by_label(re.compile("Nominations as assets")).uncheck()
    page.get_by_label(re.compile("Notices to sell")).uncheck()
    page.get_by_label(re.compile("Listings about to expire")).uncheck()
    page.get_by_label("Your email address").fill("campaigner@example.net")
    page.get_by_role("button", name="Send me a confirmation email").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one kind of news.")

    page.get_by_label(re.compile("Notices to sell")).check()
    page.get_by_label("A daily digest").check()
    page.get_by_role("button", name="Send me a confirmation email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert not Subscription.objects.confirmed().exists()

    confirm = re.search(r"http://[^/\s]+(/alerts/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(confirm)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your alerts have started")
    subscription = Subscription.objects.confirmed().get()
    assert (subscription.asset, subscription.topics, subscription.frequency) == (
        library,
        ["disposals"],
        "daily",
    )

    page.get_by_role("link", name="Change what you get").click()
    page.get_by_label("A weekly digest (Mondays)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    page.get_by_role("button", name="Stop these alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stopped")
    assert not Subscription.objects.exists()
    assert page.external_requests == []
