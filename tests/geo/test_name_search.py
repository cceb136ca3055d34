"""Searching places by name: ranked, and tolerant of typos, case, accents and apostrophes,
the same on SQLite (FTS5 trigrams) and PostgreSQL (pg_trgm)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets_register.core.text import likeness, padded, search_text, trigrams
from assets_register.geo.lookup import search
from assets_register.models import Asset, name_search

from ..factories import AreaFactory, AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pubs():
    names = ["Queen's Head", "Queens Head", "The Queen’s Head Inn", "King's Arms", "Red Lion"]
    assets = {name: AssetFactory(name=name, address="High Street") for name in names}
    AssetFactory(name="Sacriston Library", address="Plawsworth Road, Sacriston")
    return assets


def names(query):
    return [asset.name for asset in search(query).assets]


@pytest.mark.parametrize("query", ["Queen's", "Queens", "queens head", "QUEEN’S HEAD"])
def test_every_spelling_of_an_apostrophe_finds_all_three(pubs, query):
    assert set(names(query)) == {"Queen's Head", "Queens Head", "The Queen’s Head Inn"}


def test_a_typo_still_finds_the_place_and_the_closest_comes_first(pubs):
    assert names("libary") == ["Sacriston Library"]
    assert names("queens head")[-1] == "The Queen’s Head Inn"  # the looser match last
    assert names("red loin") == ["Red Lion"]


def test_an_address_finds_its_places_after_names(pubs):
    assert names("plawsworth road") == ["Sacriston Library"]


def test_a_search_writes_its_rows_without_a_model_of_each_place(pubs, monkeypatch):
    def built(*args):
        raise AssertionError("a place's model was built")

    monkeypatch.setattr(Asset, "from_db", classmethod(built))
    assert names("queens head")[-1] == "The Queen’s Head Inn"


def test_a_narrowed_queryset_finds_only_its_own_places(pubs):
    """The search reads candidates through the queryset it is given: its filters hold."""
    AssetFactory(name="Red Lion", address="Mill Lane", live=False)
    assert [row.name for row in Asset.objects.live().matching_rows("red loin")] == ["Red Lion"]
    assert len(Asset.objects.matching_rows("red loin")) == 2
    found = Asset.objects.exclude(name="Queens Head").matching_rows("queens head")
    assert {row.name for row in found} == {"Queen's Head", "The Queen’s Head Inn"}


def test_a_name_ranked_before_is_ranked_alike_and_only_so_many_are_kept(pubs, monkeypatch):
    monkeypatch.setattr(name_search, "_NAMES", {})
    monkeypatch.setattr(name_search, "NAMES_KEPT", 2)
    first = names("queens head")
    assert first[-1] == "The Queen’s Head Inn"  # the looser match last, as with none kept
    assert names("queens head") == first and len(name_search._NAMES) <= 2


def test_a_letter_or_two_find_the_places_whose_names_start_so(pubs):
    assert names("Re") == ["Red Lion"]
    assert set(names("q")) == {"Queen's Head", "Queens Head"}


def test_a_query_naming_an_area_lists_the_places_holding_it_not_look_alikes(pubs):
    AssetFactory(name="Sacristan Arms", address="High Street")
    assert names("sacriston") == ["Sacriston Library", "Sacristan Arms"]
    AreaFactory(name="Sacriston")
    assert names("sacriston") == ["Sacriston Library"]
    assert names("sacristan") == ["Sacristan Arms", "Sacriston Library"]  # no area so named


def test_what_is_not_there_is_not_found(pubs):
    assert names("swimming baths") == []
    assert names("'") == []


def test_of_too_many_places_holding_the_query_those_holding_it_as_a_word_are_ranked(monkeypatch):
    """More places hold 'green' than are ranked: the one where it is a whole word is among
    them, though the rest have shorter names ('Greenbank' holds no 'en ')."""
    monkeypatch.setattr(name_search, "CANDIDATES", 3)
    AssetFactory.create_batch(4, name="Greenbank Pub", address="High Street")
    AssetFactory(name="Abbey Park or green space", address="High Street")
    assert names("green")[0] == "Abbey Park or green space"


def test_the_index_follows_renames_and_bulk_writes(pubs):
    lion = pubs["Red Lion"]
    lion.name = "The Golden Fleece"
    lion.save()
    assert names("golden fleece") == ["The Golden Fleece"] and names("red lion") == []
    Asset.objects.bulk_create([Asset(name="Miners Welfare Hall", category="community_centre")])
    assert names("miners welfare") == ["Miners Welfare Hall"]
    hall = Asset.objects.get(name="Miners Welfare Hall")
    hall.name = "Welfare Park Pavilion"
    Asset.objects.bulk_update([hall], ["name"])
    assert names("pavilion") == ["Welfare Park Pavilion"]
    hall.delete()
    assert names("pavilion") == []


@given(st.text(max_size=40))
def test_normal_form_is_stable_and_plain(text):
    once = search_text(text)
    assert search_text(once) == once
    assert once == once.strip() and "  " not in once
    assert all(char.isalnum() or char == " " for char in once)
    if once:
        assert likeness(text, text) == 1.0


@given(st.text(max_size=40), st.text(max_size=40))
def test_padded_text_holds_exactly_its_trigrams(text, other):
    """What the ranking reads without building sets: a trigram is in the padded text
    exactly when it is one of the text's trigrams."""
    normal = search_text(text)
    for gram in trigrams(text) | trigrams(other):
        assert (gram in padded(normal)) == (gram in trigrams(text))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL samples places instead")
