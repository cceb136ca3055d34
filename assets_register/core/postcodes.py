"""UK postcodes as a value object: normalised once, compared by their canonical form."""

import re
from dataclasses import dataclass

# Royal Mail format: outward code (area, district) then inward code (sector, unit).
# The inward code never uses C, I, K, M, O or V.
_POSTCODE = re.compile(
    r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})$"
)
# The same, for whole columns of spaceless upper-case text at once (importers).
COMPACT_POSTCODE = _POSTCODE.pattern
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class InvalidPostcode(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Postcode:
    outward: str
    inward: str

    @classmethod
    def parse(cls, text) -> "Postcode":
        """Read a postcode typed any way ('dh7 6lq', 'DH76LQ', ' Dh7  6Lq ')."""
        if not isinstance(text, str):
            raise InvalidPostcode(f"{text!r} is not a postcode")
        compact = re.sub(r"\s+", "", text).upper()
        match = _POSTCODE.match(compact)
        if not match:
            raise InvalidPostcode(f"{text.strip()[:20]!r} is not a valid UK postcode")
        return cls(match["outward"], match["inward"])

    @classmethod
    def parse_or_none(cls, text):
        try:
            return cls.parse(text)
        except InvalidPostcode:
            return None

    @staticmethod
    def is_outward_code(text) -> bool:
        return isinstance(text, str) and bool(_OUTWARD.match(text.strip().upper()))

    @property
    def with_space(self) -> str:
        return f"{self.outward} {self.inward}"

    @property
    def sector(self) -> str:
        return f"{self.outward} {self.inward[0]}"

    def __str__(self) -> str:
        return self.with_space
