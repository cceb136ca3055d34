"""Neighbourhoods losing places to meet: the pandas snapshot per area, its flags, the
choropleth, ranking, comparison and charts, and the task that recomputes it.

May import: core, models, geo.
"""
