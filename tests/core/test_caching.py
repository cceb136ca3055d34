"""Public pages are served from the cache, and every kind of edit shows on the next
request: places, events, the ACV workflow, indicators. HTTP caching headers are set."""

import datetime
import random
from urllib.parse import urlencode

import pytest

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets_register.acv import workflow as acv_workflow
from assets_register.core.caching import bump_content_version, cached_page
from assets_register.models import EventKind

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    CouncilFactory,
    NominationFactory,
    PostcodeLocationFactory,
    durham_and_sacriston,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_a_cached_page_costs_no_queries_and_says_how_long_it_may_be_kept(client):
    asset = AssetFactory(name="The Red Lion")
    first, response = queries_for(client, asset.get_absolute_url())
    again, cached = queries_for(client, asset.get_absolute_url())
    assert first > 0 and again == 0
    assert cached.content == response.content
    assert "public" in cached["Cache-Control"] and "max-age=60" in cached["Cache-Control"]


def test_an_edit_to_a_place_or_its_history_shows_at_once(client):
    asset = AssetFactory(name="The Red Lion")
    client.get(asset.get_absolute_url())
    asset.name = "The Red Lion Inn"
    asset.save()
    assert "The Red Lion Inn" in client.get(asset.get_absolute_url()).content.decode()
    AssetEventFactory(asset=asset, kind=EventKind.CLOSED, date=D(2024, 5, 1))
    page = client.get(asset.get_absolute_url()).content.decode()
    assert "1 May 2024" in page


def test_the_acv_workflow_refreshes_the_council_list_and_its_exports(client):
    council = CouncilFactory(gss_code="E06000047")
    asset = AssetFactory(name="The Robin Hood", council=council)
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(council=council, asset=asset, received_on=D(2024, 1, 8))
    )
    urls = ["/acv/E06000047/", "/acv/E06000047/export.csv", asset.get_absolute_url()]
    before = [client.get(url).content for url in urls]
    entry = acv_workflow.decide_nomination(nomination, listed=True, decided_on=D(2024, 2, 1))
    after = [client.get(url).content.decode() for url in urls]
    assert all(b.decode() != a for b, a in zip(before, after, strict=True))
    assert "The Robin Hood" in after[0] and entry.reference in after[1]
    # A notice still running today: an older one would be history, not on the list.
    acv_workflow.record_disposal_notice(entry, timezone.localdate() - datetime.timedelta(days=10))
    assert "notice of intention to sell" in client.get(urls[0]).content.decode()


def test_countdowns_are_recomputed_each_day(client, monkeypatch):
    council = CouncilFactory(gss_code="E06000047")
    entry = acv_workflow.decide_nomination(
        acv_workflow.receive_nomination(
            NominationFactory.build(
                council=council, asset=AssetFactory(council=council), received_on=D(2024, 1, 8)
            )
        ),
        listed=True,
        decided_on=D(2024, 2, 1),
    )
    acv_workflow.record_disposal_notice(entry, D(2024, 6, 3))  # bid window ends 14 July
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2024, 7, 4))
    assert "10 days left" in client.get("/acv/E06000047/").content.decode()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2024, 7, 5))
    assert "9 days left" in client.get("/acv/E06000047/").content.decode()


def test_forms_with_a_csrf_token_are_never_cached(client):
    asset = AssetFactory()
    first = client.get(f"/assets/{asset.pk}/report/")
    second = client.get(f"/assets/{asset.pk}/report/")
    assert first.status_code == second.status_code == 200
    assert "public" not in second.get("Cache-Control", "")


def page_entries():
    return [key for key in cache._cache if ":page:" in key]  # the test settings' LocMemCache


def junk_queries(count):
    """Query strings a crawler, a tracking link or an attacker might add to a page's URL."""
    rng = random.Random(13)
    for n in range(count):
        name = rng.choice(["utm_source", "fbclid", "_", "x", f"junk{n}", "Q", "q[]"])
        yield urlencode({name: f"{rng.random()}", f"cb{n}": n})


def test_unknown_query_parameters_do_not_make_more_copies_of_a_page(client):
    asset = AssetFactory(name="The Red Lion")
    url = asset.get_absolute_url()
    for query in junk_queries(50):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        assert query.split("=")[1].split("&")[0] not in response.content.decode()
    assert len(page_entries()) == 1
    again, _ = queries_for(client, f"{url}?fresh=1")
    assert again == 0


def test_the_parameters_a_page_reads_still_give_their_own_pages(client):
    AssetFactory(name="The Red Lion")
    AssetFactory(name="The Black Bull")
    red = client.get("/search/?q=Red&utm_source=x").content.decode()
    bull = client.get("/search/?utm_source=y&q=Bull").content.decode()
    assert "The Red Lion" in red and "The Black Bull" not in red
    assert "The Black Bull" in bull and "The Red Lion" not in bull
    for query in junk_queries(20):
        assert client.get(f"/search/?q=Red&{query}").content.decode() == red
    assert len(page_entries()) == 2


def test_a_page_is_built_from_the_parameters_it_declares_only(client):
    """What the view cannot read cannot end up in a cached page another visitor gets."""
    CouncilFactory(gss_code="E06000047")
    national = client.get("/acv/E06000047/export.csv?q=%3Cmarker%3E").content.decode()
    statutory = client.get("/acv/E06000047/export.csv?part=statutory").content.decode()
    assert national != statutory
    page = client.get("/acv/E06000047/?q=planted-text").content.decode()
    assert "planted-text" not in page  # the search box in the header


def test_a_postcode_search_redirect_is_kept_too_and_follows_edits(client):
    """Where a postcode sends the browser depends on the URL and the register alone."""
    _, ward = durham_and_sacriston()
    PostcodeLocationFactory(postcode="DH7 6LQ")
    url = "/search/?q=dh76lq"
    first = client.get(url)
    with CaptureQueriesContext(connection) as context:
        again = client.get(url)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == f"{ward.get_absolute_url()}?postcode=DH7%206LQ"
    assert len(context.captured_queries) == 0
    ward.gss_code = "E05099999"  # an edit to the register: the next answer is worked out
    ward.save()
    assert client.get(url)["Location"] == "/areas/E05099999/?postcode=DH7%206LQ"


def test_a_copy_made_while_the_register_changed_is_not_served(rf):
    """The copy is tagged with the version read before it was built: an edit landing
    during the build (another process's save) makes it stale at once."""
    built = []

    @cached_page
    def page(request):
        built.append(1)
        if len(built) == 1:
            bump_content_version()  # the edit, committed while this copy was being made
        return HttpResponse(f"copy {len(built)}")

    assert page(rf.get("/p/")).content == b"copy 1"
    assert page(rf.get("/p/")).content == b"copy 2"  # the first copy was stale
    assert page(rf.get("/p/")).content == b"copy 2"  # this one holds
    assert len(built) == 2


def test_a_page_holds_one_copy_whatever_the_number_of_edits(client):
    asset = AssetFactory(name="The Red Lion")
    for n in range(5):
        asset.name = f"The Red Lion {n}"
        asset.save()
        assert f"The Red Lion {n}" in client.get(asset.get_absolute_url()).content.decode()
    assert len(page_entries()) == 1
