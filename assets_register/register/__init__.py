"""The register as the public sees it and editors keep it: home, search, place and area
pages, the admin for places, areas and staff, and the signals that keep derived data
(statuses, map index, page cache, alerts) in step with single edits.

May import: core, models, geo, acv, alerts, indicators.
"""
