"""A patient reads the site in Arabic (right to left) or French, and switches by keyboard."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import tab_to

pytestmark = pytest.mark.browser

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")


def lang_and_dir(page) -> tuple[str, str]:
    script = "[document.documentElement.lang, getComputedStyle(document.body).direction]"
    return tuple(page.evaluate(script))


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_arabic_browser_gets_a_mirrored_layout(live_server, browser):
    context = browser.new_context(
        locale="ar-AE",
        extra_http_headers={"Accept-Language": "ar-AE,ar;q=0.9"},
        viewport={"width": 1200, "height": 800},
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server}/clinics/uk-01")
        assert lang_and_dir(page) == ("ar", "rtl")
        assert ARABIC_LETTER.search(page.locator("#vetting-heading").inner_text())
        # The brand sits at the right-hand end of the header, the language switcher at the left.
        brand, switcher = box(page, "header.site .brand"), box(page, "nav.languages")
        assert brand["x"] > 1200 / 2 > switcher["x"] + switcher["width"]
        # Headings start from the right, even a Latin clinic name.
        name = page.locator("main h1").evaluate(
            """h => { const text = document.createRange(); text.selectNodeContents(h);
                return [text.getBoundingClientRect().right, h.getBoundingClientRect().right]; }"""
        )
        assert abs(name[0] - name[1]) < 2
        # Dates are written for an Arabic reader (Babel) and isolated from the text around them.
        first_date = page.locator("time").first
        assert first_date.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
        assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", first_date.inner_text())
        # Treatments are named in Arabic.
        treatments = page.locator("section.treatments .treatment-name").first.inner_text()
        assert ARABIC_LETTER.search(treatments)
    finally:
        context.close()


def test_switch_language_by_keyboard_and_keep_it(live_server, page):
    page.goto(f"{live_server}/guide/side-effects")
    assert lang_and_dir(page) == ("en", "ltr")
    english_title = page.locator("h1").inner_text()

    tab_to(page, "nav.languages a[lang=fr]")
    with page.expect_navigation(url=re.compile(r"/guide/side-effects\?lang=fr$")):
        page.keyboard.press("Enter")
    assert lang_and_dir(page) == ("fr", "ltr")
    assert page.locator("h1").inner_text() not in ("", english_title)
    assert page.locator("nav.languages a[aria-current]").get_attribute("lang") == "fr"

    # Another page, reached by keyboard, without ?lang=: still French.
    tab_to(page, "a.nav-guide")
    with page.expect_navigation(url=re.compile(r"/guide$")):
        page.keyboard.press("Enter")
    assert lang_and_dir(page) == ("fr", "ltr")
    assert page.locator("h1").inner_text() == "Guide de sécurité"

    tab_to(page, "nav.languages a[lang=ar]")
    with page.expect_navigation(url=re.compile(r"/guide\?lang=ar$")):
        page.keyboard.press("Enter")
    assert lang_and_dir(page) == ("ar", "rtl")
    page.goto(f"{live_server}/compare")
    assert lang_and_dir(page) == ("ar", "rtl")

    # And back to English.
    tab_to(page, "nav.languages a[lang=en]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert lang_and_dir(page) == ("en", "ltr")
    assert page.locator("h1").inner_text() == "Compare clinics"


def test_arabic_self_check_picks_guidance_in_arabic(live_server, browser):
    context = browser.new_context(extra_http_headers={"Accept-Language": "ar"})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/self-check")
        tab_to(page, "#sc-pregnancy")
        page.keyboard.press("Space")
        shown = [g for g in page.locator("[data-guidance]").all() if g.is_visible()]
        assert [g.get_attribute("data-guidance") for g in shown] == ["pregnancy"]
        assert ARABIC_LETTER.search(shown[0].inner_text())
        assert "Not recommended" not in shown[0].inner_text()
    finally:
        context.close()


def test_arabic_patient_reports_a_concern_by_keyboard(live_server, live_app, browser):
    context = browser.new_context(extra_http_headers={"Accept-Language": "ar"})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/clinics/uk-01")
        tab_to(page, "p.report-concern a")
        assert ARABIC_LETTER.search(page.locator("p.report-concern a").inner_text())
        with page.expect_navigation(url=re.compile(r"/clinics/uk-01/report$")):
            page.keyboard.press("Enter")
        assert lang_and_dir(page) == ("ar", "rtl")

        # Sent empty: the messages beside the fields are Arabic, and the page stays Arabic.
        tab_to(page, "main form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert lang_and_dir(page) == ("ar", "rtl")
        for field in ("category", "description"):
            errors = page.locator(f"#{field}-errors").inner_text()
            assert ARABIC_LETTER.search(errors) and "Choose" not in errors and "Tell" not in errors

        tab_to(page, "input[name=category][value=adverse-reaction]")
        page.keyboard.press("Space")
        tab_to(page, "#description")
        page.keyboard.type("احمرار وتورم استمر أسبوعًا بعد الجلسة.")
        tab_to(page, "main form button[type=submit]")
        with page.expect_navigation(url=re.compile(r"/clinics/uk-01/report/sent$")):
            page.keyboard.press("Enter")
        assert lang_and_dir(page) == ("ar", "rtl")
        assert ARABIC_LETTER.search(page.locator("main p[role=status]").inner_text())
    finally:
        context.close()

    from directory.db import connect

    db = connect(live_app.config["DATABASE"])
    try:
        rows = list(db.query("select category, description from reports"))
    finally:
        db.close()
    assert rows == [
        {"category": "adverse-reaction", "description": "احمرار وتورم استمر أسبوعًا بعد الجلسة."}
    ]
