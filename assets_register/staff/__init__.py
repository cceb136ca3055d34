"""The people who keep the register: the roles (council officer, moderator, site editor)
shipped as data, and inviting an officer for a council by email with a one-time link to
set a password. Which records a person may touch is core.permissions' business.

May import: core, models.
"""
