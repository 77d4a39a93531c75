"""Plain-text rules for everything a clinic types: no HTML, no invisible tricks.

Pure functions, shared by the forms and by anything else that accepts clinic text.
"""

from __future__ import annotations

import re
import unicodedata

# Something that a browser would read as the start of a tag, comment or declaration.
_TAG = re.compile(r"<[/!?]?[A-Za-z]|<[!?]")
# Characters that may stay although their category is "format": ZWNJ and ZWJ are needed to
# write Persian, Arabic ligatures and Indic scripts correctly.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}
_LINE_BREAKS = {"\n", "\r", "\t"}


def normalise(value: str, *, multiline: bool = False) -> str:
    """Return value in NFC with trimmed ends (and Unix line ends when multiline)."""
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.rstrip() for line in value.strip().split("\n"))
    return value.strip()


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Return why value is not acceptable plain text, or None."""
    for char in value:
        category = unicodedata.category(char)
        if char == "\x00":
            return "Remove the NUL character."
        if category == "Cc" and not (multiline and char in _LINE_BREAKS):
            return "Remove the control characters." if multiline else "Use a single line of text."
        if category == "Cf" and char not in _ALLOWED_FORMAT:
            # Bidi overrides and zero-width spaces make text read differently than it shows.
            return (
                "Remove the invisible formatting characters (such as direction overrides "
                "or zero-width spaces)."
            )
        if category in ("Cs", "Co", "Cn"):
            return "Remove the characters that are not valid text."
    if _TAG.search(value):
        return "HTML is not allowed here; write plain text."
    return None
