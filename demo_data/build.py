"""Rebuild the demo dataset in this folder from the full open-data files.

    python demo_data/build.py ../shared/data

Keeps County Durham (E06000047, which includes Sacriston), Swale (E07000113,
the Isle of Sheppey) and Stoke-on-Trent (E06000021, where the library dataset
records 13 closures). Standard library only, plus shapely for picking
OpenStreetMap pubs inside Durham and Stoke (Swale's pubs come from Open Pubs).
"""

import csv
import gzip
import json
import sys
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

COUNCILS = {
    "E06000047": "County Durham",
    "E07000113": "Swale",
    "E06000021": "Stoke-on-Trent",
}
OSM_PUB_COUNCILS = ("E06000047", "E06000021")
HERE = Path(__file__).resolve().parent


def write_features(path, features):
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, separators=(",", ":")))


def main(shared):
    boundaries = shared / "boundaries"
    lads = json.loads((boundaries / "lad_2024_05_england_buc.geojson").read_text())
    councils = [f for f in lads["features"] if f["properties"]["LAD24CD"] in COUNCILS]
    write_features(HERE / "councils.geojson", councils)
    for name, out in (
        ("wards_2013_selected_lads", "wards_2013"),
        ("lsoa_2011_selected_lads", "lsoa_2011"),
    ):
        data = json.loads((boundaries / f"{name}.geojson").read_text())
        kept = [f for f in data["features"] if f["properties"]["LAD_CD"] in COUNCILS]
        write_features(HERE / f"{out}.geojson", kept)
    lsoa_codes = {
        f["properties"]["LSOA11CD"]
        for f in json.loads((HERE / "lsoa_2011.geojson").read_text())["features"]
    }

    swale_postcodes = set()
    with (
        gzip.open(shared / "postcodes/codepoint_open_2025_10_england.csv.gz", "rt") as source,
        gzip.open(HERE / "postcodes.csv.gz", "wt", newline="") as target,
    ):
        reader, writer = csv.DictReader(source), None
        for row in reader:
            if row["admin_district_code"] not in COUNCILS:
                continue
            if writer is None:
                writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
                writer.writeheader()
            writer.writerow(row)
            if row["admin_district_code"] == "E07000113":
                swale_postcodes.add(row["postcode"])

    with (
        open(shared / "deprivation/imd2019_england_lsoa11.csv") as source,
        open(HERE / "imd2019_lsoa.csv", "w", newline="") as target,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(r for r in reader if r["lsoa11_code"] in lsoa_codes)

    with (
        open(shared / "libraries/public_libraries_england_2023.csv", encoding="utf-8") as source,
        open(HERE / "libraries.csv", "w", newline="", encoding="utf-8") as target,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(
            r
            for r in reader
            if r["authority"] in ("County Durham", "Stoke-on-Trent")
            or (r["authority"] == "Kent" and r["postcode"].strip() in swale_postcodes)
        )

    (HERE / "open_pubs_swale.csv").write_bytes((shared / "pubs/open_pubs_swale.csv").read_bytes())

    pub_areas = [
        prep(shape(f["geometry"]))
        for f in councils
        if f["properties"]["LAD24CD"] in OSM_PUB_COUNCILS
    ]
    with (
        open(shared / "pubs/osm_pubs_gb_2022-01-28.tsv", encoding="utf-8") as source,
        open(HERE / "osm_pubs.tsv", "w", encoding="utf-8") as target,
    ):
        header = source.readline()
        target.write(header)
        for line in source:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5 and parts[3] and parts[4]:
                point = Point(float(parts[4]), float(parts[3]))
                if any(area.contains(point) for area in pub_areas):
                    target.write(line)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parents[1] / "shared" / "data"))
