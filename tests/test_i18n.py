"""Languages: how one is chosen, Arabic right to left, and catalogs that match the pages."""

from __future__ import annotations

import copy
import gettext
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import abort

from directory.i18n import COOKIE, LANGUAGES, TRANSLATIONS, known
from directory.patients.guide import GUIDE_PAGES as GUIDE
from tests.patients.helpers import save
from tests.soup import parse_html, text_of

ROOT = Path(__file__).resolve().parents[1]
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
TAG = re.compile(r"</?[a-z]+[^>]*>")
PUBLIC_PAGES = [
    "/",
    "/clinics",
    "/search",
    "/methodology",
    "/guide",
    *(f"/guide/{slug}" for slug in GUIDE),
    "/compare",
    "/self-check",
    "/transparency",
    "/account/login",
    "/account/register",
    "/account/reset",
]
# Pages about one clinic (c-1, saved first).
CLINIC_PAGES = ["/clinics/c-1/report", "/clinics/c-1/report/sent"]
GUIDE_PAGES = [path for path in PUBLIC_PAGES if path.startswith("/guide/")]


def get(client, path: str, accept: str | None = None, status: int = 200):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == status, (path, response.status_code)
    return response


def page(client, path: str, accept: str | None = None, status: int = 200):
    return parse_html(get(client, path, accept, status).data)


def html_lang(tree) -> tuple[str | None, str | None]:
    html = tree.find("html")
    return html.get("lang"), html.get("dir")


def main_text(tree) -> str:
    return text_of(tree.find("main"))


def own_text(node) -> str:
    """Return a node's text without the names it shows from data (<bdi>: a clinic's name)."""
    node = copy.copy(node)
    for name in node.find_all("bdi"):
        name.decompose()
    return text_of(node)


def latin_share(text: str) -> float:
    arabic, latin = len(ARABIC_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
    return latin / max(arabic + latin, 1)


# --- choosing the language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("", None, None, "en"),  # nothing said: English
        ("", None, "ar", "ar"),  # the browser asks for Arabic
        ("", None, "ar-AE,ar;q=0.9,en;q=0.8", "ar"),  # a regional tag counts for its language
        ("", None, "fr-CA", "fr"),  # likewise for French
        ("", None, "de,en;q=0.5", "en"),  # German is not offered, English is next
        ("", None, "de", "en"),  # nothing the site has: English
        ("", None, "en;q=0.4,ar;q=0.9", "ar"),  # the higher weight wins
        ("", "fr", "ar", "fr"),  # a remembered choice beats the browser
        ("lang=ar", "fr", "fr", "ar"),  # ?lang= beats both
        ("lang=FR", None, None, "fr"),  # whatever its case
        ("lang=ar-EG", None, None, "ar"),  # and with a region
        ("lang=xx", None, "fr", "fr"),  # an unknown ?lang= is ignored
        ("lang=xx", "ar", None, "ar"),  # and does not clear the remembered one
        ("", "klingon", "ar", "ar"),  # a cookie this site never wrote is ignored
    ],
)
def test_language_is_chosen_in_order(client, query, cookie, accept, expected):
    if cookie:
        client.set_cookie(COOKIE, cookie)
    tree = page(client, f"/?{query}", accept)
    assert html_lang(tree) == (expected, LANGUAGES[expected][1])


@pytest.mark.parametrize(
    "value",
    [
        "",  # empty
        "x" * 5000,  # very long
        "ar\x00",  # a NUL
        "<script>alert(1)</script>",  # markup
        "../../etc/passwd",  # a path
        "عربي",  # the language's name, not its code
        "en,fr",  # a list
        "-ar",  # an empty language subtag
    ],
)
def test_hostile_language_values_are_ignored_not_fatal(client, value):
    client.set_cookie(COOKIE, "x" * 300)
    response = client.get("/guide", query_string={"lang": value})
    assert response.status_code == 200
    assert html_lang(parse_html(response.data))[0] in LANGUAGES
    assert b"Traceback" not in response.data


