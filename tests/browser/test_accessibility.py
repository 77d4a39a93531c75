"""Every public page passes axe-core, reads on a phone and works by keyboard, in English and Arabic.

axe-core comes from npm (package.json): `npm ci --no-audit --no-fund` puts it in node_modules/.
Phone screenshots go to $VETTED_ARTIFACTS (CI keeps test-artifacts/), or to a temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from directory.moderation.reports import submit_report
from directory.patients.guide import GUIDE_PAGES
from tests.browser.conftest import live_db, log_in, tab_to, tell_of_a_rejection
from tests.moderation.helpers import add_user, link_to_clinic
from tests.patients.helpers import verify_item

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
LANGS = ["en", "ar"]
PHONE = {"width": 390, "height": 844}

# Every public page, in the states a patient meets them in.
PUBLIC_PAGES = [
    "/",
    "/clinics",
    "/clinics?country=GB",
    "/clinics/uk-01",  # scored, with a verified item, a score history and a compare button
    "/clinics/ae-1",
    "/search",
    "/search?q=clinic",  # results, facets and a pager
    "/search?q=clinic&treatment=hair-mesotherapy&min_score=0",  # filters in use
    "/search?q=zzzzqqqq&country=AE",  # no results: ways to widen the search
    "/search?min_score=abc&radius_km=-1",  # errors beside the fields
    "/methodology",
    "/guide",
    *(f"/guide/{slug}" for slug in GUIDE_PAGES),
    "/compare",  # this browser's own comparison (two clinics added first)
    "/compare?ids=uk-01,uk-02,ae-1,nope&near=51.5,-0.12",  # shared, with distances
    "/self-check",
    "/self-check?near=51.5,-0.12",
    "/clinics/uk-01/report",
    "/clinics/uk-01/report/sent",
    "/transparency",  # with a verified claim and a patient's report in its charts
    "/account/login",
    "/account/register",
    "/account/reset",
    "/no/such/page",
]
# Forms sent empty through the browser (with their CSRF token): the page with errors beside
# the fields. (form page, its submit button)
FORMS_WITH_ERRORS = [
    ("/clinics/uk-01/report", "main form button[type=submit]"),
    ("/account/login", "main form input[type=submit]"),
    ("/account/register", "main form input[type=submit]"),
    ("/account/reset", "main form input[type=submit]"),
]


@pytest.fixture
def server(live_app, live_server):
    """The live server, with one clinic's licence verified so its page shows real vetting,
    and one patient's report so the transparency page charts it."""
    from directory.db import connect
    from directory.moderation.reports import submit_report

    db = connect(live_app.config["DATABASE"])
    try:
        verify_item(db, "uk-01", "licensed-staff")
        submit_report(db, "uk-02", category="adverse-reaction", description="Redness for a week.")
    finally:
        db.close()
    return live_server


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: run `npm ci --no-audit --no-fund`")
    return AXE


def open_page(browser, lang: str, **options):
    context = browser.new_context(extra_http_headers={"Accept-Language": lang}, **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def add_to_compare(page, server: str, clinic_id: str) -> None:
    page.goto(f"{server}/clinics/{clinic_id}")
    with page.expect_navigation():
        page.locator(f"form.compare-button[data-clinic-id={clinic_id}] button").click()


def audit(page, axe_script: Path) -> list[dict]:
    """Run axe-core on the open page; return its serious and critical violations."""
    # Evaluated, not added as an inline <script>: the CSP refuses inline scripts, as it should.
    page.evaluate(axe_script.read_text())
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120)),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in violations if v["impact"] in BLOCKING]


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for path, violations in found.items():
        for v in violations:
            lines.append(f"{path}: {v['impact']} {v['id']} ({v['help']})")
            lines.extend(f"    {node}" for node in v["nodes"][:5])
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages_pass_axe_with_no_serious_violations(server, browser, axe_script, lang):
    context, page = open_page(browser, lang)
    try:
        add_to_compare(page, server, "uk-01")
        add_to_compare(page, server, "ae-1")
        found = {}
        for path in PUBLIC_PAGES:
            page.goto(f"{server}{path}")
            assert page.evaluate("document.documentElement.lang") == lang, path
            violations = audit(page, axe_script)
            if violations:
                found[path] = violations
        for path, button in FORMS_WITH_ERRORS:
            page.goto(f"{server}{path}")
            with page.expect_navigation():
                page.locator(button).click()
            assert page.locator("ul.errors").count() > 0, path
            assert page.evaluate("document.documentElement.lang") == lang, path
            violations = audit(page, axe_script)
            if violations:
                found[f"{path} (sent empty)"] = violations
        assert found == {}, "axe-core found serious or critical violations:\n" + report(found)
    finally:
        context.close()


