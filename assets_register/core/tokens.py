"""Tokens in links: random ones stored on a record (manage links, report confirmations)
and signed ones that carry a value and need no storage (opt-in links, import plans)."""

import secrets

from django.core import signing


def random_token():
    return secrets.token_urlsafe(24)


def sign(value, salt):
    return signing.dumps(value, salt=salt)


def unsign(token, salt, max_age=None):
    """The signed value, or None when the token is forged, altered or older than max_age."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
