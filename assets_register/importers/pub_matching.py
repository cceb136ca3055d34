"""Which rows of successive OpenStreetMap snapshots are the same pub.

A pub's OSM id changes when it is re-mapped (a node replaced by a building outline), its
name is tidied ("The Kings Head" → "King's Head") and its point is nudged. So rows are
matched snapshot to snapshot in three steps, each only among what the step before left:

1. the same OSM id (in any earlier snapshot: an object deleted and restored is one pub);
2. both located: within MATCH_NEAR_METRES and names alike (rapidfuzz token_sort_ratio of
   the normalised names at least NAME_ALIKE_NEAR), or within MATCH_METRES with names at
   least NAME_ALIKE; the best-scoring pairs first;
3. one side without coordinates (buildings carry none in these extracts): the same
   normalised name, when that pairing is the only one possible across England; when it is
   not (a Red Lion vanishes where another Red Lion appears without a location) the pub
   that vanished is "ambiguous": it may have been re-mapped, so no closure is recorded.

A pub last seen in one snapshot and matched by nothing in the next closed between the two.
Appearing in a later snapshot is not taken as opening (coverage grew over the years).
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from rapidfuzz import fuzz

from assets_register.core.distance import distance_km

MATCH_NEAR_METRES = 50
NAME_ALIKE_NEAR = 60
MATCH_METRES = 150
NAME_ALIKE = 85
# Metres per degree for the coarse search box (England lies about 53 degrees north); the
# exact haversine distance decides.
_METRES_PER_DEGREE = 111_195
_LON_SCALE = math.cos(math.radians(53))

_WORDS_DROPPED = re.compile(r"\b(the|ye|pub|inn|ph|public house|tavern|hotel)\b")


def name_key(name: str) -> str:
    """A pub name reduced to what tells pubs apart: lower case, '&' as 'and', no
    punctuation, no 'The'/'Inn'/'PH'/'Hotel'."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"['’.]", "", text)  # "P.H." is "ph", "King's" is "kings"
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = _WORDS_DROPPED.sub(" ", text)
    return " ".join(text.split())


def name_similarity(first: str, second: str) -> float:
    return fuzz.token_sort_ratio(name_key(first), name_key(second))


@dataclass(frozen=True)
class Sighting:
    """One row of one snapshot."""

    osm_id: str
    name: str
    latitude: float | None = None
    longitude: float | None = None

    @property
    def located(self):
        return self.latitude is not None


@dataclass
class Pub:
    """One pub across snapshots: what each snapshot (by date) saw of it."""

    seen: dict = field(default_factory=dict)  # date -> Sighting
    ambiguous_after: object = None  # the snapshot date after which the trail went cold

    @property
    def first_seen(self):
        return min(self.seen)

    @property
    def last_seen(self):
        return max(self.seen)

    @property
    def latest(self) -> Sighting:
        return self.seen[self.last_seen]

    @property
    def name(self):
        return self.latest.name

    @property
    def location(self):
        """(latitude, longitude) of the latest sighting that had one, else None."""
        for day in sorted(self.seen, reverse=True):
            sighting = self.seen[day]
            if sighting.located:
                return sighting.latitude, sighting.longitude
        return None

    @property
    def latest_node_id(self):
        """The OSM id of the latest sighting with coordinates (a node), or ''."""
        located = [day for day, sighting in self.seen.items() if sighting.located]
        return self.seen[max(located)].osm_id if located else ""

    @property
    def located_from_another_snapshot(self):
        return not self.latest.located and self.location is not None

    def osm_ids(self):
        """{osm id: (first date, last date, name)} in the order first seen."""
        spans = {}
        for day in sorted(self.seen):
            sighting = self.seen[day]
            first, _last, _name = spans.get(sighting.osm_id, (day, day, ""))
            spans[sighting.osm_id] = (first, day, sighting.name)
        return spans


@dataclass
class Matching:
    pubs: list
    dates: list
    remapped: int = 0  # matched to a different OSM id
    matched_by_place: int = 0  # step 2
    matched_by_name: int = 0  # step 3

    def closure(self, pub):
        """(last date seen, first date missing) for a pub that closed, else None."""
        if pub.last_seen == self.dates[-1] or pub.ambiguous_after == pub.last_seen:
            return None
        return pub.last_seen, self.dates[self.dates.index(pub.last_seen) + 1]


def match_snapshots(snapshots):
    """Pubs from [(date, [Sighting, ...]), ...] in date order."""
    snapshots = sorted(snapshots, key=lambda pair: pair[0])
    matching = Matching(pubs=[], dates=[day for day, _rows in snapshots])
    by_osm_id = {}
    previous = set()
    for day, rows in snapshots:
        present, unmatched = set(), []
        for row in one_row_per_object(rows):
            index = by_osm_id.get(row.osm_id)
            if index is not None and index not in present:
                _attach(matching, index, day, row, present, by_osm_id)
            else:
                unmatched.append(row)
        vanished = sorted(previous - present)
        unmatched = _match_by_place(matching, vanished, unmatched, day, present, by_osm_id)
        vanished = [index for index in vanished if index not in present]
        unmatched = _match_by_name(matching, vanished, unmatched, day, present, by_osm_id)
        for row in unmatched:
            matching.pubs.append(Pub())
            _attach(matching, len(matching.pubs) - 1, day, row, present, by_osm_id)
        previous = present
    return matching


def one_row_per_object(rows):
    """The rows in a stable order, an object listed twice (the extracts do this now and
    then, once per name it had) once: with coordinates if either row has them."""
    chosen = {}
    for row in sorted(rows, key=lambda r: (r.osm_id, r.name)):
        if row.osm_id not in chosen or (row.located and not chosen[row.osm_id].located):
            chosen[row.osm_id] = row
    return list(chosen.values())


def _attach(matching, index, day, row, present, by_osm_id, how=None):
    pub = matching.pubs[index]
    if pub.seen and pub.latest.osm_id != row.osm_id:
        matching.remapped += 1
    if how:
        setattr(matching, how, getattr(matching, how) + 1)
    pub.seen[day] = row
    present.add(index)
    by_osm_id.setdefault(row.osm_id, index)


def _projected(latitudes, longitudes):
    return shapely.points(
        np.asarray(longitudes) * _LON_SCALE * _METRES_PER_DEGREE,
        np.asarray(latitudes) * _METRES_PER_DEGREE,
    )


def _match_by_place(matching, vanished, rows, day, present, by_osm_id):
    located_pubs = [i for i in vanished if matching.pubs[i].location]
    located_rows = [r for r in rows if r.located]
    if not located_pubs or not located_rows:
        return rows
    places = [matching.pubs[i].location for i in located_pubs]
    tree = shapely.STRtree(_projected([p[0] for p in places], [p[1] for p in places]))
    row_at, pub_at = tree.query(
        _projected([r.latitude for r in located_rows], [r.longitude for r in located_rows]),
        predicate="dwithin",
        distance=MATCH_METRES * 1.2,  # the projection is coarse; haversine decides
    )
    pairs = []
    for row_position, pub_position in zip(row_at.tolist(), pub_at.tolist(), strict=True):
        row, pub = located_rows[row_position], matching.pubs[located_pubs[pub_position]]
        metres = 1000 * distance_km(row.latitude, row.longitude, *pub.location)
        alike = name_similarity(row.name, pub.name)
        if (metres <= MATCH_NEAR_METRES and alike >= NAME_ALIKE_NEAR) or (
            metres <= MATCH_METRES and alike >= NAME_ALIKE
        ):
            pairs.append((-alike, metres, row_position, pub_position))
    taken_rows = set()
    for _score, _metres, row_position, pub_position in sorted(pairs):
        index = located_pubs[pub_position]
        if row_position in taken_rows or index in present:
            continue
        taken_rows.add(row_position)
        _attach(
            matching, index, day, located_rows[row_position], present, by_osm_id, "matched_by_place"
        )
    taken = {id(located_rows[p]) for p in taken_rows}
    return [r for r in rows if id(r) not in taken]


def _match_by_name(matching, vanished, rows, day, present, by_osm_id):
    rows_by_key, pubs_by_key = defaultdict(list), defaultdict(list)
    for row in rows:
        rows_by_key[name_key(row.name)].append(row)
    for index in vanished:
        pubs_by_key[name_key(matching.pubs[index].name)].append(index)
    taken = set()
    for key, indexes in pubs_by_key.items():
        candidates = rows_by_key.get(key, [])
        for index in indexes:
            pub = matching.pubs[index]
            # Two located sightings far apart were already judged different places.
            possible = [r for r in candidates if not (r.located and pub.location)]
            if not possible:
                continue
            if len(possible) == 1 and len(indexes) == 1 and id(possible[0]) not in taken:
                taken.add(id(possible[0]))
                _attach(matching, index, day, possible[0], present, by_osm_id, "matched_by_name")
            else:
                pub.ambiguous_after = pub.last_seen
    return [r for r in rows if id(r) not in taken]
