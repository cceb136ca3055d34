"""The place-name search index on Asset.search_name, built by a migration for the database
in use: on PostgreSQL a pg_trgm GIN index; on SQLite an FTS5 table with the trigram
tokenizer, kept in step by triggers. Each finds candidates fast; `rank` then orders them
by the same trigram likeness on both, so a search reads alike whichever database runs."""

import logging
import math
import time
from collections import Counter
from itertools import combinations, product

from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL

from assets_register.core.lookups import InSubquery
from assets_register.core.text import padded, search_text, trigrams

logger = logging.getLogger(__name__)
TABLE = "assets_register_asset"
FTS_TABLE = "assets_register_asset_name_fts"
VOCABULARY = "assets_register_asset_name_vocab"  # how many places hold each trigram
PG_INDEX = "asset_search_name_trgm"
CANDIDATES = 150  # ranked by the index, then re-ranked here
THRESHOLD = 0.5  # at least half the query's trigrams
# PostgreSQL reads each place a lookup finds (a heap visit and a recheck, 1 to 2 us):
HOLDING_READ = 2000  # places holding every word of the query read at most ('the': 85,000)
# SQLite reads each of those places' rows (2 us) to count its word edges (0.5 us each):
# 2,000 cost 'station road' 7 ms, 500 cost 1.4, and of 300 searches at 150,000 places 293
# showed the same 50 (the rest alike: 'Castle Cafe' for 'Castle Pub', as tight a match).
SQLITE_HOLDING_READ = 500
ROWS_READ = 1500  # its rarest trigrams looked up in pairs if single ones hold more (reckoned)
MOST_READ = 1500  # places read at most, however many the sample reckoned
PAIRED_OF = 6  # the rarest trigrams paired at most (15 pairs)
COMMON_SHARE = 0.05  # a trigram in more places than this share is not looked up,
COMMON_FLOOR = 1000  # nor in more than this many (a small register has no common ones)

SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_name, "
    f"content='{TABLE}', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_name) VALUES (new.id, new.search_name); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_name) "
    f"VALUES ('delete', old.id, old.search_name); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF search_name ON {TABLE} "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_name) "
    f"VALUES ('delete', old.id, old.search_name); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_name) VALUES (new.id, new.search_name); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY} USING fts5vocab({FTS_TABLE}, 'row')",
]
SQLITE_UNINSTALL = [
    f"DROP TABLE IF EXISTS {VOCABULARY}",
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
# GIN holds new entries in a pending list, read whole by every lookup, until a vacuum or
# until it reaches gin_pending_list_limit (4 MB, 470 pages: a lookup finding 4 places took
# 14 ms, and a typo makes several). 256 kB keeps it short, and bulk writes merge theirs at
# once (settle). Writing 150,000 names into the index alone took 4 s with 4 MB, 8 s with
# 256 kB, and 32 s with fastupdate off, which would keep no list at all. A longer limit
# for an import's own transaction (ALTER INDEX ... SET, 100,000 names 10.6 -> 7.2 s) is
# not worth it: the ALTER holds an ACCESS EXCLUSIVE lock on the index until commit, and
# every query planned on the asset table, a place's page too, would wait for the import.
PG_PENDING_KB = 256
POSTGRES_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin (search_name gin_trgm_ops) "
    f"WITH (gin_pending_list_limit = {PG_PENDING_KB})",
]
POSTGRES_SHORT_PENDING = [
    f"ALTER INDEX {PG_INDEX} SET (gin_pending_list_limit = {PG_PENDING_KB})",
    f"SELECT gin_clean_pending_list('{PG_INDEX}'::regclass)",
]
POSTGRES_UNINSTALL = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection):
    if connection.vendor == "sqlite":
        _run(connection, SQLITE_INSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, POSTGRES_INSTALL)


