"""With JavaScript turned off, everything but the maps still works: searching, reading a
place's page, nominating, asking for alerts, reporting news and the figures by area, and
the home page says where to find places when its map cannot show them."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from django.core import mail

from assets_register.indicators.compute import recompute
from assets_register.models import Nomination, Report, Subscription

from ..factories import durham_and_sacriston

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server):
    """Like the shared `page` fixture, with JavaScript turned off: requests may only go to
    the live server, and any failed request (a missing stylesheet, say) fails the test."""
    origin = urlsplit(live_server.url).netloc
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        java_script_enabled=False,
    )
    external = []

    def guard(route):
        if urlsplit(route.request.url).netloc == origin or route.request.url.startswith(
            ("data:", "about:")
        ):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and urlsplit(response.url).path != "/favicon.ico"
            and errors.append(f"HTTP {response.status} for {response.url}")
        ),
    )
    yield page
    context.close()
    assert not errors, f"Failed requests: {errors}"
    assert external == [], f"Requests outside the site: {external}"


def heading(page):
    return page.get_by_role("heading", level=1)


def test_the_page_really_runs_no_script(bare_site, page):
    page.goto("/")
    # The page's scripts never ran: no map was drawn.
    expect(page.locator("#register-map .leaflet-map-pane")).to_have_count(0)
    expect(page.locator("#map-status")).to_have_text("")


def test_postcode_search_lands_on_the_ward_with_the_nearest_places(demo_site, page):
    page.goto("/")
    box = page.get_by_role("searchbox", name="Postcode, place or name")
    box.fill("dh7 6lq")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/areas/E05009076/\?postcode=DH7(%20|\+)6LQ$"))
    expect(heading(page)).to_have_text("Sacriston")
    nearest = page.locator(".callout .asset-list > li")
    expect(nearest).to_have_count(10)
    expect(nearest.first.get_by_role("link")).to_have_text("Sacriston Library")


def test_a_place_page_shows_its_details_and_timeline(burslem_library, page):
    library = burslem_library
    page.goto(library.get_absolute_url())
    expect(heading(page)).to_have_text("Burslem Library")
    details = page.get_by_role("region", name="Details")
    expect(details.locator("dt:has-text('Status') + dd")).to_have_text("Closed")
    expect(details.locator("dt:has-text('Address') + dd")).to_contain_text(library.postcode)
    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(timeline.filter(has_text="Closed")).to_contain_text("2011")


def test_the_nomination_form_explains_a_missing_answer_then_sends(sacriston_library, page):
    library = sacriston_library
    page.goto(library.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Nominate Sacriston Library")).click()
    page.get_by_label("What kind of group is nominating?").select_option(
        label="Unincorporated community group"
    )
    page.get_by_label("How is the group connected to the area?").fill("We all live in Sacriston.")
    page.get_by_label("Members on the electoral roll here or in a neighbouring area").fill("30")
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
    page.get_by_label("Your email address").fill("jo.bloggs@example.org")
    page.get_by_role("button", name="Send the nomination").click()  # no name given

    expect(page.get_by_role("alert")).to_contain_text("1 answer needs attention")
    name = page.get_by_label("Your name")
    expect(name).to_have_attribute("aria-invalid", "true")
    # The error is said with the field, not only shown beside it.
    expect(name).to_have_accessible_description(re.compile(r"^This field is required\."))
    assert not Nomination.objects.exists()

    name.fill("Jo Bloggs")
    page.get_by_role("button", name="Send the nomination").click()
    expect(heading(page)).to_have_text("Nomination received")
    nomination = Nomination.objects.get()
    expect(page.locator(".callout")).to_contain_text(f"Your reference is {nomination.reference}")
    assert nomination.asset == library and mail.outbox[0].to == ["jo.bloggs@example.org"]


def test_asking_for_alerts_leads_to_check_your_email(bare_site, page):
    durham_and_sacriston()
    page.goto("/areas/E05009076/")
    page.get_by_role("link", name="email alerts").click()
    expect(heading(page)).to_have_text("Get alerts for Sacriston")
    email = page.get_by_label("Your email address")
    expect(email).to_have_accessible_description(
        "We send a link to confirm it. We never publish it or share it."
    )
    email.fill("campaigner@example.net")
    page.get_by_role("button", name="Send me a confirmation email").click()
    expect(heading(page)).to_have_text("Check your email")
    subscription = Subscription.objects.get()
    assert subscription.area.gss_code == "E05009076" and subscription.confirmed_at is None
    assert mail.outbox[-1].to == ["campaigner@example.net"]


def test_reporting_news_of_a_place_leads_to_check_your_email(sacriston_library, page):
    library = sacriston_library
    page.goto(library.get_absolute_url())
    page.get_by_role("link", name="Report news of Sacriston Library").click()
    page.get_by_label("It is at risk").check()
    page.get_by_label("What do you know?").fill("The council is consulting on closing it.")
    page.get_by_label("Your email address").fill("resident@example.org")
    page.get_by_role("button", name="Send the report").click()
    expect(heading(page)).to_have_text("Check your email")
    report = Report.objects.get()
    assert (report.asset, report.kind, report.status) == (library, "at_risk", "unconfirmed")


def test_the_figures_by_area_are_a_table_that_filters_and_sorts(sacriston_library, page):
    recompute()  # figures for County Durham and Sacriston, from their one library
    page.goto("/indicators/")
    expect(heading(page)).to_have_text("Neighbourhoods losing places to meet")
    table = page.get_by_role("table")
    expect(table.locator("tbody tr").first).to_be_visible()
    page.get_by_label("Areas", exact=True).select_option(label="Council")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"[?&]kind=council\b"))
    councils = table.locator("tbody th[scope=row]").get_by_role("link")
    expect(councils.filter(has_text="County Durham")).to_have_count(1)
    table.get_by_role("link", name="Open now").click()
    expect(table.locator("th[aria-sort]")).to_have_text("Open now")


def test_the_home_page_says_where_to_find_places_without_the_map(sacriston_library, page):
    recompute()  # the figures by area list the councils
    page.goto("/")
    # The list of places in view needs the map, so it stays hidden...
    expect(page.get_by_role("region", name="Places in view")).to_have_count(0)
    # ...and the page says what to do instead.
    fallback = page.locator(".map-panel .callout")
    expect(fallback).to_contain_text("The map needs JavaScript.")
    search = fallback.get_by_role("link", name="search by postcode, place or name")
    expect(search).to_have_attribute("href", "/search/")
    fallback.get_by_role("link", name="council by council").click()
    page.get_by_role("table").get_by_role("link", name="County Durham", exact=True).click()
    expect(heading(page)).to_have_text("County Durham")
    places = page.get_by_role("region", name="Places in County Durham").get_by_role("listitem")
    expect(places.filter(has_text="Sacriston Library")).to_have_count(1)
    # The register can be downloaded from the home page too.
    page.go_back()
    page.go_back()
    expect(page.get_by_role("link", name="CSV", exact=True)).to_have_attribute(
        "href", "/downloads/register.csv"
    )
