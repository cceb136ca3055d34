"""The files `load_england` reads, where each is published, and fetching them with a
checksum and a local cache (`load_england FOLDER --download`).

Each entry is the file as the loader reads it: its path inside the data folder, the URL
it is fetched from and its sha256. A download whose checksum differs is refused and
nothing is written: the publisher has changed the file, and the new one must be checked
(and its checksum put here) before it is loaded. Files are cached by checksum, so a
second download, or a second data folder, costs nothing.

The URLs are the snapshots the project's data was taken from (shared/data/README.md),
pinned to a commit so that the checksum holds; `published_by` names the original
publisher and its licence. Where the project's file was derived from the published one
(a header row added, England's rows kept, WGS84 added), `derived` says how and `url` is
where the published file is: --download refuses a checksum that differs, so such a file
must be prepared as described and put in the folder by hand.
"""

import hashlib
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

FETCH_TIMEOUT_SECONDS = 60
CHUNK = 1 << 20


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    url: str
    sha256: str
    published_by: str
    derived: str = ""


_RAW = "https://raw.githubusercontent.com"
MANIFEST = [
    ManifestEntry(
        "boundaries/lad_2024_05_england_buc.geojson",
        f"{_RAW}/a-b-street/ltn/72f99f1467f2eac31aa863076c2c3190e1c8036e/data_prep/england/boundaries.geojson",
        "a1d67c8c398f89ccd450c4706e713f886d03374192ea44131ac487612a4afd84",
        "ONS, Local Authority Districts (May 2024) Boundaries UK BUC; OGL v3",
        "LAD24CD added from the mySociety register by name (all 296 match)",
    ),
    ManifestEntry(
        "boundaries/wards_2013_england.geojson.gz",
        f"{_RAW}/martinjc/UK-GeoJSON/88339000fc8711feb9c146d5cd7d145bf286350d/json/electoral/eng/wards_by_lad",
        "2a025babe52a9a1b999c0889056c99cca4a236b1f79ade33bfdd49b06a408c05",
        "ONS 2013 wards via Martin Chorley's UK-GeoJSON; OGL v3, conversion CC BY 4.0",
        "the per-council files merged into one, coordinates rounded to 5 places, gzipped",
    ),
    ManifestEntry(
        "boundaries/lsoa_2011_england.geojson.gz",
        f"{_RAW}/martinjc/UK-GeoJSON/88339000fc8711feb9c146d5cd7d145bf286350d/json/statistical/eng/lsoa_by_lad",
        "c03989c31df50eb98707b5ee5aa05654c9486a5f4caddb0b8a3f983eee969fb8",
        "ONS 2011 LSOAs via Martin Chorley's UK-GeoJSON; OGL v3, conversion CC BY 4.0",
        "the per-council files merged into one, coordinates rounded to 5 places, gzipped",
    ),
    ManifestEntry(
        "postcodes/codepoint_open_2025_10_england.csv.gz",
        "https://api.os.uk/downloads/v1/products/CodePointOpen/downloads?area=GB&format=CSV&redirect",
        "4e97e623719969f9dcb4ab52d2ceed360a19c327b90b313e589691850b539e63",
        "Ordnance Survey, Code-Point Open (October 2025); OGL v3 / OS OpenData",
        "England's rows (E92000001), NHS columns dropped, WGS84 latitude/longitude added "
        "with pyproj (EPSG:27700 to EPSG:4326), one gzipped CSV with a header",
    ),
    ManifestEntry(
        "deprivation/imd2019_england_lsoa11.csv",
        f"{_RAW}/humaniverse/IMD/5dd29ab9206d8d74e56b91951ef285b4e694cd17/data/imd2019_england_lsoa11.rda",
        "3f1e4fffade972b8805f8cfc7c361b7f516c044615c2833c1f25da25b411f799",
        "MHCLG, English Indices of Deprivation 2019; OGL v3 (scores via mySociety, CC BY 4.0)",
        "converted from R with pyreadr; scores from mysociety/composite_uk_imd",
    ),
    ManifestEntry(
        "deprivation/imd2025_england_lsoa21.csv",
        f"{_RAW}/humaniverse/IMD/a9cf28d4848c1a5f7928bfef6877e1654ae7edd7/data/imd2025_england_lsoa21.rda",
        "e82cc5533ba7c54e12426fbb39a1d472749e9c4115cc4cd3640f3ca59d77af08",
        "MHCLG, English Indices of Deprivation 2025; OGL v3",
        "converted from R with pyreadr",
    ),
    ManifestEntry(
        "libraries/public_libraries_england_2023.csv",
        f"{_RAW}/LibrariesHacked/librarydata-db/60c6610471a13a17f7ca69ef3d8d5d91894b135f/data/libraries_england_2023.csv",
        "a2f6a2055df0d7caa6a3dbe1f20a61c9104dce95f9a5aa5a5687c68e41c0db0a",
        "Arts Council England / DCMS, Public libraries in England 2023; OGL v3",
    ),
    ManifestEntry(
        "libraries/librarieshacked_libraries_england_2016.csv",
        f"{_RAW}/LibrariesHacked/librarydata-db/b67187cbb4a84fc39a18b815027e5a1cb9b5629e/data/libraries_england.csv",
        "92c9524c5f5d2dbcb8dba31ea3d35facfeb3f5b6481d09e634cd8de5c2f2eb30",
        "DCMS, Public libraries in England 2016, in the Libraries Hacked schema; OGL v3",
    ),
    *(
        ManifestEntry(
            f"pubs/osm_pubs_gb_{day}.tsv",
            f"{_RAW}/mlj/uk-pub-names/{commit}/pubnames.tsv",
            sha256,
            "OpenStreetMap contributors (Geofabrik extracts); ODbL 1.0",
            "a header row added: name, normalized_name, osm_id, latitude, longitude",
        )
        for day, commit, sha256 in (
            (
                "2014-12-21",
                "c25b01ea6b34f57135aee4a534294dee2a3f4e5e",
                "cc9e9f960c7228fcbec3acd620d97fff30f51732a2c9e4b75b552574403b2feb",
            ),
            (
                "2016-10-30",
                "667ae375d7ca60f310a17323dabf0e1445c43f98",
                "4ac846c5c90d3e982c037149c48511905c3199df6fcd99e5c2b0cecec821b2f7",
            ),
            (
                "2019-06-15",
                "f50bdb9a7b0ffc9f0db4d0cca1a0b1b6b5e3979d",
                "528a47a6bf6064f6b1446db56acae13b6109f5ca60dc122dfa84e63b24b20bb2",
            ),
            (
                "2022-01-28",
                "2f0427659d6585f6b349a7926f18cac9c5837a40",
                "6dc86a90fca78b432b4927fcc66db760526ec4bcf2fecee1cf83290f522614b7",
            ),
        )
    ),
]


