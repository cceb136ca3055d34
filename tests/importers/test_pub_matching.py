"""Matching pubs across snapshots, and reading a snapshot file, on made-up rows."""

import datetime
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from assets_register.importers.base import ImportFileError
from assets_register.importers.pub_matching import (
    Sighting,
    match_snapshots,
    name_key,
    name_similarity,
)
from assets_register.importers.snapshots import SnapshotReport, read_snapshot

DAYS = [datetime.date(2016, 10, 30), datetime.date(2019, 6, 15), datetime.date(2022, 1, 28)]


def test_names_that_differ_only_in_the_pub_words_are_the_same_key():
    assert name_key("The King's Head Inn") == name_key("Kings Head") == "kings head"
    assert name_key("Rose & Crown P.H.") == name_key("rose and crown") == "rose and crown"
    assert name_similarity("The Kings Arms", "The Kings Head") < 85


def test_an_object_listed_twice_in_one_snapshot_is_one_pub():
    rows = [Sighting("52788412", "The Albion", 51.3193, 0.8915),
            Sighting("52788412", "Albion Taverna", 51.3193, 0.8915)]  # fmt: skip
    matching = match_snapshots([(DAYS[0], rows), (DAYS[1], rows[1:])])
    assert len(matching.pubs) == 1 and matching.closure(matching.pubs[0]) is None


def test_a_pub_missing_from_one_snapshot_and_back_in_the_next_never_closed():
    red_lion = Sighting("1", "Red Lion", 54.0, -1.5)
    matching = match_snapshots([(DAYS[0], [red_lion]), (DAYS[1], []), (DAYS[2], [red_lion])])
    assert len(matching.pubs) == 1 and matching.closure(matching.pubs[0]) is None


def test_a_same_named_pub_far_away_is_another_pub():
    matching = match_snapshots(
        [(DAYS[0], [Sighting("1", "Red Lion", 54.0, -1.5)]),
         (DAYS[1], [Sighting("2", "Red Lion", 54.01, -1.5)])]  # 1.1 km north
    )  # fmt: skip
    assert len(matching.pubs) == 2
    assert matching.closure(matching.pubs[0]) == (DAYS[0], DAYS[1])


def snapshot_file(text, day="2019-06-15"):
    handle = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    handle.name = f"osm_pubs_gb_{day}.tsv"
    return handle


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=20),
            st.text(alphabet="0123456789x-", max_size=12),
            st.one_of(st.just(""), st.floats(allow_nan=True).map(str), st.text(max_size=8)),
            st.one_of(st.just(""), st.floats(allow_nan=True).map(str), st.text(max_size=8)),
        ),
        max_size=8,
    )
)
def test_reading_any_snapshot_never_crashes_and_keeps_every_object(rows):
    def clean(cell):
        return cell.replace("\t", " ").replace("\n", " ").replace("\r", " ").replace("\x00", "")

    lines = ["name\tnormalized_name\tosm_id\tlatitude\tlongitude"] + [
        "\t".join(clean(c) for c in (name, name, osm_id, lat, lon))
        for name, osm_id, lat, lon in rows
    ]
    report = SnapshotReport()
    try:
        day, sightings = read_snapshot(snapshot_file("\n".join(lines) + "\n"), report)
    except ImportFileError:
        return  # e.g. no rows at all: a clear message, not a crash
    assert day == datetime.date(2019, 6, 15)
    assert len(sightings) + report.rejected <= len(rows)
    for sighting in sightings:
        assert sighting.osm_id.isdigit()
        assert (sighting.latitude is None) == (sighting.longitude is None)
        if sighting.located:
            assert 49 < sighting.latitude < 61 and -9 < sighting.longitude < 2


def test_a_snapshot_without_its_date_in_the_name_is_refused():
    handle = snapshot_file("name\tosm_id\tlatitude\tlongitude\n")
    handle.name = "pubs.tsv"
    try:
        read_snapshot(handle, SnapshotReport())
    except ImportFileError as error:
        assert "date" in str(error)
    else:
        raise AssertionError("a snapshot without a date was read")


@given(st.text(max_size=40))
def test_a_name_key_is_its_own_key(name):
    assert name_key(name_key(name)) == name_key(name)
