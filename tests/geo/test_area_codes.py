"""One policy for finding an area by its GSS code, the same on SQLite and PostgreSQL."""

import datetime

import pytest

from assets_register.models import Area, AreaKind
from assets_register.models.areas import named_area

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


def test_the_compiled_look_up_answers_as_by_code():
    undated = AreaFactory(gss_code="E05009076", name="Sacriston (first)")
    current = AreaFactory(gss_code="E05009076", name="Sacriston", valid_from=D(2019, 5, 2))
    AreaFactory(gss_code="E05000001", name="Old", valid_to=D(2000, 1, 1))
    council = CouncilFactory(gss_code="E06000047")
    codes = ["E05009076", " e05009076 ", "E05000001", "E06000047", "E09999999", None, "x"]
    for code in codes * 2:  # the second round runs the compiled SQL
        for kinds in ((), [AreaKind.COUNCIL], [AreaKind.WARD, AreaKind.COUNCIL]):
            assert named_area(code, kinds=kinds) == Area.objects.by_code(code, kinds=kinds)
    assert named_area("E05009076") == current != undated
    assert named_area("E05000001").name == "Old"  # abolished: its newest generation
    assert named_area("E06000047", kinds=[AreaKind.WARD]) is None
    assert named_area("E06000047").get_deferred_fields() >= {"boundary", "population"}
    assert named_area("E06000047") == council
