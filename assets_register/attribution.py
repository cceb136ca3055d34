"""The licence lines that must travel with the demo data (see demo_data/README.md)."""

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
    "ace-libraries-2023": "Public libraries in England, 2023 (Arts Council England / DCMS, "
    "compiled by Libraries Hacked)",
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
