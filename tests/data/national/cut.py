"""Cut the national-load fixtures from the real files:

    python tests/data/national/cut.py ../shared/data

Swale and Canterbury (Kent): their council polygons, the 2013 wards and 2011 LSOAs that
hold the places below, the postcodes those places use, IMD 2019/2025 rows for the LSOAs,
a few libraries of both editions, Open Pubs rows and OSM pub rows chosen for what they
show (pubs.md lists them). One change to the real data: The Long Hop's Open Pubs row has
its coordinates removed (as the 7 real rows without a location have), so that it is
located by its postcode.
"""

import csv
import gzip
import io
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import Point, shape

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path(__file__).parent
COUNCILS = {"E07000113", "E07000106"}
OSM_IDS = {
    "509693445": "The Nore: gone in 2022, a closure between Jun 2019 and Jan 2022",
    "634164840": "Fruiterers Arms: node until 2019 ...",
    "68303761": "... re-mapped as a building (no coordinates) in 2022; also in Open Pubs",
    "575044001": "The Sun: node until 2019 ...",
    "7726284287": "... re-mapped as 'the Sun inn', 55 m away, in 2022",
    "29861537": "Duke William: node until 2019 ...",
    "5396208913": "... a new node 10 m away in 2022",
    "1377365789": "The White Horse, renamed The White Horse Inn in 2022 (same id)",
    "30501418": "The Alma: also in Open Pubs (one place, both sources)",
    "50214878": "The Long Hop: a building in every snapshot, located by its Open Pubs postcode",
    "49731062": "Beauty Of Bath: a building in every snapshot, located by Open Pubs",
    "30999191": "The Sportsman (Seasalter): gone in 2022 ...",
    "364795572": "... while two other The Sportsman pubs appeared without a location ...",
    "520379068": "... (this is the second): which, if either, is it? Ambiguous: not closed",
    "100159359": "The Chequers Inn: a building in every snapshot, no other source: unlocated",
    "269253652": "012 Bar & Grill Restaurant (London): outside the loaded councils",
}
OPEN_PUBS = {"505889", "506512", "506590", "505628", "505554"}
LIBRARIES = {"Sittingbourne Library", "Sheerness Library", "Faversham Library"}


def main():
    write_pubs()
    points = write_open_pubs_and_libraries()
    write_boundaries(points)


def write_pubs():
    (OUT / "pubs").mkdir(exist_ok=True)
    for day in ("2016-10-30", "2019-06-15", "2022-01-28"):
        name = f"osm_pubs_gb_{day}.tsv"
        lines = (SOURCE / "pubs" / name).read_text().splitlines(keepends=True)
        kept = [lines[0]] + [line for line in lines[1:] if line.split("\t")[2] in OSM_IDS]
        (OUT / "pubs" / name).write_text("".join(kept))
    (OUT / "pubs.md").write_text(
        "# OSM pub rows in the fixtures and what each shows\n\n"
        + "".join(f"- `{osm_id}`: {why}\n" for osm_id, why in OSM_IDS.items())
    )


def write_open_pubs_and_libraries():
    postcodes = set()
    with open(SOURCE / "pubs" / "open_pubs_swale.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["fas_id"] in OPEN_PUBS]
    for row in rows:
        postcodes.add(row["postcode"])
        if row["name"] == "The Long Hop":
            row.update(easting="622675", northing="-5527598", latitude="", longitude="")
    write_csv(OUT / "pubs" / "open_pubs_swale.csv", rows)
    (OUT / "libraries").mkdir(exist_ok=True)
    for name, authority, title in (
        ("public_libraries_england_2023.csv", "authority", "name"),
        ("librarieshacked_libraries_england_2016.csv", "Local authority", "Library name"),
    ):
        with open(SOURCE / "libraries" / name, newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if r[authority] == "Kent"]
            rows = [r for r in rows if r[title] in LIBRARIES]
        postcodes.update(r.get("postcode") or r.get("Postcode") for r in rows)
        write_csv(OUT / "libraries" / name, rows)
    points = []
    (OUT / "postcodes").mkdir(exist_ok=True)
    with gzip.open(SOURCE / "postcodes" / "codepoint_open_2025_10_england.csv.gz", "rt") as handle:
        reader = csv.DictReader(handle)
        kept = [row for row in reader if row["postcode"] in postcodes]
    for row in kept:
        points.append((float(row["longitude"]), float(row["latitude"])))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(kept[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    with gzip.open(OUT / "postcodes" / "codepoint_open_2025_10_england.csv.gz", "wt") as handle:
        handle.write(text.getvalue())
    for name in OSM_IDS:
        for day in ("2016-10-30", "2019-06-15", "2022-01-28"):
            for line in (OUT / "pubs" / f"osm_pubs_gb_{day}.tsv").read_text().splitlines()[1:]:
                cells = line.split("\t")
                if cells[2] == name and cells[3]:
                    points.append((float(cells[4]), float(cells[3])))
    return points


def write_boundaries(points):
    (OUT / "boundaries").mkdir(exist_ok=True)
    councils = json.loads((SOURCE / "boundaries" / "lad_2024_05_england_buc.geojson").read_text())
    councils["features"] = [
        f for f in councils["features"] if f["properties"]["LAD24CD"] in COUNCILS
    ]
    (OUT / "boundaries" / "lad_2024_05_england_buc.geojson").write_text(json.dumps(councils))
    marks = [Point(p) for p in points]
    lsoa_codes = set()
    for name in ("wards_2013_england.geojson.gz", "lsoa_2011_england.geojson.gz"):
        with gzip.open(SOURCE / "boundaries" / name) as handle:
            data = json.load(handle)
        kept = []
        for feature in data["features"]:
            polygon = shapely.make_valid(shape(feature["geometry"]))
            if any(polygon.intersects(mark) for mark in marks):
                kept.append(feature)
                lsoa_codes.add(feature["properties"].get("LSOA11CD"))
        data["features"] = kept
        with gzip.open(OUT / "boundaries" / name, "wt") as handle:
            json.dump(data, handle)
    (OUT / "deprivation").mkdir(exist_ok=True)
    for name, column in (
        ("imd2019_england_lsoa11.csv", "lsoa11_code"),
        ("imd2025_england_lsoa21.csv", "lsoa21_code"),
    ):
        with open(SOURCE / "deprivation" / name, newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if row[column] in lsoa_codes]
        write_csv(OUT / "deprivation" / name, rows)


def write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
