"""Email addresses and subjects, each made safe in one place.

An address is normalised once, the same way for the per-address rate limits and for what
the forms store: every spelling that reaches one mailbox is one address, so padding it
never buys another allowance of emails carrying a visitor's text to someone else.

Every subject is built by email_subject: names in it come from residents and imports, and
Django refuses to send a header with a line break in it (BadHeaderError), which would stop
that email for good (no receipt; a report that can never be confirmed)."""

import unicodedata

from django import forms


def normalise_email(address):
    """The address as a mailbox sees it: compatibility forms folded (full-width letters are
    mapped to ASCII by IDNA when the mail is sent), invisible format characters (zero-width
    spaces, byte-order marks, joiners: copied along with an address) and surrounding
    blanks dropped, lower case (mail services do not tell local parts apart by case)."""
    text = unicodedata.normalize("NFKC", address or "")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return unicodedata.normalize("NFKC", text.strip().lower())


SUBJECT_MAX_LENGTH = 200
LINE_BREAKING = {"Cc", "Zl", "Zp"}  # control characters, line and paragraph separators


def email_subject(text, max_length=SUBJECT_MAX_LENGTH):
    """One line of at most max_length characters, every run of blanks and line breaks
    folded to a single space."""
    spaced = "".join(" " if unicodedata.category(char) in LINE_BREAKING else char for char in text)
    line = " ".join(spaced.split())
    return line if len(line) <= max_length else line[: max_length - 1].rstrip() + "…"


class EmailAddressField(forms.EmailField):
    """An email field whose cleaned (and stored) value is the normalised address."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))
