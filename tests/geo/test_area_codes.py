"""One policy for finding an area by its GSS code, the same on SQLite and PostgreSQL."""

import datetime

import pytest

from assets_register.models import Area, AreaKind

from ..factories import AreaFactory, CouncilFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_generation_in_force_wins_over_older_undated_and_future_ones():
    undated = AreaFactory(gss_code="E05009076", name="Sacriston (first)")
    current = AreaFactory(gss_code="E05009076", name="Sacriston", valid_from=D(2019, 5, 2))
    AreaFactory(gss_code="E05009076", name="Sacriston (next)", valid_from=D(2099, 5, 1))
    assert Area.objects.by_code("E05009076") == current
    assert Area.objects.by_code(" e05009076 ") == current  # as typed into a form
    assert Area.objects.by_code("E05009076", on=D(2015, 1, 1)) == undated


def test_an_abolished_area_is_found_by_its_newest_generation():
    AreaFactory(gss_code="E05000001", name="Old", valid_to=D(2000, 1, 1))
    newer = AreaFactory(
        gss_code="E05000001", name="Old (1999)", valid_from=D(1999, 1, 1), valid_to=D(2010, 1, 1)
    )
    assert Area.objects.by_code("E05000001") == newer


def test_kinds_and_bad_codes():
    council = CouncilFactory(gss_code="E06000047")
    assert Area.objects.by_code("E06000047", kinds=[AreaKind.COUNCIL]) == council
    assert Area.objects.by_code("E06000047", kinds=[AreaKind.WARD]) is None
    for bad in (None, "", "E06", "E06000047x", "E06\x00000047", "'; drop table"):
        assert Area.objects.by_code(bad) is None
        assert not Area.objects.with_code(bad).exists()


def test_pages_feeds_and_the_api_agree_on_the_area(client):
    AreaFactory(gss_code="E05009076", name="Undated Sacriston")
    AreaFactory(gss_code="E05009076", name="Sacriston", valid_from=D(2019, 5, 2))
    assert "<h1>Sacriston" in client.get("/areas/E05009076/").content.decode()
    assert client.get("/api/areas/E05009076").json()["name"] == "Sacriston"
    assert (
        "Places to meet in Sacriston:" in client.get("/areas/E05009076/feed.atom").content.decode()
    )
