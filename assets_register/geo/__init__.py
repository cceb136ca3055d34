"""Where things are: geocoding (offline postcodes first), point-in-polygon areas,
nearest places and postcode lookups, the map's marker index and its query, the admin's
pin picker, and the task that locates a place.

May import: core, models.
"""