def ensure_installed(connection):
    """Put the index back if a migration took it away: SQLite alters a table by copying it,
    which drops its triggers, so after any migration of the asset table they are checked
    (a post_migrate receiver) and, if missing, made again and the index rebuilt."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{FTS_TABLE}_%"],
        )
        triggers = cursor.fetchone()[0]
    if triggers < 3 and TABLE in connection.introspection.table_names():
        install(connection)


# What the insert trigger does, for every place inserted after the id given: an import's
# thousands are indexed so, at its end (core.bulk_insert.sqlite_triggers_deferred).
SQLITE_BULK_CATCH_UP = {
    f"{FTS_TABLE}_insert": f"INSERT INTO {FTS_TABLE}(rowid, search_name) "
    f"SELECT id, search_name FROM {TABLE} WHERE id > %s"
}


# FTS5 writes each statement's new terms as a segment of its own, and merges them only
# once 4 lie at one level: 150,000 places written in 30 batches were left in 25, every
# one of which a lookup searches (a pair of rare trigrams: 1.0 ms, merged 0.2). Two at a
# level are merged, up to 2000 pages written: 0.14 s for those 25.
SQLITE_MERGE = [
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('usermerge', 2)",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('merge', 2000)",
]


def settle(connection):
    """After a bulk write, merge what it added to the index: on SQLite its segments
    (SQLITE_MERGE); on PostgreSQL the pending list, which the next searches would read
    whole until a vacuum, and a table written in bulk and then only read may wait long
    for one (60 ms for the 470 pages the bench's 150,000 places left)."""
    if connection.vendor == "sqlite":
        if FTS_TABLE in connection.introspection.table_names():  # not while migrating
            _run(connection, SQLITE_MERGE)
        return
    if connection.vendor != "postgresql":
        return
    try:  # in a savepoint: a failure must not abort the write's transaction
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT gin_clean_pending_list('{PG_INDEX}'::regclass)")
    except DatabaseError as error:  # a role that does not own the index: vacuum will
        logger.warning("Name index pending list left to autovacuum: %s", error)


def uninstall(connection):
    if connection.vendor == "sqlite":
        _run(connection, SQLITE_UNINSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, POSTGRES_UNINSTALL)


def candidate_ids(queryset, query, enough=CANDIDATES, rank_whole_up_to=0) -> list[int]:
    """Ids of assets whose search name is like the query, at most CANDIDATES of them:
    first those holding the whole of every word of it (the index narrows them to a few);
    then, unless there are `enough` of those, the likeliest of the rest (typos, a word
    missing). Ranking every place that shares a trigram would cost a thousand times more
    for a common word; the ranking in `rank` is the same whichever finds them. A narrowed
    queryset of at most `rank_whole_up_to` assets gives all its ids, to be ranked whole."""
    text = search_text(query)
    if not text:
        return []
    few = _all_of_a_few(queryset, rank_whole_up_to)
    if few is not None:
        return few
    # FTS5's trigram tokenizer indexes every three characters, unpadded.
    grams = sorted(gram for gram in trigrams(text) if " " not in gram)
    if not grams:  # a query of one or two letters: only a plain prefix will do
        # In the table's order, which stops at the first CANDIDATES found; in name order
        # the name index is walked, each place read, to the first name starting so ('st':
        # 220 ms, not 0.4).
        prefixed = queryset.filter(search_name__startswith=text).order_by("pk")
        return list(prefixed.values_list("pk", flat=True)[:CANDIDATES])
    connection = connections[queryset.db]
    with connection.cursor() as cursor:  # no transaction: on SQLite it would take the write lock
        if connection.vendor == "postgresql":
            return _postgres_candidates(cursor, text, enough)
        return _sqlite_candidates(cursor, text, grams, enough)


def _postgres_candidates(cursor, text, enough):
    sql, params = _postgres_candidates_sql(cursor, text, enough)
    cursor.execute(f"{SETTINGS}; {sql}", params)
    cursor.nextset()
    return [row[0] for row in cursor.fetchall()]


# Through the index, alone: the planner guesses 1% of places for each LIKE, so for several
# it may read the whole table (200 ms) or start workers (20 ms, not 3). The settings go
# before the query in one message, one implicit transaction that they last for: one round
# trip, not four with a BEGIN and a COMMIT.
SETTINGS = (
    "SELECT set_config('enable_seqscan', 'off', true), "
    "set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('jit', 'off', true)"  # a plan's cost, with a table read, passes its threshold
)


def _by_index(cursor, words):
    """(word, whether the index looks it up) of each word: not if most places hold it
    ('the'). Under SETTINGS the index is read wherever it can be, and it would list all
    85,000 places holding 'the' (30 ms); strpos, which it cannot answer, leaves the table
    to be read, which stops at the first HOLDING_READ places holding the words (2 ms)."""
    places, places_with = _sampled(cursor, trigrams(" ".join(words)))
    return [
        (word, min(places_with[gram] for gram in trigrams(word)) <= places * INDEXED_SHARE)
        for word in words
    ]


INDEXED_SHARE = 0.25  # of all places: a word more of them hold is not looked up
_LIKE = "search_name LIKE %s"  # '%word%'
_HAS = "strpos(search_name, %s) > 0"  # the same, which pg_trgm's index cannot answer


_HOLDS = "(strpos(spaced, %s) > 0)::int"  # 1 if the spaced name holds a trigram, else 0


def _postgres_candidates_sql(cursor, text, enough):
    """One statement, and its parameters, for the ids of the candidates, in no order:
    as a subquery, the statement reading the places it finds may keep filters of its own."""
    words = text.split()
    # Of at most HOLDING_READ places holding every word, those holding most of its edges,
    # then the shortest names: a common word ('the', in 85,000 of 150,000) would otherwise
    # read and sort all of them (60 ms).
    edges = _edges(text)
    holding, looked_up = _holding(_held_together(cursor, text))
    by_index = _by_index(cursor, words)
    every_word = " AND ".join(_LIKE if indexed else _HAS for _, indexed in by_index)
    # Unless there are `enough` of those, then the places holding most of the query's
    # rarest trigrams, ordered by how many of its trigrams each holds: each is a substring
    # of the name with a space either side ('  q' is ' q'), as in core.text.padded. The
    # condition on the count is a one-time filter: false, the second part is not read.
    scored = sorted(gram[1:] if gram.startswith("  ") else gram for gram in trigrams(text))
    # The name spaced in the subquery (a LIMIT keeps it whole) is made once, not once for
    # each trigram (a quarter of the scoring's time).
    spaced = f"id, length(search_name) AS length, ' ' || search_name || ' ' AS spaced FROM {TABLE}"
    sql = (
        f"WITH holding AS MATERIALIZED (SELECT id FROM (SELECT {spaced} "
        f"WHERE {every_word} LIMIT %s) AS held "
        f"ORDER BY {' + '.join([_HOLDS] * len(edges))} DESC, length, id LIMIT %s) "
        f"SELECT id FROM holding UNION ALL (SELECT id FROM (SELECT {spaced} "
        f"WHERE {holding} LIMIT %s) AS found "
        "WHERE (SELECT count(*) FROM holding) < %s AND id NOT IN (SELECT id FROM holding) "
        f"ORDER BY {' + '.join([_HOLDS] * len(scored))} DESC, "
        "length, id LIMIT %s - (SELECT count(*) FROM holding))"
    )
    params = [
        *(f"%{word}%" if indexed else word for word, indexed in by_index),
        HOLDING_READ,
        *edges,
        CANDIDATES,
        *looked_up,
        MOST_READ,
        enough,
        *scored,
        CANDIDATES,
    ]
    return sql, params


# Whether a name holds a trigram given as by _edges, on SQLite: 1 or 0.
_HELD = "(instr(' ' || search_name || ' ', %s) > 0)"


def _edges(text):
    """The query's trigrams at a word's edge, as substrings of its name with a space either
    side ('  g' is ' g'): places holding every word, or every trigram inside words, may hold
    these or not ('green' holds 'en ', 'greenbank' does not), and `rank` counts them."""
    return sorted(
        gram[1:] if gram.startswith("  ") else gram for gram in trigrams(text) if " " in gram
    )


def _holding(sets):
    """SQL, and its parameters, for a place holding every trigram of one of the sets, as
    plain LIKEs OR-ed: 'a AND (b OR c)' is given as '(a AND b) OR (a AND c)', as the
    planner may look 'a' and 'b OR c' up apart and AND the bitmaps (5 ms for 'es ', in
    30,000 places), where the index finds those holding both at once in 0.1.
    A name ends one way: a set looked up as two words' ends ('%rn' and '%ar') finds none,
    though the index reads both trigrams, so is left out. Every place found is checked
    against the sets in turn until one holds: those at a name's end, rare, go last, as a
    place found by one inside it read 30 LIKEs before (14 now) in 'Old Hare and Hounds'."""
    held = [
        looked
        for grams in sets
        for looked in product(*map(_patterns, grams))
        if sum(map(_at_end, looked)) <= 1
    ]
    held.sort(key=lambda looked: sum(map(_at_end, looked)))  # stable: else in the sets' order
    sql = " OR ".join(" AND ".join(["search_name LIKE %s"] * len(each)) for each in held)
    return sql, [pattern for each in held for pattern in each]


def _kind(gram):
    """A word's first trigrams are not looked up: pg_trgm finds ' qu' by '  q' too, which
    ('  h') may be in every place. Nor is a one-letter word's (' a ')."""
    if gram == gram.strip():
        return "inner"
    return None if gram.startswith(" ") else "end"


def _patterns(gram):
    """A trigram as pg_trgm's index looks it up: inside a word, or at a word's end, which
    is at the end of the name or before a space."""
    if gram == gram.strip():
        return [f"%{gram}%"]
    end = gram.strip()  # 'en ': a word ending so
    return [f"%{end} %", f"%{end}"]


def _at_end(pattern):
    return not pattern.endswith("%")


def _held_together(cursor, text):
    """The query's rarest trigrams to look up, alone or in pairs to be held together. A
    place holding the share THRESHOLD of the query's trigrams holds at least one of the
    rarest `missable + 1`, and two of the rarest `missable + 2`: pairs are read when the
    single trigrams would read more than ROWS_READ places, as PostgreSQL pays a heap visit
    and a recheck for each, but its index finds those holding two at once as cheaply as
    one. Trigrams most places hold ('the', '  t') are left out, unless nothing else is
    left: looking those up costs most and tells least. The commonest sets come first, and
    in each the rarest trigram: the recheck of each place found (a LIKE each, up to 70)
    stops at the first set it holds, and in a set at the first trigram it lacks."""
    wanted = trigrams(text)
    places, places_with = _sampled(cursor, wanted)
    common = max(COMMON_FLOOR, places * COMMON_SHARE)
    looked = sorted((gram for gram in wanted if _kind(gram)), key=lambda g: (places_with[g], g))
    missable = len(wanted) - math.ceil(len(wanted) * THRESHOLD)
    pool = looked[: missable + 2]
    pool = [gram for gram in pool if places_with[gram] <= common] or pool
    single = pool[: missable + 1]
    if sum(places_with[gram] for gram in single) <= ROWS_READ or len(pool) < 2:
        return [(gram,) for gram in reversed(single)]
    return list(reversed(list(combinations(pool[:PAIRED_OF], 2))))


def _sqlite_candidates(cursor, text, grams, enough):
    # Of at most SQLITE_HOLDING_READ places holding every trigram, those holding most of the
    # query's word edges, then the shortest names, as on PostgreSQL. FTS5's own rank (bm25)
    # counts each trigram's places first, 'the' too: 10 ms for a common word, 30 for a
    # long name; this takes 1 to 5 ms.
    edges = _edges(text)
    cursor.execute(
        f"SELECT id FROM {TABLE} WHERE id IN (SELECT rowid FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s LIMIT %s) "
        f"ORDER BY {' + '.join([_HELD] * len(edges))} "
        "DESC, length(search_name), id LIMIT %s",
        [" AND ".join(f'"{gram}"' for gram in grams), SQLITE_HOLDING_READ, *edges, CANDIDATES],
    )
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < enough:  # then those holding the most of the query's trigrams
        seen = set(ids)
        ids += [pk for pk in _sqlite_look_alikes(cursor, text, len(ids)) if pk not in seen]
    return ids[:CANDIDATES]


SQLITE_MOST_READ = 1000  # 1500 cost a third more for one more hit of the bench's 400
SQLITE_PAIRED_OF = 6  # as PAIRED_OF


def _sqlite_look_alikes(cursor, text, found):
    """Ids of the places likeliest to be like the query, best first, CANDIDATES + `found`
    of them: of at most SQLITE_MOST_READ places holding its rarest trigrams
    (_sqlite_lookup), those holding most of all its trigrams, then the shortest names, as
    on PostgreSQL. Counting only the rarest held ranked alike all places holding them
    (often a typo's own) and kept whichever came first: a typo found its name 2 in 3.
    If pairs of the rarest find no place holding the share THRESHOLD, pairs of the next
    rarest are looked up: a typo may have made all the rarest ('higbury', 'kichen')."""
    scored = sorted(gram[1:] if gram.startswith("  ") else gram for gram in trigrams(text))
    held = " + ".join(["(instr(spaced, %s) > 0)"] * len(scored))
    rows = []
    for skipped in (0, SQLITE_PAIRED_OF):
        lookup = _sqlite_lookup(cursor, text, skipped)
        if lookup is None:
            break
        cursor.execute(  # each name spaced once, not once for each trigram
            f"WITH found AS MATERIALIZED (SELECT id, length(search_name) AS length, "
            f"' ' || search_name || ' ' AS spaced FROM {TABLE} WHERE id IN (SELECT rowid "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)) "
            f"SELECT id, {held} AS held FROM found ORDER BY held DESC, length, id LIMIT %s",
            [lookup, SQLITE_MOST_READ, *scored, CANDIDATES + found],
        )
        rows = cursor.fetchall()
        if rows and rows[0][1] >= THRESHOLD * len(scored):
            break
    return [row[0] for row in rows]


