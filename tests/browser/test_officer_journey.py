"""A council officer works their nominations in the Wagtail admin, and the council's
public lists of assets of community value follow what they decide."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from assets_register.models import CouncilStaff

from ..factories import AssetFactory, CouncilFactory, NominationFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"
OFFICER_PERMISSIONS = [
    "access_admin",
    "view_nomination",
    "change_nomination",
    "view_listentry",
    "change_listentry",
    "add_disposalnotice",
    "change_disposalnotice",
    "view_disposalnotice",
]
# What the nominator gave the council privately: never on a public page.
CONTACT_EMAIL = "jo.bloggs@example.org"
CONTACT_PHONE = "07700 900461"
REASONS_ERROR = "Give the nominator written reasons (s.90)."


@pytest.fixture
def councils(bare_site):
    return CouncilFactory(name="County Durham"), CouncilFactory(name="Swale")


@pytest.fixture
def officer(councils):
    """A County Durham officer, whose permissions come from their admin group."""
    group = Group.objects.create(name="Council officers")
    group.permissions.set(Permission.objects.filter(codename__in=OFFICER_PERMISSIONS))
    user = User.objects.create_user("officer", "officer@durham.example", PASSWORD)
    user.groups.add(group)
    CouncilStaff.objects.create(user=user, council=councils[0])
    return user


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def long_date(day):
    return f"{day:%A %-d %B %Y}"


def nomination(council, place, received_on):
    return NominationFactory(
        council=council,
        asset=AssetFactory(name=place, council=council),
        land_name=place,
        received_on=received_on,
        contact_email=CONTACT_EMAIL,
        contact_phone=CONTACT_PHONE,
    )


def log_in(page, officer):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def dashboard_item(page, reference):
    return page.locator("main").get_by_role("listitem").filter(has_text=reference)


def open_register(page, item):
    """Register → item, from the admin's menu."""
    page.get_by_role("button", name="Register").click()
    page.get_by_role("link", name=item, exact=True).click()
    expect(page.get_by_role("heading", name=item, exact=True)).to_be_visible()


def open_nomination(page, reference):
    """From the Register → Nominations listing."""
    page.get_by_role("link", name=re.compile(rf"^{re.escape(reference)}\b")).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(reference)))).to_be_visible()


def save(page):
    page.get_by_role("button", name="Save", exact=True).click()


def test_an_officer_turns_down_an_overdue_nomination_with_written_reasons(page, councils, officer):
    durham, swale = councils
    mine = nomination(durham, "The Robin Hood", days_ago(70))  # decision was due 2 weeks ago
    theirs = nomination(swale, "The Sheppey Inn", days_ago(70))

    log_in(page, officer)
    expect(dashboard_item(page, mine.reference)).to_contain_text("County Durham")
    expect(page.locator("main")).not_to_contain_text(theirs.reference)
    expect(page.locator("main")).not_to_contain_text("The Sheppey Inn")

    open_register(page, "Nominations")
    expect(page.get_by_role("main")).not_to_contain_text(theirs.reference)
    open_nomination(page, mine.reference)
    today = timezone.localdate()
    page.get_by_label("Outcome").select_option(label="Unsuccessful")
    page.get_by_label("Decided on").fill(today.isoformat())
    save(page)
    # Refused, with the reason beside the empty field (and read out with it).
    reasons = page.get_by_label("Decision reasons")
    expect(page.get_by_text(REASONS_ERROR)).to_be_visible()
    expect(reasons).to_have_accessible_description(re.compile(re.escape(REASONS_ERROR)))

    reasons.fill("The pub closed in 2015 and its land now has planning permission for housing.")
    save(page)
    expect(page.locator(".messages")).to_contain_text(f"{mine.reference}: The Robin Hood")
    expect(page.get_by_text(REASONS_ERROR)).to_have_count(0)

    response = page.goto(f"/acv/{durham.gss_code}/unsuccessful/")
    row = page.get_by_role("row").filter(has_text=mine.reference)
    expect(row).to_contain_text("The Robin Hood")
    expect(row).to_contain_text(f"{today:%-d %B %Y}")
    expect(row).to_contain_text(
        "The pub closed in 2015 and its land now has planning permission for housing."
    )
    html = response.text()
    assert CONTACT_EMAIL not in html
    assert CONTACT_PHONE not in html


def test_an_officer_lists_a_place_and_records_the_owners_notice_to_sell(page, councils, officer):
    durham, _ = councils
    mine = nomination(durham, "The Robin Hood", days_ago(50))  # decision due within a week
    today = timezone.localdate()

    log_in(page, officer)
    expect(dashboard_item(page, mine.reference)).to_contain_text("County Durham")

    open_register(page, "Nominations")
    open_nomination(page, mine.reference)
    page.get_by_label("Outcome").select_option(label="Listed")
    page.get_by_label("Decided on").fill(today.isoformat())
    save(page)
    expect(page.locator(".messages")).to_contain_text(f"{mine.reference}: The Robin Hood")

    page.goto(f"/acv/{durham.gss_code}/")
    on_the_list = page.get_by_role("region", name="List of assets of community value")
    place = on_the_list.get_by_role("row").filter(has_text="The Robin Hood")
    expect(place).to_contain_text(mine.reference)
    expect(place).to_contain_text("No notice of sale.")

    # The owner writes to say they want to sell; the officer records the notice today.
    page.goto("/admin/")
    open_register(page, "Disposal notices")
    page.get_by_role("link", name="Add disposal notice").click()
    page.get_by_role("button", name="Choose list entry").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("link", name=f"{mine.reference}: The Robin Hood").click()
    expect(chooser).to_be_hidden()
    chosen = page.get_by_role("main").get_by_text(f"{mine.reference}: The Robin Hood")
    expect(chosen).to_be_visible()
    page.get_by_label("Notice received by the council").fill(today.isoformat())
    save(page)
    expect(page.locator(".messages")).to_contain_text("The Robin Hood")

    # Six weeks beginning with the day the notice arrived: today and 41 more days.
    page.goto(f"/acv/{durham.gss_code}/")
    bid_until = today + datetime.timedelta(days=41)
    expect(place).to_contain_text(
        re.compile(
            r"A community group can ask to bid until "
            r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} \w+ \d{4}: "
            r"\d+ days left"
        )
    )
    expect(place).to_contain_text(
        f"A community group can ask to bid until {long_date(bid_until)}: 41 days left."
    )
