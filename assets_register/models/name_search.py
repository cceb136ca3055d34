"""The place-name search index on Asset.search_name, built by a migration for the database
in use: on PostgreSQL a pg_trgm GIN index; on SQLite an FTS5 table with the trigram
tokenizer, kept in step by triggers. Each finds candidates fast; `rank` then orders them
by the same trigram likeness on both, so a search reads alike whichever database runs."""

import math
import time
from contextlib import contextmanager

from django.db import connections, transaction

from assets_register.core.text import padded, search_text, trigrams

TABLE = "assets_register_asset"
FTS_TABLE = "assets_register_asset_name_fts"
VOCABULARY = "assets_register_asset_name_vocab"  # how many places hold each trigram
PG_INDEX = "asset_search_name_trgm"
CANDIDATES = 150  # ranked by the index, then re-ranked here
THRESHOLD = 0.5  # at least half the query's trigrams
# pg_trgm's word similarity counts the whole matching word against the query, so a typo
# scores lower than our likeness does ('libary' 0.5): its last step is wider than THRESHOLD.
PG_THRESHOLDS = (0.7, 0.5, 0.3)
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
POSTGRES_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin (search_name gin_trgm_ops)",
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


@contextmanager
def indexed_in_bulk(connection):
    """Inserts of many assets inside the block are indexed by one statement at its end, not
    one trigger run per row: FTS5 flushes its pending terms at every statement a trigger
    runs, which made indexing ten times dearer than the insert (bench/import_assets.py).
    On SQLite the insert trigger is dropped for the block, in a savepoint, so a failure
    puts it back; other databases index as they insert."""
    if connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [f"{FTS_TABLE}_insert"],
        )
        trigger = cursor.fetchone()
        if trigger is None:  # no index to keep (a migration is under way)
            yield
            return
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {TABLE}")
        last_before = cursor.fetchone()[0]  # ids only grow (AUTOINCREMENT)
        cursor.execute(f"DROP TRIGGER {FTS_TABLE}_insert")
        yield
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, search_name) "
            f"SELECT id, search_name FROM {TABLE} WHERE id > %s",
            [last_before],
        )
        cursor.execute(trigger[0])


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
        prefixed = queryset.filter(search_name__startswith=text)
        return list(prefixed.values_list("pk", flat=True)[:CANDIDATES])
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":  # in a transaction, for SET LOCAL
        with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
            return _postgres_candidates(cursor, text, enough)
    with connection.cursor() as cursor:  # no transaction: on SQLite it would take the write lock
        return _sqlite_candidates(cursor, text, grams, enough)


def _postgres_candidates(cursor, text, enough):
    words = text.split()
    cursor.execute(
        f"SELECT id FROM {TABLE} WHERE {' AND '.join(['search_name LIKE %s'] * len(words))} "
        "ORDER BY length(search_name) LIMIT %s",
        [*(f"%{word}%" for word in words), CANDIDATES],
    )
    ids = [row[0] for row in cursor.fetchall()]
    # pg_trgm's word similarity is dearer per place than the index is to search, so look
    # closest first and stop at the first step that finds something new.
    for threshold in PG_THRESHOLDS if len(ids) < enough else ():
        cursor.execute(f"SET LOCAL pg_trgm.word_similarity_threshold = {threshold}")
        cursor.execute(
            f"SELECT id FROM {TABLE} WHERE %s <%% search_name "
            "ORDER BY word_similarity(%s, search_name) DESC LIMIT %s",
            [text, text, CANDIDATES],
        )
        found = [row[0] for row in cursor.fetchall() if row[0] not in ids]
        if found:
            return (ids + found)[:CANDIDATES]
    return ids


