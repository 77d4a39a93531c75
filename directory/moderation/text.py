"""Text typed by patients and moderators, made safe to show; refusals made into sentences."""

from __future__ import annotations

import re
import unicodedata

# Characters that can hide or reorder text on a moderator's screen: C0/C1 controls (except
# tab and newline), bidirectional overrides and isolates, zero-width characters.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def clean_text(value: str | None) -> str:
    """Return value in NFC with hidden and control characters removed and ends trimmed."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _HIDDEN.sub("", value).strip()


def sentence(error: Exception | str) -> str:
    """Return a refusal ("the description needs ...") as a sentence (capital, full stop)."""
    text = str(error)
    return text[:1].upper() + text[1:] + "."