def _sqlite_lookup(cursor, text, skipped=0):
    """An FTS5 query for the places that may hold the share THRESHOLD of the query's
    trigrams, as _held_together reasons for PostgreSQL: one of its rarest `missable + 1`,
    or, if those hold more than ROWS_READ places, two of its rarest `missable + 2` (of
    SQLITE_PAIRED_OF at most, after the `skipped` rarest), which a typo leaves a place far
    likelier to hold. The index holds a word's end ('nt ') where a space follows (an
    address does, after the name): a short word may keep little else of the name ('tyant'
    of 'Tynant'). Trigrams no place holds (a typo's) are left out: every place misses
    them. None if no place may hold enough, or if `skipped` and singles are looked up
    (they find every place that may) or fewer than two trigrams are left."""
    wanted = trigrams(text)
    common = int(max(COMMON_FLOOR, _places(cursor) * COMMON_SHARE))
    looked = [gram for gram in wanted if _kind(gram)]
    places_with = _places_with(cursor, looked, most=common + 1)
    held = sorted((gram for gram in looked if places_with[gram]), key=lambda g: (places_with[g], g))
    must_hold = math.ceil(len(wanted) * THRESHOLD) - (len(wanted) - len(looked))
    missable = len(held) - max(must_hold, 1)
    if missable < 0:
        return None
    pool = held[: missable + 2]
    pool = [gram for gram in pool if places_with[gram] <= common] or pool
    single = pool[: missable + 1]
    if sum(places_with[gram] for gram in single) <= ROWS_READ or len(pool) < 2:
        return None if skipped else " OR ".join(f'"{gram}"' for gram in single)
    # (a AND (b OR c)) OR (b AND c): each rarer trigram's list is read once, not once a pair
    quoted = [f'"{gram}"' for gram in pool[skipped : skipped + SQLITE_PAIRED_OF]]
    if len(quoted) < 2:
        return None
    return " OR ".join(
        f"({first} AND ({' OR '.join(quoted[i + 1 :])}))" for i, first in enumerate(quoted[:-1])
    )


