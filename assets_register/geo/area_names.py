"""The wards and councils a search names: their names held by each process, in the order
a search lists them, until the register changes. Asking the database scanned every name
for each word of every search (3 ms) to list at most AREAS_LISTED."""

import bisect

from django.utils import timezone

from assets_register.core.caching import content_version
from assets_register.core.prepared import PreparedQuery, pk_slots, pk_values
from assets_register.models import Area, AreaKind, without_geometry
from assets_register.models.areas import GEOMETRY_FIELDS

AREAS_LISTED = 20


class AreaNames:
    """Names in force on a day, by kind, name and pk, lower-cased into one text that each
    word is found in at C speed, a line a name."""

    def __init__(self, rows):
        rows = sorted(rows)  # (kind, name, pk): in Python's order on every database
        self.pks = [pk for *_, pk in rows]
        self.names = [" ".join(name.lower().split()) for _, name, _ in rows]
        self.starts, at = [], 0
        for name in self.names:
            self.starts.append(at)
            at += len(name) + 1
        self.text = "\n".join(self.names)

    def holding(self, words, most=AREAS_LISTED):
        """The pks of the first `most` areas whose name holds every word, in any case."""
        first, *rest = [word.lower() for word in words]
        found, start = [], 0
        while len(found) < most:
            at = self.text.find(first, start)
            if at < 0:
                break
            line = bisect.bisect_right(self.starts, at) - 1
            if all(word in self.names[line] for word in rest):
                found.append(self.pks[line])
            start = self.starts[line] + len(self.names[line]) + 1  # the next name
        return found


def areas_named(query):
    """The first AREAS_LISTED wards and councils in force today whose name holds every
    word of the query, by kind and name, with their councils."""
    words = query.split()
    if not words:
        return []
    pks = _names_today().holding(words)
    if not pks:
        return []
    return _areas_whole(**pk_values(pks, AREAS_LISTED))


def _names_today():
    key = (content_version(), timezone.localdate())
    names = _held.get(key)
    if names is None:
        rows = (
            Area.objects.current(key[1])
            .exclude(kind=AreaKind.LSOA)
            .values_list("kind", "name", "pk")
        )
        names = AreaNames(rows)
        _held.clear()
        _held[key] = names
    return names


_held = {}  # (content version, day): the AreaNames in force
_areas_whole = PreparedQuery(
    lambda **pks: (
        Area.objects.filter(pk__in=pks.values())
        .select_related("parent")
        .defer(*GEOMETRY_FIELDS, *without_geometry("parent"))
        .order_by("kind", "name", "pk")
    ),
    slots=pk_slots(AREAS_LISTED),
)