def _sqlite_candidates(cursor, text, grams, enough):
    # Holding every trigram: an intersection of the index's lists, ranked by FTS5 only
    # when there are too many (its rank counts each trigram's places, 'the' too: 5 ms).
    holding_all = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    every_gram = " AND ".join(f'"{gram}"' for gram in grams)
    cursor.execute(f"{holding_all} LIMIT %s", [every_gram, CANDIDATES + 1])
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > CANDIDATES:
        cursor.execute(f"{holding_all} ORDER BY rank LIMIT %s", [every_gram, CANDIDATES])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < enough:  # then those holding the most of the query's rarest trigrams
        needed = _rarest_needed(cursor, text, grams)
        holding = " UNION ALL ".join(
            [f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"] * len(needed)
        )
        cursor.execute(
            f"SELECT rowid FROM ({holding}) GROUP BY rowid ORDER BY count(*) DESC LIMIT %s",
            [*(f'"{gram}"' for gram in needed), CANDIDATES],
        )
        seen = set(ids)
        ids += [row[0] for row in cursor.fetchall() if row[0] not in seen]
    return ids[:CANDIDATES]


def _all_of_a_few(queryset, most):
    """Every id of a narrowed queryset that holds at most `most` of them (one council's
    places), else None. Ranking a few hundred places whole takes tens of milliseconds,
    less than the index takes nationally, and finds a council's best match however many
    better ones other councils hold (the index hands on only the nation's best)."""
    if not most or not queryset.query.where:
        return None
    ids = list(queryset.order_by().values_list("pk", flat=True)[: most + 1])
    return ids if len(ids) <= most else None


def _rarest_needed(cursor, text, grams):
    """The query's trigrams worth looking up: the rarest, just enough of them that any
    place holding the share THRESHOLD asks for must hold one (the padded trigrams at word
    edges, which FTS5 does not index, may make up the share), and never one that a large
    share of all places hold ('the', 'inn'), unless nothing else is left: looking those up
    costs most and tells least."""
    places_with = _places_with(cursor, grams)
    cursor.execute(f"SELECT count(*) FROM {TABLE}")
    common = max(COMMON_FLOOR, cursor.fetchone()[0] * COMMON_SHARE)
    by_rarity = sorted(grams, key=lambda gram: places_with.get(gram, 0))
    edges = len(trigrams(text)) - len(grams)
    must_hold = math.ceil(len(trigrams(text)) * THRESHOLD) - edges
    if must_hold > 0:
        by_rarity = by_rarity[: len(grams) - must_hold + 1]
    return [gram for gram in by_rarity if places_with.get(gram, 0) <= common] or by_rarity


_PLACES_WITH = {}  # trigram: (places holding it, when counted), for COUNTS_KEPT seconds
COUNTS_KEPT = 600  # fts5vocab counts a trigram's places by reading its list: 'the' costs 1 ms


def _places_with(cursor, grams):
    """How many places hold each trigram, as counted in the last COUNTS_KEPT seconds: only
    which trigrams are rarest rides on it, and that changes slowly."""
    now = time.monotonic()
    stale = [
        gram for gram in grams if now - _PLACES_WITH.get(gram, (0, -COUNTS_KEPT))[1] >= COUNTS_KEPT
    ]
    if stale:
        cursor.execute(
            f"SELECT term, doc FROM {VOCABULARY} WHERE term IN ({', '.join(['%s'] * len(stale))})",
            stale,
        )
        counted = dict(cursor.fetchall())
        if len(_PLACES_WITH) > 100_000:  # more trigrams than names hold: forget the old
            _PLACES_WITH.clear()
        _PLACES_WITH.update((gram, (counted.get(gram, 0), now)) for gram in stale)
    return {gram: _PLACES_WITH[gram][0] for gram in grams}


def rank(queryset, ids, query, limit):
    """The candidates like the query, best first: by name before by address, closer
    before looser. Scored on three columns; only the winners are built as models."""
    wanted = trigrams(query)
    if not wanted:
        return []
    scored = []
    for pk, name, search_name in queryset.filter(pk__in=ids).values_list(
        "pk", "name", "search_name"
    ):
        in_name = trigrams(name)
        in_all = padded(search_name)  # name and address
        held = max(len(wanted & in_name), 0.9 * sum(gram in in_all for gram in wanted))
        best = held / len(wanted)
        if best >= THRESHOLD:
            # Ties go to the name with least besides the query ('Red Lion' before 'Red Lion Inn').
            tightness = len(in_name & wanted) / len(in_name) if in_name else 0.0
            scored.append((-best, -tightness, name, pk))
    winners = [pk for *_, pk in sorted(scored)[:limit]]
    found = queryset.in_bulk(winners)
    return [found[pk] for pk in winners if pk in found]
