"""Campaigners' alerts: subscriptions with double opt-in, matching events and reminders
to subscribers into the send log, sending emails and digests, and Atom feeds.

May import: core, models, geo, acv.
"""
