"""Email addresses and subjects, each made safe in one place.

An address is normalised once, the same way for the per-address rate limits and for what
the forms store: every spelling that reaches one mailbox is one address, so padding it
never buys another allowance of emails carrying a visitor's text to someone else."""

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


class EmailAddressField(forms.EmailField):
    """An email field whose cleaned (and stored) value is the normalised address."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))