def test_how_many_places_hold_a_trigram_is_counted_once_for_many_searches(pubs, monkeypatch):
    """Counting reads the trigram's whole list in the index, the dearest step of a search
    for a typo; which trigrams are rarest changes slowly."""
    monkeypatch.setattr(name_search, "_PLACES_WITH", {})  # nothing counted yet
    monkeypatch.setattr(name_search, "_PLACES", {"at": -name_search.COUNTS_KEPT})
    with CaptureQueriesContext(connection) as first:
        assert names("red loin") == ["Red Lion"]
    with CaptureQueriesContext(connection) as again:
        assert names("red loin") == ["Red Lion"]
    for counted in ("SELECT (SELECT count(*)", "SELECT count(*) FROM assets_register_asset"):
        assert [query for query in first if counted in query["sql"]]
        assert not [query for query in again if counted in query["sql"]]


def test_of_many_places_like_a_misspelt_name_those_holding_most_of_it_are_ranked(pubs, monkeypatch):
    """More places hold the query's rarest trigrams than are ranked: those holding the most
    of all its trigrams are, however many hold as many of the rarest and came first."""
    monkeypatch.setattr(name_search, "CANDIDATES", 3)
    AssetFactory(name="The Anchor Inn", address="High Street")
    AssetFactory.create_batch(3, name="Anchorinnthe", address="")
    assert names("the anchor inns")[0] == "The Anchor Inn"


