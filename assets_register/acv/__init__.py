"""Assets of community value: nominations and the public form, decisions, the list, notices
to sell, requests to bid, reviews and appeals (the workflow), the public lists with
countdowns, exports in the national schema, deadline calendars, and the officer's admin.

May import: core, law, models, geo.
"""