def _all_of_a_few(queryset, most):
    """Every id of a narrowed queryset that holds at most `most` of them (one council's
    places), else None. Ranking a few hundred places whole takes tens of milliseconds,
    less than the index takes nationally, and finds a council's best match however many
    better ones other councils hold (the index hands on only the nation's best)."""
    if not most or not queryset.query.where:
        return None
    ids = list(queryset.order_by().values_list("pk", flat=True)[: most + 1])
    return ids if len(ids) <= most else None


_PLACES_WITH = {}  # trigram: (places holding it, when counted), for COUNTS_KEPT seconds
COUNTS_KEPT = 600  # counting a trigram's places reads its list: 'the' costs 0.8 ms
_PLACES = {"at": -COUNTS_KEPT, "count": 0}  # every place, counted once in COUNTS_KEPT seconds


def _places(cursor):
    """How many places there are, as counted in the last COUNTS_KEPT seconds: only which
    trigrams are common rides on it (a count of 150,000 takes 0.7 ms)."""
    now = time.monotonic()
    if now - _PLACES["at"] >= COUNTS_KEPT:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        _PLACES.update(at=now, count=cursor.fetchone()[0])
    return _PLACES["count"]


def _places_with(cursor, grams, most):
    """How many places hold each trigram, up to `most`, as counted in the last COUNTS_KEPT
    seconds: only which trigrams are rarest rides on it, and that changes slowly. Each is
    counted by reading its places from the index until `most` are found: fts5vocab read
    its whole list ('the', in 85,000 places: 4 ms; 'hig' of every 'High Street': 7)."""
    now = time.monotonic()
    stale = [
        gram for gram in grams if now - _PLACES_WITH.get(gram, (0, -COUNTS_KEPT))[1] >= COUNTS_KEPT
    ]
    if stale:
        counting = (
            f"(SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s LIMIT %s))"
        )
        cursor.execute(
            f"SELECT {', '.join([counting] * len(stale))}",
            [value for gram in stale for value in (f'"{gram}"', most)],
        )
        counted = cursor.fetchone()
        if len(_PLACES_WITH) > 100_000:  # more trigrams than names hold: forget the old
            _PLACES_WITH.clear()
        _PLACES_WITH.update(
            (gram, (count, now)) for gram, count in zip(stale, counted, strict=True)
        )
    return {gram: _PLACES_WITH[gram][0] for gram in grams}


