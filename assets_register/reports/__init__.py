"""Residents' reports: the form, photo checks, confirmation by email, the moderation
queue and what accepting a report writes to the register.

May import: core, models, geo.
"""
