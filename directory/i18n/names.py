"""Names of treatments, countries and languages in the page's language.

English names stay exactly what the rest of the site shows (the vocabulary file, pycountry);
Arabic and French names come from the vocabulary's labels and from Babel's locale data.
"""

from __future__ import annotations

import functools

import pycountry
from babel import Locale

from directory.i18n.languages import current_lang
from directory.vocabulary import load_vocabulary


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def treatment_label(key: str, lang: str | None = None) -> str:
    """Return a treatment's label in the page's language (the key when it is unknown)."""
    term = load_vocabulary().treatments.get(key)
    if term is None:
        return key
    return term.labels.get(lang or current_lang()) or term.label


def country_label(code: str | None, lang: str | None = None) -> str:
    """Return a country's name for an ISO 3166 alpha-2 code (the code when it is unknown)."""
    if not code:
        return ""
    lang = lang or current_lang()
    if lang == "en":
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            return code
        return getattr(country, "common_name", None) or country.name
    return _locale(lang).territories.get(code.upper()) or country_label(code, "en")


def language_label(code: str, lang: str | None = None) -> str:
    """Return a language's name for an ISO 639-1 code, as a reader of ``lang`` writes it."""
    lang = lang or current_lang()
    name = _locale(lang).languages.get(code) if lang != "en" else None
    if not name:
        return load_vocabulary().language_name(code)
    # French writes "français" in a sentence, but these names stand alone, as list items.
    return name[:1].upper() + name[1:]