class DownloadError(Exception):
    pass


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def fetch_url(url, destination):
    """Copy a URL to a file (http, https or file)."""
    with (
        urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response,
        open(destination, "wb") as out,
    ):
        shutil.copyfileobj(response, out, CHUNK)


def download(folder, cache, manifest=MANIFEST, fetch=fetch_url, say=lambda line: None):
    """Put every manifest file in `folder`, from the cache or its URL; returns
    {path: 'present' | 'cached' | 'downloaded'}."""
    folder, cache = Path(folder), Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    done = {}
    for entry in manifest:
        target = folder / entry.path
        if target.exists() and sha256_of(target) == entry.sha256:
            done[entry.path] = "present"
            continue
        cached = cache / entry.sha256
        how = "cached"
        if not cached.exists():
            say(f"downloading {entry.path} from {entry.url}")
            with tempfile.NamedTemporaryFile(dir=cache, delete=False) as handle:
                partial = Path(handle.name)
            try:
                fetch(entry.url, partial)
                found = sha256_of(partial)
                if found != entry.sha256:
                    derived = f" (the loader's file is {entry.derived})" if entry.derived else ""
                    raise DownloadError(
                        f"{entry.path}: {entry.url} has sha256 {found}, not {entry.sha256}"
                        f"{derived}; nothing was written."
                    )
                partial.replace(cached)
            except OSError as error:
                raise DownloadError(f"{entry.path}: could not fetch {entry.url}: {error}") from None
            finally:
                partial.unlink(missing_ok=True)
            how = "downloaded"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        done[entry.path] = how
    return done
