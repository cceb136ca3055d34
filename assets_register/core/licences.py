"""Licences and attribution: which licence each record is under, the lines that must travel
with the data (see demo_data/README.md), and readers' names for the datasets."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

ATTRIBUTION_LINES = [
    "Contains public sector information licensed under the Open Government Licence v3.0.",
    "Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data "
    "© Royal Mail copyright and database right 2025. Contains National Statistics data "
    "© Crown copyright and database right 2025.",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
    "Boundary GeoJSON by Martin Chorley (github.com/martinjc/UK-GeoJSON), CC BY 4.0.",
    "Contains public sector information from the Ministry of Housing, Communities and Local "
    "Government, English Indices of Deprivation 2019, licensed under the OGL v3.0.",
    "Public libraries in England basic dataset © Arts Council England / DCMS, OGL v3; "
    "compiled by Libraries Hacked.",
    "Contains data from Open Pubs by GetTheData (getthedata.com/open-pubs); Food Standards "
    "Agency data licensed under the Open Government Licence v3.0.",
    "Pub locations © OpenStreetMap contributors, available under the Open Database Licence "
    "(openstreetmap.org/copyright).",
]

# What each dataset key stored on assets and events means to a reader.
SOURCE_NAMES = {
    "ace-libraries": "Public libraries in England (Arts Council England / DCMS, compiled by "
    "Libraries Hacked)",
    "dcms-libraries-2016": "Public libraries in England, 2016 (DCMS, compiled by Libraries Hacked)",
    "open-pubs": "Open Pubs (Food Standards Agency register, via GetTheData)",
    "osm-pubs": "OpenStreetMap",
}
SOURCE_PREFIXES = {
    "acv-import:": "The council's published list of assets of community value",
    "acv:": "The council's published list of assets of community value",
    "acv": "The council's Community Right to Bid records",
}


def source_name(key):
    """A reader's name for a dataset key, e.g. 'acv-import:E06000047'."""
    if key in SOURCE_NAMES:
        return SOURCE_NAMES[key]
    for prefix, name in SOURCE_PREFIXES.items():
        if key.startswith(prefix):
            return name
    return key


# Every record is under the Open Government Licence except what came from OpenStreetMap,
# which stays under the ODbL (README: "Demo data and attribution").
LICENCES = {
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "ODbL-1.0": ("Open Database Licence v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
DEFAULT_LICENCE = "OGL-UK-3.0"
LICENCE_SUMMARY = (
    "Open Government Licence v3.0 (OGL-UK-3.0), except records whose licence is "
    "ODbL-1.0: those come from OpenStreetMap and are under the Open Database "
    "Licence v1.0. Keep the attribution with the data."
)


def row_licence(source):
    """SPDX identifier of the licence one record is under, from its dataset key."""
    return "ODbL-1.0" if source.startswith("osm") else DEFAULT_LICENCE


def licence_link(request):
    """The HTTP Link header that points a download or API answer at its licence page."""
    path = _about_data_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f'<{request.build_absolute_uri(path)}>; rel="license"'


@functools.cache
def _about_data_path(script_prefix, urlconf):
    """Reversed once per prefix and URLconf the site is served under: every API answer
    carries it."""
    return reverse("about_data", urlconf=urlconf)
