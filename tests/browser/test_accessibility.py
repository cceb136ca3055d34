"""axe-core on every public page template: no WCAG 2.0/2.1/2.2 A or AA failure of any
impact, and nothing to scroll sideways at 320 px.

Each page is opened as a visitor meets it: forms as they first appear, and again with
the errors a careless submission brings; the pages a form leads to, reached by sending
it; error pages with their real status. Admin and email templates, and the includes
that are parts of pages, are not pages of their own.
"""

import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from playwright.sync_api import expect

from django.conf import settings
from django.core import signing
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from assets_register.acv import workflow as acv_workflow
from assets_register.alerts.emails import LIST_SALT, NOMINATOR_SALT, confirm_token
from assets_register.models import (
    Area,
    AreaKind,
    Asset,
    AssetEvent,
    EventKind,
    Report,
    Review,
    Subscription,
)

from ..factories import NominationFactory
from .support import axe_violations, document_status

pytestmark = pytest.mark.browser

DURHAM, SACRISTON_WARD = "E06000047", "E05009076"
MAPS_WITH_MARKERS = ".map[data-api], .map[data-geojson]"


def asset_url(name, suffix=""):
    return f"{Asset.objects.get(name=name).get_absolute_url()}{suffix}"


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def nominate(asset_name, received_days_ago, **decision):
    durham = Area.objects.filter(gss_code=DURHAM, kind=AreaKind.COUNCIL).current().get()
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=Asset.objects.get(name=asset_name),
            land_name=asset_name,
            received_on=days_ago(received_days_ago),
        )
    )
    if decision:
        return acv_workflow.decide_nomination(nomination, **decision)
    return nomination


def durham_acv_register():
    """County Durham lists Sacriston Library, whose owner has asked for a review and given
    notice to sell; turns down a nomination; and has one still to decide. The demo data
    has no assets of community value."""
    entry = nominate(
        "Sacriston Library", 120, listed=True, decided_on=days_ago(70), reference="DCC-ACV-1"
    )
    Review.objects.create(entry=entry, requested_on=days_ago(20))
    notice = acv_workflow.record_disposal_notice(entry, days_ago(10))
    acv_workflow.record_bidder_request(
        notice,
        group_name="Friends of Sacriston Library",
        group_type="charity",
        received_on=days_ago(3),
    )
    nominate(
        "Esh Winning Library",
        200,
        listed=False,
        decided_on=days_ago(150),
        reasons="Its main use is not furthering social wellbeing.\nAncillary use only.",
    )
    return nominate("Lanchester Library", 5)


def subscription(confirmed=True):
    return Subscription.objects.create(
        email="watcher@example.net",
        area=Area.objects.get(gss_code=SACRISTON_WARD),
        confirmed_at=timezone.now() if confirmed else None,
    )


def go(path_of, status=200):
    """Open a path (or what a function returns, once the database holds its objects)."""

    def open_page(page):
        path = path_of() if callable(path_of) else path_of
        if status == 200:
            response = page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
        else:
            with document_status(page, path, status):
                page.goto(path)

    return open_page


def send(path_of, button, heading, fill=None):
    """Open a form, fill in what `fill` gives (label: value; True ticks a box), send it
    and wait for the page it leads to."""

    def open_page(page):
        go(path_of)(page)
        for label, value in (fill or {}).items():
            field = page.get_by_label(label, exact=True)
            if value is True:
                field.check()
            else:
                field.fill(value)
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    return open_page


