"""Open data in: one importer per source on a shared base (header check, validate every
row, write in one transaction, idempotent upserts), and the admin's import screen.

May import: core, law, models, geo, alerts, indicators, acv.
"""