def test_common_trigrams_are_looked_up_in_pairs_with_word_ends_and_still_find_typos(
    pubs, monkeypatch
):
    """Every trigram reads too many places alone: pairs of them still find a place like the
    query, counting its words' ends ('nt '), which may be all a short word keeps of it."""
    monkeypatch.setattr(name_search, "ROWS_READ", 0)
    AssetFactory(name="Tynant Arms", address="High Street")
    AssetFactory(name="Tyango Bar", address="High Street")
    assert "Tynant Arms" in names("tyant")
    assert names("libary") == ["Sacriston Library"]
    assert names("red loin") == ["Red Lion"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL pairs its own")
def test_a_typo_that_made_the_rarest_trigrams_is_found_by_the_next_rarest(pubs, monkeypatch):
    """'libary' holds 'iba' and 'bar', which only 'Cibar' holds: pairs of those two find
    no place like the query, and pairs of the next rarest find the libraries."""
    monkeypatch.setattr(name_search, "ROWS_READ", 0)  # pairs, not single trigrams
    monkeypatch.setattr(name_search, "SQLITE_PAIRED_OF", 2)
    AssetFactory(name="Cibar", address="")
    AssetFactory.create_batch(2, name="Esh Library", address="Front Street")
    assert set(names("libary")) == {"Sacriston Library", "Esh Library"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL samples places instead")
def test_a_trigram_most_places_hold_is_counted_only_until_it_is_common(pubs, monkeypatch):
    """Counting reads a trigram's places from the index, only until more hold it than make
    it common: 'hig', of every 'High Street', would have every place read."""
    monkeypatch.setattr(name_search, "_PLACES_WITH", {})
    monkeypatch.setattr(name_search, "COMMON_FLOOR", 2)
    assert len(names("high stret")) == 5  # every place on High Street
    assert name_search._PLACES_WITH["hig"][0] == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's segments")
def test_a_bulk_write_merges_the_segments_it_adds_to_the_index(pubs):
    """FTS5 writes each statement's terms as a segment, and every lookup searches each."""
    Asset.objects.bulk_create(
        [Asset(name=f"Village Hall {n}", category="community_centre") for n in range(6)],
        batch_size=1,  # a statement, and a segment, each
    )
    assert _index_segments() == 1
    assert names("village hal 5")[0] == "Village Hall 5"


def _index_segments():
    """How many segments the name index has: its structure record (id 10) holds a 4-byte
    cookie, then the number of levels and of segments as varints (one byte below 128)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT block FROM {name_search.FTS_TABLE}_data WHERE id = 10")
        block = cursor.fetchone()[0]
    assert block[4] < 128 and block[5] < 128
    return block[5]


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's index")


@postgres_only
def test_how_many_places_hold_a_trigram_is_sampled_once_for_many_searches(pubs, monkeypatch):
    """pg_trgm keeps no counts: a sample of places is read, and kept for COUNTS_KEPT."""
    monkeypatch.setattr(name_search, "_SAMPLE", {"at": -name_search.COUNTS_KEPT})
    with CaptureQueriesContext(connection) as first:
        assert names("red loin") == ["Red Lion"]
    with CaptureQueriesContext(connection) as again:
        assert names("red loin") == ["Red Lion"]
    sampling = [query for query in first if "TABLESAMPLE" in query["sql"]]
    assert sampling and not [query for query in again if "TABLESAMPLE" in query["sql"]]


@postgres_only
def test_each_trigram_is_looked_up_and_scored_as_the_name_holds_it(pubs):
    """What PostgreSQL's candidate query asks of a name: a trigram's LIKE patterns match,
    and its spaced substring is found, exactly when the name holds the trigram."""
    normals = ["the queens head inn", "red lion 5 high street", "a b", "sacriston library"]
    queries = ["queens", "red loin", "libary", "a inn", "ion", "b"]
    with connection.cursor() as cursor:
        for normal in normals:
            for gram in trigrams(normal).union(*(trigrams(query) for query in queries)):
                held = gram in padded(normal)
                spaced = gram[1:] if gram.startswith("  ") else gram
                cursor.execute("SELECT strpos(' ' || %s || ' ', %s) > 0", [normal, spaced])
                assert cursor.fetchone()[0] == held, (normal, gram)
                if name_search._kind(gram):
                    cursor.execute("SELECT %s LIKE ANY(%s)", [normal, name_search._patterns(gram)])
                    assert cursor.fetchone()[0] == held, (normal, gram)


@postgres_only
def test_the_places_are_found_and_read_in_one_statement(pubs):
    """Candidates, those holding every word and then the likeliest of the rest, and the
    rows the list shows: one round trip (once the trigrams' sample is drawn)."""
    names("red loin")
    with CaptureQueriesContext(connection) as read:
        rows = Asset.objects.live().matching_rows("red loin")
    assert [row.name for row in rows] == ["Red Lion"] and rows[0].category == "pub"
    assert len(read) == 1


@postgres_only
def test_words_most_places_hold_are_read_from_the_table_and_find_the_same(pubs, monkeypatch):
    # A sample drawn afresh: one kept from an earlier test's empty register counts 0 places,
    # and every word is then under the bar (0 * INDEXED_SHARE), so looked up.
    monkeypatch.setattr(name_search, "_SAMPLE", {"at": -name_search.COUNTS_KEPT})
    looked_up = {query: names(query) for query in ("queens head", "red lion", "libary")}
    monkeypatch.setattr(name_search, "INDEXED_SHARE", -1)  # every word held by 'most'
    with CaptureQueriesContext(connection) as read:
        assert {query: names(query) for query in looked_up} == looked_up
    assert "strpos(search_name, " in read[-1]["sql"]


@postgres_only
def test_common_trigrams_are_looked_up_in_pairs_and_still_find_typos(pubs, monkeypatch):
    """A register where every trigram reads too many places alone: pairs of them, which
    a place like the query holds, still find it; and when holding every word is cut short
    ('head' in one place read), the rest come from the trigrams."""
    monkeypatch.setattr(name_search, "ROWS_READ", 0)
    monkeypatch.setattr(name_search, "HOLDING_READ", 1)
    assert names("libary") == ["Sacriston Library"]
    assert names("red loin") == ["Red Lion"]
    assert set(names("queens head")) == {"Queen's Head", "Queens Head", "The Queen’s Head Inn"}


@postgres_only
def test_the_index_keeps_a_short_pending_list_and_bulk_writes_merge_it(pubs):
    """Every search reads the GIN index's pending list whole: it is kept short, and merged
    after bulk writes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [name_search.PG_INDEX])
        assert f"gin_pending_list_limit={name_search.PG_PENDING_KB}" in cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as writes:
        Asset.objects.bulk_create([Asset(name="Miners Welfare Hall", category="community_centre")])
    assert [query for query in writes if "gin_clean_pending_list" in query["sql"]]
    assert names("miners welfare") == ["Miners Welfare Hall"]


@postgres_only
def test_a_write_the_index_cannot_be_settled_after_still_lands(monkeypatch, caplog):
    """gin_clean_pending_list needs the index's owner: a role that is not still writes."""
    monkeypatch.setattr(name_search, "PG_INDEX", "no_such_index")
    Asset.objects.bulk_create([Asset(name="The Lamb", category="pub")])
    assert Asset.objects.filter(name="The Lamb").exists()  # the transaction carries on
    assert "left to autovacuum" in caplog.text


@postgres_only
def test_sets_are_looked_up_inside_names_first_and_never_as_two_word_ends():
    """A name ends one way: a set of two words' ends as '%ld' AND '%rn' finds nothing, so
    is not asked; the sets looked up at the name's end come last, as the places found are
    checked against each set in turn. The sets asked still find exactly the places holding
    every trigram of one of them."""
    sets = [("ld ", "rn "), ("old", "ar "), ("arn",)]
    sql, patterns = name_search._holding(sets)
    arms, at = [], 0
    for arm in sql.split(" OR "):
        width = arm.count(" AND ") + 1
        arms.append(patterns[at : at + width])
        at += width
    ends = [sum(not pattern.endswith("%") for pattern in arm) for arm in arms]
    assert max(ends) == 1 and ends == sorted(ends)
    normals = ["old barn", "barn old", "gold star barn", "the old star", "fold", "arnold", "bar"]
    with connection.cursor() as cursor:
        for normal in normals:
            asked = [value for pattern in patterns for value in (normal, pattern)]
            cursor.execute(f"SELECT {sql.replace('search_name', '%s')}", asked)
            expected = any(all(gram in padded(normal) for gram in grams) for grams in sets)
            assert cursor.fetchone()[0] == expected, normal