SAMPLED = 3000  # PostgreSQL: places read to estimate how many hold each trigram
_SAMPLE = {"at": -COUNTS_KEPT, "places": 0, "holding": {}}


def _sampled(cursor, grams):
    """pg_trgm keeps no count of a trigram's places, and counting them reads the table
    ('the': 85,000 rows); a sample of SAMPLED places, drawn once in COUNTS_KEPT seconds,
    tells the common from the rare well enough (a share to 1 in SAMPLED)."""
    now = time.monotonic()
    if now - _SAMPLE["at"] >= COUNTS_KEPT:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        places = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT search_name FROM {TABLE} TABLESAMPLE SYSTEM (%s) REPEATABLE (0)",
            [min(100.0, 100.0 * SAMPLED / max(places, 1))],
        )
        names = [row[0] for row in cursor.fetchall()]
        held = Counter(gram for name in names for gram in trigrams(name))
        scale = places / max(len(names), 1)
        holding = {gram: round(count * scale) for gram, count in held.items()}
        _SAMPLE.update(at=now, places=places, holding=holding)
    return _SAMPLE["places"], {gram: _SAMPLE["holding"].get(gram, 0) for gram in grams}


def ranked_rows(queryset, query, limit, fields=("name",), typos=True):
    """On PostgreSQL, for a query its index can look up: [(pk, *fields)] (fields hold
    'name') of the places of the queryset like the query, best first, as `rank` orders
    them; the candidates are read with their fields by the statement finding them, the
    queryset's filters kept, so a search is one round trip, not four; with typos=False
    only those holding every word. Else None: ask candidate_ids and rank."""
    connection = connections[queryset.db]
    text = search_text(query)
    if connection.vendor != "postgresql" or all(" " in gram for gram in trigrams(text)):
        return None
    with connection.cursor() as cursor:
        sql, params = _postgres_candidates_sql(cursor, text, limit if typos else 0)
        found = queryset.filter(InSubquery(F("pk"), RawSQL(sql, params))).order_by()
        read = found.values_list("pk", *fields, "search_name").query
        sql, params = read.get_compiler(queryset.db).as_sql()
        cursor.execute(f"{SETTINGS}; {sql}", params)
        cursor.nextset()
        rows = cursor.fetchall()
    return _best_rows(rows, fields, query, limit)


