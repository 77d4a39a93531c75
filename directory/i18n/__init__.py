"""Languages: pick the reader's language, translate the public pages, lay Arabic out right to left.

The language is, in order: an explicit choice (``?lang=xx`` on any page, remembered in a
cookie), the language of the logged-in account, the browser's Accept-Language, then English.
Only the blueprints in TRANSLATED_BLUEPRINTS and the single pages in TRANSLATED_ENDPOINTS are
translated; other pages stay English (and say so in <html lang>).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, g, has_request_context, request
from flask_babel import Babel
from flask_login import current_user

from directory.i18n import formatting, labels, names
from directory.i18n.languages import DEFAULT, LANGUAGES, current_lang, is_translated, translate

COOKIE = "vetted_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
QUERY_ARG = "lang"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

# Pages whose every word is in the catalogs. None covers app-wide pages (an unknown URL's 404).
# The clinics' back office (accounts, clinic_admin, clinic_editor, clinic_evidence) is
# translated too: clinics in Dubai, Riyadh and Paris manage their listings in their language.
TRANSLATED_BLUEPRINTS = frozenset(
    {
        None,
        "clinics",
        "search",
        "vetting",
        "patients",
        "experiences",
        "accounts",
        "clinic_admin",
        "clinic_editor",
        "clinic_evidence",
    }
)
# Public pages of the moderation blueprints, whose other pages are for moderators, who work
# in English: a whole blueprint would put lang="ar" on pages still written in English.
TRANSLATED_ENDPOINTS = frozenset(
    {
        "moderation_public.report",
        "moderation_public.report_sent",
        "moderation_public.report_status",
        "moderation_public.transparency",
    }
)

babel = Babel()


def _valid(code: str | None) -> str | None:
    # "fr-CA" and "ar_AE" choose fr and ar; anything else is ignored.
    code = (code or "").strip().lower()[:16].replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def _account_language() -> str | None:
    if not current_user or not current_user.is_authenticated:
        return None
    return _valid((getattr(current_user, "row", None) or {}).get("language"))


def chosen_language() -> str:
    """Return the reader's language: ?lang=, the cookie, the account's, Accept-Language, en."""
    return (
        _valid(request.args.get(QUERY_ARG))
        or _valid(request.cookies.get(COOKIE))
        or _account_language()
        or request.accept_languages.best_match(list(LANGUAGES))
        or DEFAULT
    )


def is_translated_page() -> bool:
    """Say whether this request's page is written in every language (False outside a request)."""
    # Outside a request (a CLI command rendering an e-mail) there is no reader to ask.
    if not has_request_context():
        return False
    return request.blueprint in TRANSLATED_BLUEPRINTS or request.endpoint in TRANSLATED_ENDPOINTS


def select_locale() -> str:
    """Flask-Babel's locale selector: the chosen language on translated pages, else English."""
    return chosen_language() if is_translated_page() else DEFAULT


def text_direction(lang: str | None = None) -> str:
    return LANGUAGES.get(lang or current_lang(), LANGUAGES[DEFAULT])[1]


def language_links() -> list[dict]:
    """Return the language switcher's entries: this page's address in each language."""
    if not has_request_context():
        return []
    args = [(k, v) for k, v in request.args.items(multi=True) if k != QUERY_ARG]
    here = current_lang()
    links = []
    for code, (name, direction) in LANGUAGES.items():
        query = urlencode([*args, (QUERY_ARG, code)])
        links.append(
            {
                "code": code,
                "name": name,
                "dir": direction,
                "url": f"{request.script_root}{request.path}?{query}",
                "current": code == here,
            }
        )
    return links


def init_app(app: Flask) -> None:
    """Set up Flask-Babel, the template helpers and the language cookie."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks collapse their whitespace, so msgids do not depend on line breaks.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["tr"] = translate
    app.add_template_global(is_translated, "is_translated")
    app.add_template_global(names.treatment_label, "treatment_label")
    app.jinja_env.filters["treatment_label"] = names.treatment_label
    app.add_template_global(names.country_label, "country_label")
    app.add_template_global(names.language_label, "language_label")
    formatting.init_app(app)
    labels.init_app(app)

    @app.context_processor
    def _language_context() -> dict:
        lang = current_lang()
        return {
            "current_lang": lang,
            "text_direction": text_direction(lang),
            "language_links": language_links,
        }

    @app.before_request
    def _remember_explicit_choice() -> None:
        g.lang_choice = _valid(request.args.get(QUERY_ARG))

    @app.after_request
    def _store_choice(response):
        choice = getattr(g, "lang_choice", None)
        if choice and request.cookies.get(COOKIE) != choice:
            response.set_cookie(
                COOKIE,
                choice,
                max_age=COOKIE_MAX_AGE,
                samesite="Lax",
                httponly=True,
                secure=request.is_secure or app.config["SESSION_COOKIE_SECURE"],
            )
        if response.mimetype == "text/html":
            # The same address reads differently by cookie and by browser language.
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
