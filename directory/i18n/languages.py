"""The languages of the site, the one this response is written in, and text translated into it."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _gettext

# code -> (name in that language, text direction). The first is the default.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "ltr"),
    "ar": ("العربية", "rtl"),
    "fr": ("Français", "ltr"),
}
DEFAULT = "en"


def current_lang() -> str:
    """Return the language this response is written in ("en" outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


def translate(text: str | None) -> str:
    """Translate a string that came from data or Python code (a checklist title, an error).

    Unlike ``_()`` in templates the result is plain text (so it is escaped) and never
    %-formatted. Text the catalogs do not know comes back unchanged.
    """
    if not text or current_lang() == DEFAULT:
        return text or ""
    # Only text can be looked up (a list field's errors are lists); the rest shows as it is.
    return _gettext(text) if isinstance(text, str) else text


def is_translated(text: str | None) -> bool:
    """Say whether ``text`` reads in the page's language (English on an Arabic page does not)."""
    return current_lang() == DEFAULT or not text or _gettext(text) != text
