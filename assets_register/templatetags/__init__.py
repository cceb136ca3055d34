"""Template tags for the public pages.

May import: core, geo, models.
"""