def rank(queryset, ids, query, limit, fields=("name",)):
    """[(pk, *fields)] (fields hold 'name') of the candidates like the query, best first:
    by name before by address, closer before looser. Read with the fields a list shows,
    so its rows need no query of their own, and scored without a model each."""
    rows = queryset.filter(pk__in=ids).values_list("pk", *fields, "search_name")
    return _best_rows(list(rows), fields, query, limit)


def _best_rows(rows, fields, query, limit):
    """The best of these (pk, *fields, search_name), without their search_name."""
    name = 1 + fields.index("name")
    best = _ranked([(row[0], row[name], row[-1]) for row in rows], query, limit)
    by_pk = {row[0]: row[:-1] for row in rows}
    return [by_pk[pk] for pk in best]


def _ranked(rows, query, limit):
    """The pks of these (pk, name, search_name) like the query, best first."""
    wanted = trigrams(query)
    if not wanted:
        return []
    scored = []
    scores = {}  # places of one name score alike (a chain's pubs, a town's halls)
    for pk, name, search_name in rows:
        score = scores.get((name, search_name))
        if score is None:
            score = scores[name, search_name] = _likeness(wanted, name, search_name)
        if score[0] >= THRESHOLD:
            scored.append((-score[0], -score[1], name, pk))
    return [pk for *_, pk in sorted(scored)[:limit]]


def _likeness(wanted, name, search_name):
    """How much of the query's trigrams a place holds, by name or by name and address,
    and how little its name holds besides ('Red Lion' before 'Red Lion Inn')."""
    in_name, name_grams = _name_grams(name)
    in_all = padded(search_name)  # name and address
    by_name = len([gram for gram in wanted if gram in in_name])
    held = max(by_name, 0.9 * len([gram for gram in wanted if gram in in_all]))
    return held / len(wanted), by_name / name_grams if name_grams else 0.0


_NAMES = {}  # name: (its padded normal form, how many trigrams it holds)
NAMES_KEPT = 50_000  # then forgotten at once (14 MB); names ranked recur (3 in 4)


def _name_grams(name):
    """A name as `_likeness` reads it, kept: its trigrams cost 15 us to make, and most of
    the names a search ranks were ranked by an earlier one (chains, common names)."""
    known = _NAMES.get(name)
    if known is None:
        if len(_NAMES) >= NAMES_KEPT:
            _NAMES.clear()
        normal = search_text(name)
        known = _NAMES[name] = (padded(normal), len(trigrams(normal)))
    return known
