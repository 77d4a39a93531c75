"""Text normalisation shared by indexing and querying: folding, word splitting, stemming.

Pure functions with no Whoosh in them, so the analyzers (index/schema.py), the query planner
(index/query.py) and the highlighter (index/snippets.py) agree on what a word is.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterator

from whoosh.lang.porter import stem as _porter_stem

# Characters that belong inside a word although they are not alphanumeric: combining marks
# (accents, Arabic harakat, Indic vowel signs) and invisible format characters (RTL marks,
# zero-width joiners). Folding removes them; splitting on them would cut words in two.
_WORD_EXTRA = "".join(
    chr(c)
    for c in range(0x300, min(sys.maxunicode, 0x2FFFF))
    if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me", "Cf")
)
_W = rf"(?:[^\W_]|[{re.escape(_WORD_EXTRA)}])+"
WORD_RE = re.compile(_W)
_ASCII_WORD_RE = re.compile(r"[a-z0-9]+")
_STRIP = dict.fromkeys(map(ord, _WORD_EXTRA))  # what folding removes (str.translate table)
# A run of words joined by one punctuation mark each ("sk:n", "o'neill", "meso-lift").
COMPOUND_RE = re.compile(rf"{_W}(?:[:'’.\-&/+]{_W})*")

# Letters that folding maps onto one form: Arabic alef maqsura, ta marbuta, wasla and tatweel
# (alef variants are handled by NFKD), and Turkish dotless i, which people type as i.
_LETTER_MAP = str.maketrans({"ى": "ي", "ة": "ه", "ٱ": "ا", "ـ": None, "ı": "i"})

# Stop words: too common to tell clinics apart, and what bare AND/OR/NOT become. English,
# plus the French, Spanish and Portuguese articles and prepositions that fill clinic names,
# descriptions and multi-word synonyms ("chute de cheveux" must not match every "de").
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have if in is it its near not of on or the "
    "that this to was were will with "
    "au aux de des du et la le les un une "
    "del el los las y "
    "da das do dos e em".split()
)

MIN_FUZZY_ONE = 5  # words this long may be corrected by one edit
MIN_FUZZY_TWO = 9  # and this long by two


def fold(text: str) -> str:
    """Return text case- and accent-folded, with Arabic letter variants unified."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_STRIP)
    return unicodedata.normalize("NFC", text).translate(_LETTER_MAP)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the English stem of a folded word (other scripts are left as they are)."""
    if word.isascii() and word.isalpha() and len(word) > 2:
        return _porter_stem(word)
    return word


def fuzzy_distance(word: str) -> int:
    """Return how many edits a typed word of this length may be corrected by."""
    if len(word) >= MIN_FUZZY_TWO:
        return 2
    if len(word) >= MIN_FUZZY_ONE:
        return 1
    return 0


def compounds(text: str) -> Iterator[tuple[list[str], int, int]]:
    """Yield (folded parts, start, end) for each compound word of text, stop words dropped."""
    ascii_text = text.isascii()
    if ascii_text:
        text = text.lower()  # same offsets: ASCII folding is lower-casing
    for match in COMPOUND_RE.finditer(text):
        raw = match.group()
        if raw.isalnum():
            parts = [raw if ascii_text else fold(raw)]
        else:
            parts = [p for p in (fold(m.group()) for m in WORD_RE.finditer(raw)) if p]
        if len(parts) == 1 and parts[0] in STOP_WORDS:
            continue
        if parts and parts[0]:
            yield parts, match.start(), match.end()


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (folded word, start, end) for each word of text, stop words dropped."""
    if text.isascii():
        for match in _ASCII_WORD_RE.finditer(text.lower()):
            word = match.group()
            if word not in STOP_WORDS:
                yield word, match.start(), match.end()
        return
    for match in WORD_RE.finditer(text):
        word = fold(match.group())
        if word and word not in STOP_WORDS:
            yield word, match.start(), match.end()


def index_terms(text: str, *, join: bool, stemmed: bool = True) -> list[str]:
    """Return the terms an analyzer would index for text (for tests and the planner)."""
    out: list[str] = []
    if join:
        for parts, _start, _end in compounds(text):
            out.extend(parts)
            if len(parts) > 1:
                out.append("".join(parts))
    else:
        out.extend(w for w, _s, _e in words(text))
    return [stem(t) for t in out] if stemmed else out


def clean_query(text: str, limit: int) -> str:
    """Return user text cut to limit characters; control characters become spaces."""
    text = text[:limit]
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