def rate_limited(page):
    with override_settings(ALERT_RATE_PER_IP="0/h"):
        go("/alerts/confirm/any-token/", status=429)(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Please try again later")


def database_unavailable(page):
    """The middleware's 503 page, for the database failing under a view."""
    with mock.patch(
        "assets_register.register.views.search",
        side_effect=OperationalError("unable to open database file"),
    ):
        go("/search/?q=library", status=503)(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The register is not available right now"
    )


def report_with_token():
    report = Report.objects.create(
        kind="closed",
        asset=Asset.objects.get(name="Sacriston Library"),
        details="Shut since Easter.",
        email="resident@example.org",
    )
    return f"/report/confirm/{report.token}/"


def nomination_received():
    """A receipt anyone may read: the council has accepted the nomination as valid."""
    nomination = durham_acv_register()
    nomination.accepted_as_valid_on = nomination.received_on
    nomination.save()
    return f"/acv/nominations/{nomination.reference}/received/"


def listed_library():
    durham_acv_register()
    return asset_url("Sacriston Library")


def withdrawn_closure():
    """Sacriston Library with a closure one edition of its dataset gave and a later one
    withdrew: the page's "Withdrawn by a later edition"."""
    library = Asset.objects.get(name="Sacriston Library")
    event = AssetEvent.objects.create(
        asset=library,
        kind=EventKind.CLOSED,
        date=datetime.date(2019, 1, 1),
        date_precision="year",
        source="ace-libraries",
        source_edition="2022",
    )
    AssetEvent.objects.filter(pk=event.pk).update(withdrawn_by_edition="2023")
    return asset_url("Sacriston Library")


def every_council():
    durham_acv_register()
    return "/acv/"


def durham_list(suffix=""):
    def path():
        durham_acv_register()
        return f"/acv/{DURHAM}/{suffix}"

    return path


PAGES = {
    # Finding places
    "home": go("/"),
    "search results": go("/search/?q=library"),
    "search with no results": go("/search/?q=Xylophone+Emporium"),
    "search form, nothing asked": go("/search/"),
    "unknown postcode": go("/search/?q=ZZ9+9ZZ"),
    "postcode district": go("/search/?q=DH7"),
    "closed library": go(lambda: asset_url("Burslem Library")),
    "library with an event a later edition withdrew": go(withdrawn_closure),
    "asset of community value with notice to sell": go(listed_library),
    "ward with postcode": go(f"/areas/{SACRISTON_WARD}/?postcode=DH7+6LQ"),
    "council": go("/areas/E06000021/"),
    "LSOA": go(lambda: Asset.objects.get(name="Sacriston Library").lsoa.get_absolute_url()),
    "about the data": go("/about/data/"),
    "what the register covers": go("/about/coverage/"),
    "page not found": go("/assets/999999999/", status=404),
    # Places to meet by area
    "indicators": go("/indicators/"),
    "indicators, wards of a council on a map": go("/indicators/?kind=ward&council=E06000021"),
    "compare two areas": go("/indicators/compare/?a=E05008714&b=E06000021"),
    "compare, unknown code": go("/indicators/compare/?a=E05008714&b=X99999999"),
    # Assets of community value
    "assets of community value": go(durham_list()),
    "unsuccessful nominations": go(durham_list("unsuccessful/")),
    "assets of community value in every council": go(every_council),
    "who may nominate": go("/acv/eligibility/?body_type=unincorporated&members_on_roll=3"),
    "nominate a place": go(f"/acv/{DURHAM}/nominate/"),
    "nominate an asset": go(lambda: asset_url("Sacriston Library", "nominate/")),
    "nominate an asset, errors shown": send(
        lambda: asset_url("Sacriston Library", "nominate/"),
        "Send the nomination",
        "Nominate Sacriston Library as an asset of community value",
    ),
    "nomination received": go(nomination_received),
    # Reports
    "report a missing place": go("/report/"),
    "report a missing place, errors shown": send(
        "/report/", "Send the report", "Report a place that is missing"
    ),
    "report news of a place": go(lambda: asset_url("Sacriston Library", "report/")),
    "report sent: check your email": send(
        lambda: asset_url("Sacriston Library", "report/"),
        "Send the report",
        "Check your email",
        fill={
            "It has closed": True,
            "What do you know?": "Shut since Easter.",
            "Your email address": "resident@example.org",
        },
    ),
    "report confirmed": go(report_with_token),
    "report link not valid": go("/report/confirm/not-a-token/", status=404),
    # Alerts
    "alerts for a ward": go(f"/alerts/?area={SACRISTON_WARD}"),
    "alerts near a postcode": go("/alerts/"),
    "alerts near a postcode, errors shown": send(
        "/alerts/",
        "Send me a confirmation email",
        "Get alerts",
        fill={"Postcode (optional)": "ZZ9 9ZZ"},
    ),
    "alerts: check your email": send(
        f"/alerts/?area={SACRISTON_WARD}",
        "Send me a confirmation email",
        "Check your email",
        fill={"Your email address": "watcher@example.net"},
    ),
    "alerts confirmed": go(lambda: f"/alerts/confirm/{confirm_token(subscription(False))}/"),
    "alerts link not valid": go("/alerts/confirm/not-a-token/", status=400),
    "manage alerts": go(lambda: f"/alerts/manage/{subscription().token}/"),
    "manage alerts, saved": send(
        lambda: f"/alerts/manage/{subscription().token}/", "Save", "Your alerts for Sacriston"
    ),
    "stop alerts": go(lambda: f"/alerts/unsubscribe/{subscription().token}/"),
    "alerts already stopped": go("/alerts/unsubscribe/no-such-token/", status=404),
    "manage link of stopped alerts": go("/alerts/manage/no-such-token/", status=410),
    "all your alerts: ask for the link": go("/alerts/mine/"),
    "all your alerts": go(
        lambda: f"/alerts/mine/{signing.dumps(subscription().email, salt=LIST_SALT)}/"
    ),
    "alerts stopped": send(
        lambda: f"/alerts/unsubscribe/{subscription().token}/", "Stop them", "Stopped"
    ),
    "stop deadline reminders": go(
        lambda: f"/alerts/reminders/stop/{signing.dumps('jo@example.org', salt=NOMINATOR_SALT)}/"
    ),
    # Refusals and failures
    "too many requests": rate_limited,
}
# The page the database-unavailable middleware serves, where this checkout has it.
if (Path(settings.BASE_DIR) / "templates" / "503.html").exists():
    PAGES["database unavailable"] = database_unavailable
# Not /api/docs, django-ninja's Swagger UI: axe finds failures in markup that is not ours
# (serious: html-has-lang in ninja's swagger.html; color-contrast of the version stamp,
# URLs and GET badges, nested-interactive operation summaries, and target-size of the
# copy-path buttons, all drawn by swagger-ui-bundle.js).


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_automated_wcag_2_2_aa_checks(demo_site, page, name):
    PAGES[name](page)
    # Check the page as people meet it: maps drawn and their markers loaded.
    for map_element in page.locator(".map").all():
        expect(map_element.locator(".leaflet-map-pane")).to_be_attached()
    for map_element in page.locator(MAPS_WITH_MARKERS).all():
        expect(map_element).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)

    # WCAG 1.4.10 Reflow: at 320 CSS pixels wide nothing needs scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px window"
    assert page.external_requests == []
