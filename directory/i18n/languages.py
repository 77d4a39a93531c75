"""The languages of the site, and the one this response is written in."""

from __future__ import annotations

from flask_babel import get_locale

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
