"""Helpers every feature shares and none owns: the page cache and content version,
middleware, the read-replica router, council permissions, partial dates, postcodes,
distances, client addresses behind proxies, rate limits, tokens, absolute URLs, licences
and attribution, and file writers (formula-safe CSV, GeoJSON, iCalendar). Nothing here
knows a model.

May import: nothing.
"""
