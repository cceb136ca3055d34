"""Open data out: the read-only JSON API (django-ninja), its schemas, the shared filters,
and streamed CSV, XLSX and GeoJSON downloads, licensed per row.

May import: core, models, geo, acv, indicators.
"""
