"""The DCMS 2016 public libraries dataset in the Libraries Hacked schema
(github.com/LibrariesHacked/librarydata-db, data/libraries_england.csv; OGL v3), and one
place per library across the 2016 and 2023 editions.

Columns: Local authority, Library name, Address 1-3, Postcode, Unique property reference
number, Type of library (LAL council-run, CL community-led, CRL commissioned, ICL
independent community library), Year opened, Year closed, Notes. A year that is not a
year ('1960s', '[Unknown]') is kept as unknown and reported, not a rejected row. Two
libraries of one name in one authority (an old building and its replacement) are kept
apart by their postcodes.
"""

import datetime
import re
from collections import Counter, defaultdict

from assets_register.importers.assets import AssetImporter, postcode_field
from assets_register.importers.base import RowError, text
from assets_register.importers.pub_matching import name_similarity
from assets_register.models import (
    Asset,
    AssetSource,
    Category,
    DatePrecision,
    EventKind,
    Ownership,
)

SOURCE_2016 = "dcms-libraries-2016"
SOURCE_2023 = "ace-libraries"
TYPES = {
    "LAL": Ownership.PUBLIC,
    "CRL": Ownership.PUBLIC,
    "CL": Ownership.COMMUNITY_MANAGED,
    "ICL": Ownership.COMMUNITY_OWNED,
}
SAME_LIBRARY = 90  # name similarity within one authority


class Libraries2016Importer(AssetImporter):
    source_name = SOURCE_2016
    required_columns = ("Local authority", "Library name", "Postcode", "Year closed")

    def rows(self):
        rows = super().rows()
        names = Counter((text(r, "Local authority"), text(r, "Library name")) for r in rows)
        self.shared_names = {key for key, count in names.items() if count > 1}
        return rows

    def parse_row(self, row):
        authority, name = text(row, "Local authority"), text(row, "Library name")
        if not authority:
            raise RowError("Local authority", "an authority is required")
        try:
            postcode = postcode_field(row, "Postcode")
        except RowError:
            postcode = ""  # '[No registered public address]', 'n/a - mobile': unknown
        ref = f"{authority}/{name}"
        if (authority, name) in self.shared_names:
            ref += f"/{postcode or text(row, 'Address 1')}"
        address = ", ".join(p for p in (text(row, f"Address {n}") for n in (1, 2, 3)) if p)
        record = self.base_record(
            row,
            source_ref=ref[:100],
            name=name[:255],
            category=Category.LIBRARY,
            address=address,
            postcode=postcode,
            uprn=text(row, "Unique property reference number").split(".")[0][:12],
            ownership=TYPES.get(text(row, "Type of library").upper(), Ownership.UNKNOWN),
        )
        notes = text(row, "Notes")
        for column, kind, note in (
            ("Year opened", EventKind.OPENED, ""),
            ("Year closed", EventKind.CLOSED, notes),
        ):
            year = self.year(row, column)
            if year:
                record["events"].append((kind, year, DatePrecision.YEAR, note[:1000]))
        return record

    def year(self, row, column):
        value = text(row, column)
        if not value:
            return None
        found = re.fullmatch(r"(\d{4})(\.0)?", value)
        if found and 1800 <= int(found[1]) <= datetime.date.today().year:
            return datetime.date(int(found[1]), 1, 1)
        self.report.notices.append(
            f"{text(row, 'Library name')!r}: {column} {value[:30]!r} is not a year; kept as unknown"
        )
        return None


def _authority_key(name):
    name = re.sub(
        r"\b(council|county|borough|city of|metropolitan|district|royal)\b", " ", name.lower()
    )
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name).split())


def merge_library_editions():
    """Each 2016 library that is a 2023 one (same authority, names alike; the postcode
    decides between libraries of one name) is cited by the 2023 place and its own row
    hidden. Returns the number merged. Run again, it changes nothing."""
    newer = defaultdict(list)
    for row in Asset.objects.filter(source=SOURCE_2023).values(
        "pk", "source_ref", "name", "postcode"
    ):
        newer[_authority_key(row["source_ref"].split("/")[0])].append(row)
    pairs = {}
    older = Asset.objects.filter(source=SOURCE_2016).values("pk", "source_ref", "name", "postcode")
    for row in older:
        candidates = [
            (name_similarity(row["name"], other["name"]), other)
            for other in newer.get(_authority_key(row["source_ref"].split("/")[0]), ())
        ]
        alike = [(score, other) for score, other in candidates if score >= SAME_LIBRARY]
        if len(alike) > 1 or (alike and row["postcode"] and alike[0][1]["postcode"]):
            alike = [(s, o) for s, o in alike if o["postcode"] == row["postcode"]]
        if len(alike) == 1:
            pairs[row["pk"]] = (row, alike[0][1]["pk"])
    kept = AssetSource.objects.filter(source=SOURCE_2016, record__isnull=False)
    undone = kept.exclude(record_id__in=list(pairs))
    Asset.objects.filter(pk__in=undone.values("record_id")).update(live=True)
    undone.delete()
    existing = dict(kept.values_list("record_id", "asset_id"))
    for record_id, (row, asset_id) in pairs.items():
        if existing.get(record_id) == asset_id:
            continue
        AssetSource.objects.update_or_create(
            source=SOURCE_2016,
            source_ref=row["source_ref"],
            defaults={"asset_id": asset_id, "name": row["name"][:255], "record_id": record_id},
        )
    Asset.objects.filter(pk__in=list(pairs), live=True).update(live=False)
    return len(pairs)