def test_arabic_page_is_in_arabic_and_right_to_left(client, db):
    from directory.vocabulary import load_vocabulary

    save(db, "c-1")
    english, arabic = page(client, "/"), page(client, "/", "ar")
    assert html_lang(arabic) == ("ar", "rtl")
    assert ARABIC_LETTER.search(text_of(arabic.find("h1")))
    assert text_of(arabic.find("h1")) != text_of(english.find("h1"))
    assert ARABIC_LETTER.search(text_of(arabic.find("a", class_="skip")))
    nav = arabic.find("nav", class_="languages")
    assert ARABIC_LETTER.search(nav["aria-label"])
    # Treatments are named as the vocabulary file names them in Arabic.
    labels = [text_of(a) for a in arabic.find("ul", class_="chips").find_all("a")]
    assert labels[0] == load_vocabulary().treatments["mesotherapy"].labels["ar"]
    # Countries are named in Arabic too.
    assert text_of(arabic.find("a", attrs={"data-country": "GB"})) == "المملكة المتحدة"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_arabic_public_pages_have_no_english_left(client, path):
    tree = page(client, path, "ar")
    assert html_lang(tree) == ("ar", "rtl")
    text = main_text(tree)
    arabic, latin = len(ARABIC_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
    # What Latin is left is a name or an address (Vetted, JavaScript, a URL), not a sentence.
    assert latin <= 0.03 * (arabic + latin), (path, latin, arabic)


@pytest.mark.parametrize("path", CLINIC_PAGES)
def test_arabic_clinic_pages_have_no_english_left_but_the_name(client, db, path):
    save(db, "c-1")
    tree = page(client, path, "ar")
    assert html_lang(tree) == ("ar", "rtl")
    # The clinic's name stays as the clinic writes it, isolated for the right-to-left text.
    assert "Harley Skin Clinic" in [text_of(b) for b in tree.find("main").find_all("bdi")]
    assert latin_share(own_text(tree.find("main"))) <= 0.03, path


def test_header_links_of_every_domain_are_translated(client, db):
    save(db, "c-1")
    header = page(client, "/", "ar").find("header")
    links = [text_of(a) for a in header.find("nav").find_all("a")]
    assert "Log in" not in links and "Register" not in links
    assert all(ARABIC_LETTER.search(text) for text in links), links
    report = page(client, "/clinics/c-1", "ar").find("p", class_="report-concern")
    assert ARABIC_LETTER.search(text_of(report))


ENGLISH_WORDS = ("the", "and", "you", "your", "with", "before", "what", "this", "account")


@pytest.mark.parametrize(
    "path",
    ["/clinics/c-1/report", "/clinics/c-1/report/sent", "/transparency", "/account/login"]
    + ["/account/register", "/account/reset"],
)
def test_french_public_forms_are_in_french(client, db, path):
    save(db, "c-1")
    english, french = page(client, path), page(client, f"{path}?lang=fr")
    assert html_lang(french) == ("fr", "ltr")
    assert text_of(french.find("h1")) != text_of(english.find("h1"))
    words = Counter(own_text(french.find("main")).lower().split())
    assert sum(words[w] for w in ENGLISH_WORDS) == 0, path


@pytest.mark.parametrize(
    ("path", "data", "fields"),
    [
        # The report form sent empty: no category, no description.
        ("/clinics/c-1/report", {}, ["category", "description"]),
        # Every report field wrong: an unknown category, too short, a contact too long.
        (
            "/clinics/c-1/report",
            {"category": "fraud", "description": "short", "contact": "c" * 201},
            ["category", "description", "contact"],
        ),
        # Registering with nothing typed.
        ("/account/register", {}, ["email", "password", "confirm"]),
        # Not an address, a short password, a repeat that differs.
        (
            "/account/register",
            {"email": "not-an-address", "password": "short", "confirm": "other"},
            ["email", "password", "confirm"],
        ),
        # A password that is the address itself.
        (
            "/account/register",
            {"email": "ana@clinic.example", "password": "ana@clinic.example"}
            | {"confirm": "ana@clinic.example"},
            ["password"],
        ),
        # Logging in with nothing typed.
        ("/account/login", {}, ["email", "password"]),
        # An address and password that match no account (the view's own message).
        ("/account/login", {"email": "nobody@clinic.example", "password": "guess"}, ["password"]),
        # A direction override hidden in the address (accounts/text.py's message).
        ("/account/reset", {"email": "ana\u202e@clinic.example"}, ["email"]),
        # HTML in the address.
        ("/account/reset", {"email": "<b>@clinic.example"}, ["email"]),
    ],
)
def test_arabic_form_errors_are_arabic_beside_their_fields(client, db, path, data, fields):
    save(db, "c-1")
    response = client.post(path, data=data, headers={"Accept-Language": "ar"})
    tree = parse_html(response.data)
    assert html_lang(tree) == ("ar", "rtl")
    for name in fields:
        errors = tree.find("ul", id=f"{name}-errors")
        assert errors is not None, name
        assert ARABIC_LETTER.search(text_of(errors)), (name, text_of(errors))
        # A name such as HTML or NUL may stay; an English sentence may not.
        assert latin_share(text_of(errors)) <= 0.2, (name, text_of(errors))
    assert latin_share(own_text(tree.find("main"))) <= 0.03


def test_english_form_errors_keep_their_wording(client, db):
    response = client.post(
        "/account/register", data={"email": "not-an-address", "password": "short"}
    )
    tree = parse_html(response.data)
    email = text_of(tree.find("ul", id="email-errors"))
    # In English, email_validator's explanation follows (it only speaks English).
    assert email.startswith("That is not an e-mail address: ")
    assert text_of(tree.find("ul", id="password-errors")) == "Use at least 12 characters."


def flash_text(tree) -> str:
    """Return the text of the page's last flashed message."""
    return text_of(tree.find("ul", class_="flashes").find_all("li")[-1])


def translated(lang: str, msgid: str, **values) -> str:
    """Return msgid as the catalog writes it in lang, filled in, its spaces as text() shows them."""
    text = msgid if lang == "en" else catalog(lang).get(msgid).string
    return " ".join((text % values).split())


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_compare_flashes_are_written_in_the_pages_language(client, db, lang):
    save(db, "c-1")
    client.set_cookie(COOKIE, lang)

    def post(path: str) -> str:
        response = client.post(path, data={"clinic_id": "c-1"}, follow_redirects=True)
        tree = parse_html(response.data)
        assert html_lang(tree)[0] == lang
        return flash_text(tree)

    name = "Harley Skin Clinic"
    added = "Added %(name)s to your comparison (%(count)s of %(max)s)."
    assert post("/compare/add") == translated(lang, added, name=name, count=1, max=4)
    already = "%(name)s is already in your comparison."
    assert post("/compare/add") == translated(lang, already, name=name)
    removed = "Removed %(name)s from your comparison."
    assert post("/compare/remove") == translated(lang, removed, name=name)
    assert post("/compare/clear") == translated(lang, "Your comparison is now empty.")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_a_full_comparison_says_so_in_the_pages_language(client, db, lang):
    for n in range(5):
        save(db, f"c-{n}")
    client.set_cookie(COOKIE, lang)
    for n in range(5):
        response = client.post("/compare/add", data={"clinic_id": f"c-{n}"})
    text = flash_text(parse_html(client.get(response.headers["Location"]).data))
    msgid = (
        "You can compare up to %(max)s clinics at a time. "
        "Remove one from your comparison to add %(name)s; nothing was changed."
    )
    assert text == translated(lang, msgid, max=4, name="Harley Skin Clinic")


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_a_kept_comparison_says_how_many_it_holds(client, db, lang):
    save(db, "c-1")
    save(db, "c-2")
    client.set_cookie(COOKIE, lang)
    response = client.post("/compare/keep", data={"ids": "c-1,c-2"}, follow_redirects=True)
    msgid = "Your comparison now holds these %(count)s clinics."
    assert flash_text(parse_html(response.data)) == translated(lang, msgid, count=2)


@pytest.mark.parametrize("path", ["/guide", *GUIDE_PAGES])
def test_french_guide_is_in_french(client, path):
    english, french = page(client, path), page(client, f"{path}?lang=fr")
    assert html_lang(french) == ("fr", "ltr")
    assert text_of(french.find("h1")) != text_of(english.find("h1"))
    words = Counter(main_text(french).lower().split())
    # English's commonest words do not occur in a French page.
    assert sum(words[w] for w in ("the", "and", "you", "your", "with", "before")) == 0


@pytest.mark.parametrize("path", GUIDE_PAGES)
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_translated_guide_ties_the_same_statements_to_the_checklist(client, path, lang):
    def checks(tree):
        return [a["data-check"] for a in tree.find("article").find_all("a", class_="check-link")]

    assert checks(page(client, f"{path}?lang={lang}")) == checks(page(client, path))


@pytest.mark.parametrize(
    ("clinics", "expected"),
    [
        (1, "عيادة واحدة."),  # Arabic singular
        (2, "عيادتان."),  # dual
        (3, "3 عيادات."),  # 3 to 10 take the plural
        (11, "11 عيادة."),  # 11 to 99 take the singular again
    ],
)
def test_arabic_counts_use_the_right_plural_form(client, db, clinics, expected):
    for n in range(clinics):
        save(db, f"c-{n}")
    tree = page(client, "/clinics", "ar")
    assert text_of(tree.find("main").find("p")) == expected


# --- remembering and switching -----------------------------------------------------------------


def test_explicit_choice_is_remembered_across_pages(client):
    response = get(client, "/guide/side-effects?lang=fr")
    assert html_lang(parse_html(response.data)) == ("fr", "ltr")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert cookie.startswith(f"{COOKIE}=fr;")
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Max-Age=" in cookie
    # The next page, with no ?lang= and a browser that prefers Arabic, stays French.
    assert html_lang(page(client, "/methodology", "ar")) == ("fr", "ltr")
    # Switching again replaces the choice.
    get(client, "/guide?lang=ar")
    assert html_lang(page(client, "/compare")) == ("ar", "rtl")


def test_switcher_links_keep_the_page_and_its_query(client):
    tree = page(client, "/search?q=meso&treatment=mesotherapy&lang=ar")
    links = tree.find("nav", class_="languages").find_all("a")
    assert [a["lang"] for a in links] == list(LANGUAGES)
    assert [text_of(a) for a in links] == [name for name, _ in LANGUAGES.values()]
    for a in links:
        assert a["href"] == f"/search?q=meso&treatment=mesotherapy&lang={a['lang']}"
        assert a["hreflang"] == a["lang"]
    assert [a["lang"] for a in links if "aria-current" in a.attrs] == ["ar"]


def test_templates_render_in_english_outside_a_request(app):
    from flask import render_template_string

    with app.app_context():
        text = render_template_string("{{ _('Search') }} {{ current_lang }} {{ text_direction }}")
    assert text == "Search en ltr"


def test_language_pages_say_they_vary_by_language(client):
    response = get(client, "/")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


@pytest.mark.parametrize(
    ("endpoint", "status"),
    [
        ("accounts.confirm_email", 400),  # a clinic's link page, in the accounts blueprint
        ("moderation_public.join", 404),  # a moderator's invitation, beside the report form
    ],
)
def test_staff_pages_beside_translated_ones_stay_english(app, client, endpoint, status):
    from flask import url_for

    with app.test_request_context():
        path = url_for(endpoint, token="not-a-token")
    client.set_cookie(COOKIE, "ar")
    assert html_lang(page(client, path, "ar", status=status)) == ("en", "ltr")


def test_translated_endpoints_exist(app):
    from directory.i18n import TRANSLATED_ENDPOINTS

    # A renamed view would silently drop back to English.
    assert TRANSLATED_ENDPOINTS <= set(app.view_functions)


# --- error pages -------------------------------------------------------------------------------


def test_error_pages_are_translated(client):
    tree = page(client, "/no/such/page", "ar", status=404)
    assert html_lang(tree) == ("ar", "rtl")
    assert text_of(tree.find("h1")) == "الصفحة غير موجودة"
    tree = page(client, "/clinics?page=0", "fr", status=400)
    assert text_of(tree.find("h1")) == "Requête incorrecte"
    assert "nombre entier" in main_text(tree)


def test_error_message_nobody_translated_is_marked_english(app, client):
    app.add_url_rule("/_untranslated", "untranslated", lambda: abort(400, "A message from code."))
    tree = page(client, "/_untranslated", "ar", status=400)
    message = [p for p in tree.find("main").find_all("p") if "A message" in text_of(p)]
    assert [p.get("lang") for p in message] == ["en"]


# --- catalogs ---------------------------------------------------------------------------------


def catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def extracted_messages() -> set:
    """Run the extraction babel.cfg describes, as `pybabel extract` would."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message)
    return found


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_committed_mo_matches_its_po(lang):
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang), use_fuzzy=False)
    compiled.seek(0)
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        committed = gettext.GNUTranslations(fh)
    # pybabel compile -d directory/translations, then commit the .mo files. The messages are
    # compared, not the header (msgid ""), which names the version of the tool that compiled.
    fresh = gettext.GNUTranslations(compiled)._catalog
    assert {k: v for k, v in fresh.items() if k != ""} == {
        k: v for k, v in committed._catalog.items() if k != ""
    }


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_catalog_translates_every_message_the_pages_use(lang):
    messages = catalog(lang)
    missing = []
    for message in extracted_messages():
        entry = messages.get(message[0] if isinstance(message, tuple) else message)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(message)
    # Run pybabel extract and update (babel.cfg), then translate what is new.
    assert sorted(map(str, missing)) == []


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_translations_keep_placeholders_and_markup(lang):
    messages = catalog(lang)
    assert [(m.id, errors) for m, errors in messages.check()] == []
    for message in messages:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(source[0])), message.id


def test_known_strings_cover_what_other_modules_show(db):
    from datetime import date

    from directory import errors
    from directory.accounts.text import text_problem
    from directory.accounts.views import BAD_LOGIN
    from directory.moderation import reports, transparency
    from directory.moderation.text import sentence
    from directory.patients.places import MAX_NEAR_LENGTH
    from directory.search.views import FACET_TITLES
    from directory.vetting.scoring import LABELS, NOTES
    from directory.vetting.services import PRACTITIONERS_CHANGED

    figures = transparency.transparency_figures(db, today=date(2026, 1, 1))
    charts = [v for v in figures.values() if isinstance(v, transparency.BarChart)]
    received = {"target_type": "report", "action": "report.received", "target_id": "c:1"}
    awaiting = transparency.report_figures([{**received, "after": {"category": "other"}}])
    refused = []
    for bad in [
        {"category": "fraud", "description": "x" * 20},
        {"category": "other", "description": "short"},
        {"category": "other", "description": "x" * 20, "contact": "c" * 201},
    ]:
        with pytest.raises(reports.ReportError) as caught:
            reports.submit_report(db, "c-1", **bad)
        refused.append(sentence(caught.value))
    typed = ["\x00", "a\x01", "\u202e", "\ue000", "<b>"]
    problems = [text_problem(t) for t in typed] + [text_problem("\x01", multiline=True)]

    marked = {text for value in vars(known).values() if isinstance(value, tuple) for text in value}
    shown = {
        *LABELS.values(),
        *NOTES.values(),
        *FACET_TITLES.values(),
        *(text for pair in errors.MESSAGES.values() for text in pair),
        PRACTITIONERS_CHANGED,
        f"Keep the place to {MAX_NEAR_LENGTH} characters or fewer.",
        *reports.CATEGORIES.values(),
        *reports.OUTCOMES.values(),
        *(label for label, _count in awaiting["by_outcome"]),
        *(chart.title for chart in charts),
        *(series for chart in charts for series in chart.series),
        *refused,
        BAD_LOGIN,
        *problems,
    }
    assert shown - marked == set()


# --- right-to-left layout ----------------------------------------------------------------------

PHYSICAL = re.compile(
    r"(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
    r"|float\s*:\s*(?:left|right)|text-align\s*:\s*(?:left|right)"
)


@pytest.mark.parametrize(
    "stylesheet",
    # Third-party code (static/vendor) is drawn left to right inside our pages.
    sorted(p for p in (ROOT / "directory" / "static").rglob("*.css") if "vendor" not in p.parts),
    ids=lambda p: p.name,
)
def test_stylesheets_use_logical_properties_so_arabic_mirrors(stylesheet):
    css = re.sub(r"/\*.*?\*/", "", stylesheet.read_text(), flags=re.S)
    assert PHYSICAL.findall(css) == []
