"""Management commands, named verb_object; each a thin shell over a feature's service.

May import: core, models, geo, alerts, importers, indicators.
"""