def artifacts_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VETTED_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", LANGS)
def test_phone_viewport_reads_without_sideways_scrolling(server, browser, tmp_path, lang):
    folder = artifacts_dir(tmp_path)
    context, page = open_page(browser, lang, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        add_to_compare(page, server, "uk-01")
        add_to_compare(page, server, "uk-02")
        add_to_compare(page, server, "ae-1")
        for name, path in [
            ("home", "/"),
            ("search", "/search?q=clinic"),
            ("clinic", "/clinics/uk-01"),
            ("compare", "/compare"),
            ("self-check", "/self-check"),
            ("report", "/clinics/uk-01/report"),  # its hidden honeypot field stays on the page
            ("transparency", "/transparency"),  # its charts fit the screen
            ("register", "/account/register"),
        ]:
            page.goto(f"{server}{path}")
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            shot = folder / f"phone-{lang}-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert widths[0] <= widths[1] == PHONE["width"], (path, widths)
            assert shot.stat().st_size > 0
            # Text stays readable: no shrinking below 16px for body copy.
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    finally:
        context.close()


def focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        }"""
    )


@pytest.mark.parametrize("lang", LANGS)
def test_search_filter_and_open_a_result_by_keyboard_only(server, browser, lang):
    context, page = open_page(browser, lang)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server}/")
        tab_to(page, "#q")
        assert focus_is_visible(page)
        page.keyboard.type("clinic")
        with page.expect_navigation(url=re.compile(r"/search\?q=clinic$")):
            page.keyboard.press("Enter")
        assert page.locator("li.result").count() == 20

        box = "fieldset[data-facet=treatment] input[value=hair-mesotherapy]"
        tab_to(page, box)
        assert focus_is_visible(page)
        page.keyboard.press("Space")
        assert page.locator(box).is_checked()
        tab_to(page, "button.apply")
        with page.expect_navigation(url=re.compile(r"treatment=hair-mesotherapy")):
            page.keyboard.press("Enter")
        assert page.locator(box).is_checked()
        assert page.locator("#q").input_value() == "clinic"
        for chips in page.locator("li.result ul.treatments").all():
            assert chips.locator("li[data-treatment=hair-mesotherapy]").count() == 1

        first = page.locator("li.result a.clinic-link").first
        name = first.inner_text()
        tab_to(page, "li.result a.clinic-link")
        assert focus_is_visible(page)
        with page.expect_navigation(url=re.compile(r"/clinics/[\w-]+$")):
            page.keyboard.press("Enter")
        assert page.locator("h1").inner_text() == name
        assert page.evaluate("document.documentElement.lang") == lang
        assert errors == []
    finally:
        context.close()


# The clinic back office and the pages #14 added, as their people meet them (en and ar).
BACK_OFFICE_PAGES = [
    "/manage/",
    "/manage/uk-01",
    "/manage/uk-01/edit",
    "/manage/uk-01/notifications",
    "/manage/uk-01/preview",
    "/manage/uk-01/items/informed-consent",
    "/account/",
]


@pytest.fixture
def back_office(live_app, live_server):
    """uk-01's owner with a message on the dashboard, and a patient's report status link."""
    with live_db(live_app) as db:
        link_to_clinic(db, add_user(db, "owner@uk01.example", role="clinic"), "uk-01")
        tell_of_a_rejection(db, "The form is from 2019.")
        receipt = submit_report(db, "uk-02", category="other", description="Rude on the phone.")
    return live_server, f"/reports/{receipt.token}"


@pytest.mark.parametrize("lang", LANGS)
def test_back_office_and_report_status_pass_axe(back_office, browser, axe_script, lang):
    server, status = back_office
    context, page = open_page(browser, lang)
    try:
        found = {}
        page.goto(f"{server}{status}")
        found[status] = audit(page, axe_script)
        log_in(page, server, "owner@uk01.example")
        for path in BACK_OFFICE_PAGES:
            page.goto(f"{server}{path}")
            assert page.evaluate("document.documentElement.lang") == lang, path
            found[path] = audit(page, axe_script)
        found = {path: v for path, v in found.items() if v}
        assert found == {}, "axe-core found serious or critical violations:\n" + report(found)
    finally:
        context.close()
