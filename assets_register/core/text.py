"""Names as search sees them: one normal form (case, accents and apostrophes folded, other
punctuation a space), and a typo-tolerant likeness measured in trigrams, as PostgreSQL's
pg_trgm measures it, so both databases rank alike."""

import re
import unicodedata

APOSTROPHES = "'’‘`´"
_WITHOUT_APOSTROPHES = str.maketrans("", "", APOSTROPHES)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def search_text(text) -> str:
    """'The Queen’s Head, Café' → 'the queens head cafe'."""
    plain = str(text or "")
    if not plain.isascii():  # most names are: they skip the costly decomposition
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.translate(_WITHOUT_APOSTROPHES)
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).split())


def trigrams(text) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    found = set()
    for word in search_text(text).split():
        padded = f"  {word} "
        found.update([padded[i : i + 3] for i in range(len(padded) - 2)])  # a list: 2x a generator
    return found


def padded(normal) -> str:
    """A normal text's words padded as for trigrams and run together: each of its trigrams
    is a substring, and the only other substrings of three ('x  ', '   ') are never
    trigrams, so `gram in padded(text)` asks whether the text holds it, without a set."""
    words = normal.split()
    return f"  {'   '.join(words)} " if words else ""  # a third of the time of a join per word


def likeness(query, text) -> float:
    """How much of the query's trigrams the text holds (0 to 1): 'libary' is 0.71 like
    'Sacriston Library', 'queens' 1.0 like 'The Queen's Head'."""
    wanted = trigrams(query)
    if not wanted:
        return 0.0
    return len(wanted & trigrams(text)) / len(wanted)
