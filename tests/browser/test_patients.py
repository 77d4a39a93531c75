"""A patient compares clinics and takes the private self-check, by keyboard, in Chromium."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from directory.patients.guide import SCREENING_ITEM, SELF_CHECK_ANSWERS
from tests.browser.conftest import tab_to
from tests.conftest import make_profile
from tests.patients.helpers import StubIndex, verify_item

pytestmark = pytest.mark.browser

NAMES = {
    "lon-a": "Alpha Skin Clinic",
    "lon-b": "Beta Aesthetics",
    "lon-c": "Gamma Dermatology",
    "lon-d": "Delta Meso Studio",
    "lon-e": "Epsilon Clinic",
}
SCREENED = ("lon-b", "lon-d")  # the clinics with verified contraindication screening

# A page of cards with the compare button, as the search results and the clinic page use it.
CARDS = """{% extends "base.html" %}
{% from "patients/_compare_button.html" import compare_button with context %}
{% block content %}<ul>
{% for id, name in names.items() %}<li><a href="/clinics/{{ id }}">{{ name }}</a>
{{ compare_button(id, name) }}
</li>{% endfor %}</ul>{% endblock %}"""


@pytest.fixture
def live_server_profiles() -> list[dict]:
    languages = {"lon-a": ["en"], "lon-b": ["ar", "en"]}
    return [
        make_profile(
            clinic_id,
            name=name,
            languages=languages.get(clinic_id, ["en", "fr"]),
            location={"lat": 51.49 + n / 100, "lon": -0.13 - n / 100},
        )
        for n, (clinic_id, name) in enumerate(NAMES.items())
    ]


@pytest.fixture
def server(live_app, live_server):
    """The live server, with screening verified at two clinics and a page of compare buttons."""
    from directory.db import connect
    from directory.search.extension import EXTENSION_KEY

    db = connect(live_app.config["DATABASE"])
    try:
        for clinic_id in SCREENED:
            verify_item(db, clinic_id, SCREENING_ITEM)
    finally:
        db.close()
    # The index is asked for candidates; the store decides which ones are verified.
    real = live_app.extensions.get(EXTENSION_KEY)
    if real is not None:
        real.close()
    live_app.extensions[EXTENSION_KEY] = StubIndex(list(NAMES))
    live_app.add_url_rule(
        "/_cards", "test_cards", lambda: render_template_string(CARDS, names=NAMES)
    )
    return live_server


def compare_count(page) -> int:
    return int(page.locator("nav .compare-count").inner_text())


def test_compare_add_remove_and_share_by_keyboard(server, page, browser):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/_cards")

    for n, (clinic_id, key) in enumerate(
        [("lon-a", "Enter"), ("lon-b", "Space"), ("lon-c", "Enter"), ("lon-d", "Enter")], 1
    ):
        tab_to(page, f"form.compare-button[data-clinic-id={clinic_id}] button")
        with page.expect_navigation():
            page.keyboard.press(key)
        assert page.locator(".flash").inner_text().startswith(f"Added {NAMES[clinic_id]}")
        assert compare_count(page) == n

    # A fifth is refused with a message, and the four stay.
    tab_to(page, "form.compare-button[data-clinic-id=lon-e] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You can compare up to 4 clinics" in page.locator(".flash.error").inner_text()
    assert compare_count(page) == 4

    page.goto(f"{server}/compare")
    columns = page.locator("th.clinic-col a.clinic-name")
    assert columns.all_inner_texts() == [NAMES[i] for i in ("lon-a", "lon-b", "lon-c", "lon-d")]
    languages = page.locator("tr.row-languages")
    assert "differs" in languages.get_attribute("class")
    assert "Differs" in languages.locator("th").inner_text()

    tab_to(page, "th[data-clinic-id=lon-b] form.remove button")
    with page.expect_navigation(url=re.compile(r"/compare$")):
        page.keyboard.press("Enter")
    assert "Removed Beta Aesthetics" in page.locator(".flash").inner_text()
    assert columns.all_inner_texts() == [NAMES[i] for i in ("lon-a", "lon-c", "lon-d")]
    assert compare_count(page) == 3

    share = page.locator("#share-link").input_value()
    assert share == f"{server}/compare?ids=lon-a,lon-c,lon-d"
    # The link reproduces the comparison in a browser that has never seen it.
    other = browser.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(share)
        assert (
            fresh.locator("th.clinic-col a.clinic-name").all_inner_texts()
            == columns.all_inner_texts()
        )
        assert fresh.locator("nav .compare-count").inner_text() == "0"
    finally:
        other.close()

    # Printing leaves out the site chrome and the forms, and keeps the table.
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator(".compare-tools").is_visible()
    assert page.locator("table.compare").is_visible()
    assert errors == []


def test_self_check_never_sends_the_answers(server, page):
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url} {r.post_data or ''}"))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/self-check")
    guidance = page.locator("[data-guidance]")
    visible = lambda: [  # noqa: E731 - read the shown blocks after each step
        g.get_attribute("data-guidance") for g in guidance.all() if g.is_visible()
    ]
    assert visible() == ["none"]

    tab_to(page, "#sc-pregnancy")
    page.keyboard.press("Space")
    tab_to(page, "#sc-allergies")
    page.keyboard.press("Space")
    assert page.locator("#sc-pregnancy").is_checked() and page.locator("#sc-allergies").is_checked()
    assert visible() == ["pregnancy", "allergies"]
    assert "Not recommended" in page.locator("[data-guidance=pregnancy]").text_content()

    tab_to(page, "#sc-near")
    page.keyboard.type("London")
    with page.expect_response(re.compile(r"/api/v1/self-check/clinics\?near=London$")):
        page.keyboard.press("Enter")
    results = page.locator("#nearby-results ol.nearby-list li")
    results.first.wait_for()
    assert sorted(results.locator("a").all_inner_texts()) == sorted(NAMES[i] for i in SCREENED)
    kms = [float(t.split()[0]) for t in results.locator(".distance").all_inner_texts()]
    assert kms == sorted(kms)
    assert page.url == f"{server}/self-check"  # no navigation: the answers are still on screen
    assert page.locator("#sc-pregnancy").is_checked()

    tab_to(page, "#sc-clear")
    page.keyboard.press("Enter")
    assert visible() == ["none"]

    assert any("/api/v1/self-check/clinics?near=London" in line for line in sent)
    fields = [f"sc-{a}" for a in SELF_CHECK_ANSWERS]
    words = [*SELF_CHECK_ANSWERS, *fields, "pregnan", "breastfeed", "allerg", "answer", "=on"]
    leaks = [(line, w) for line in sent for w in words if w.lower() in line.lower()]
    assert leaks == []
    assert errors == []


@pytest.mark.parametrize(
    "path", ["/compare?ids=lon-a,lon-b,lon-c,lon-d", "/self-check", "/guide/questions"]
)
def test_phone_viewport_has_no_sideways_scrolling(server, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(f"{server}{path}")
        wide = phone.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.compare-scroll'))
                .map(e => e.tagName + '.' + e.className)"""
        )
        assert wide == []
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        font = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 16
    finally:
        context.close()


def test_questions_to_ask_print_on_one_page(server, page):
    page.goto(f"{server}/guide/questions")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
