"""Helpers every feature shares and none owns: the page cache and content version,
middleware, the read-replica router, council permissions, optimistic locking (an abstract
versioned model, its admin form and view mixins), recovery of abandoned background tasks,
partial dates, postcodes, distances, client addresses behind proxies, rate limits, tokens,
absolute URLs, licences and attribution, and file writers (formula-safe CSV, GeoJSON,
iCalendar). Nothing here knows one of the register's models.

May import: nothing.
"""
