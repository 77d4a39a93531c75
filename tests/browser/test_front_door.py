"""The patient's front door (#12): results first on a phone, working forms, no sideways scroll.

Walks every public and back-office page at 390 px (logged in where a page needs it) and saves
screenshots of the patient pages at 390x844 and 1280x800, in English and Arabic, to
$VETTED_ARTIFACTS (or a temporary folder).
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from directory.accounts.services import create_listing, get_user
from directory.moderation.reports import submit_report
from directory.notifications.services import notify
from tests.browser.conftest import live_db, log_in, log_in_moderator, tell_of_a_rejection
from tests.conftest import make_profile
from tests.moderation.helpers import (
    add_user,
    enrol,
    link_to_clinic,
    pending_claim,
)
from tests.patients.helpers import verify_item

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SECRET: dict[str, str] = {}

# The patient pages, screenshotted at both sizes in English and Arabic: (name, path).
PATIENT_PAGES = [
    ("home", "/"),
    ("clinics", "/clinics?sort=score"),
    ("search", "/search?q=mesotherapy"),
    ("search-filtered", "/search?q=clinic&treatment=hair-mesotherapy&near=London"),
    ("search-none", "/search?q=zzzzqqqq&country=AE"),
    ("clinic", "/clinics/uk-01"),
    ("clinic-dubai", "/clinics/ae-1"),
    ("compare", "/compare"),
    ("methodology", "/methodology"),
    ("guide", "/guide"),
    ("guide-mesotherapy", "/guide/mesotherapy"),
    ("self-check", "/self-check"),
    ("transparency", "/transparency"),
]
# Every other public page, walked at 390 px.
OTHER_PUBLIC = [
    "/clinics",
    "/clinics?country=GB",
    "/search",
    "/search?q=clinic",
    "/search?min_score=abc&radius_km=-1",
    "/guide/who-should-not",
    "/guide/side-effects",
    "/guide/before-and-after",
    "/guide/questions",
    "/compare?ids=uk-01,uk-02,ae-1,nope&near=51.5,-0.12",
    "/self-check?near=51.5,-0.12",
    "/clinics/uk-01/report",
    "/clinics/uk-01/report/sent",
    "/account/login",
    "/account/register",
    "/account/reset",
    "/no/such/page",
]
# A clinic owner's pages (owner of uk-01).
CLINIC_PAGES = [
    "/account/",
    "/account/password",
    "/manage/",
    "/manage/new",
    "/manage/claim?q=clinic",
    "/manage/claim/uk-03",
    "/manage/uk-01",
    "/manage/uk-01/edit",
    "/manage/uk-01/members",
    "/manage/uk-01/items/informed-consent",
    "/manage/uk-01/notifications",
    "/manage/uk-01/preview",
]
# A moderator's pages (an admin, second factor passed).
MODERATION_PAGES = [
    "/moderation/",
    "/moderation/?kind=claim",
    "/moderation/?kind=report",
    "/moderation/claims/uk-01/informed-consent",
    "/moderation/reports/1",
    "/moderation/clinics/uk-01",
    "/moderation/clinics/uk-01/audit",
    "/moderation/actions",
    "/moderation/conflicts",
    "/moderation/admin/invites",
    "/moderation/listings/1",
    "/moderation/?page=2",
]


@pytest.fixture
def server(live_app, live_server):
    """The live server with a verified item, a report, a pending claim, an owner and an admin."""
    with live_db(live_app) as db:
        verify_item(db, "uk-01", "licensed-staff")
        receipt = submit_report(
            db, "uk-02", category="adverse-reaction", description="Redness for a week."
        )
        SECRET["status"] = f"/reports/{receipt.token}"
        pending_claim(db, "uk-01", "informed-consent")
        owner = add_user(db, "owner@uk01.example", role="clinic")
        link_to_clinic(db, owner, "uk-01")
        # A message on the dashboard, and a new listing waiting for approval.
        notify(
            db,
            "claim.verified",
            "uk-01",
            clinic_name="Clinic 01 Hair and Skin",
            item_key="licensed-staff",
            expires_at="2027-06-30",
        )
        tell_of_a_rejection(db, "A long reason " * 12)
        profile = make_profile("new", name="A Brand New Clinic With A Rather Long Name")
        del profile["id"], profile["status"]
        create_listing(db, get_user(db, owner), profile)
        SECRET["admin"] = enrol(db, add_user(db, "admin@vetted.example", role="admin"))
    return live_server


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VETTED_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def opened(browser, lang: str = "en", size: dict = PHONE, **options):
    """Yield a page in a fresh browser context of that size and language; close it after."""
    phone = size["width"] < 600
    context = browser.new_context(
        viewport=size,
        is_mobile=phone,
        has_touch=phone,
        extra_http_headers={"Accept-Language": lang},
        **options,
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sideways(page) -> tuple[int, int] | None:
    """Return (scroll width, screen width) when the page is wider than the screen, else None."""
    # A phone widens its layout viewport to fit wide content (innerWidth grows with it), so the
    # page is measured against the screen's own width.
    screen = page.viewport_size["width"]
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")
    return (width, screen) if width > screen else None


def add_to_compare(page, server: str, clinic_id: str) -> None:
    page.goto(f"{server}/clinics/{clinic_id}")
    with page.expect_navigation():
        page.locator(f"form.compare-button[data-clinic-id={clinic_id}] button").click()


def test_first_result_is_in_the_first_phone_screen(server, browser):
    with opened(browser) as page:
        page.goto(f"{server}/search?q=mesotherapy")
        name = page.locator("li.result a.clinic-link").first
        box = name.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"], box
        # The search box takes the width it is given.
        field = page.locator("#q").bounding_box()
        assert field["width"] >= PHONE["width"] * 0.5
        # The filters wait behind a button that says how many are in use.
        assert not page.locator("#filters").is_visible()
        assert page.locator(".filters-toggle").first.inner_text() == "Filters (0)"


def test_filters_open_as_a_drawer_on_a_phone_and_close_with_escape(server, browser):
    with opened(browser) as page:
        page.goto(f"{server}/search?q=clinic&treatment=hair-mesotherapy")
        toggle = page.locator(".filters-toggle").first
        assert toggle.inner_text() == "Filters (1)"
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        drawer = page.locator("#filters")
        assert drawer.is_visible()
        assert drawer.get_attribute("role") == "dialog"
        assert page.evaluate("document.activeElement.id") == "filters-drawer-title"
        assert drawer.bounding_box()["width"] <= PHONE["width"]
        page.keyboard.press("Escape")
        assert not drawer.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('filters-toggle')")


def test_every_add_to_compare_on_a_results_page_works(server, browser):
    with opened(browser, size=DESKTOP) as page:
        page.goto(f"{server}/search?q=clinic")
        results = page.locator("li.result")
        assert results.count() == 20
        # Each result has its own form (none swallowed by the filter form).
        assert page.locator("li.result form.compare-button").count() == 20
        ids = [results.nth(n).get_attribute("data-clinic-id") for n in range(4)]
        for n, clinic_id in enumerate(ids, start=1):
            form = page.locator(f"li.result[data-clinic-id='{clinic_id}'] form.compare-button")
            with page.expect_navigation():
                form.locator("button").click()
            query = parse_qs(urlsplit(page.url).query)
            assert "csrf_token" not in query and "clinic_id" not in query
            assert f"({n} of 4)" in page.locator(".flashes").inner_text()
        assert page.locator(".nav-compare .compare-count").inner_text() == "4"


@pytest.mark.parametrize("javascript", [True, False])
def test_apply_filters_never_puts_a_token_in_the_address(server, browser, javascript):
    with opened(browser, size=DESKTOP, java_script_enabled=javascript) as page:
        page.goto(f"{server}/search?q=clinic")
        page.locator("fieldset[data-facet=treatment] input[value=hair-mesotherapy]").check()
        with page.expect_navigation():
            page.locator("button.apply").click()
        query = parse_qs(urlsplit(page.url).query)
        assert query["treatment"] == ["hair-mesotherapy"]
        assert not {"csrf_token", "clinic_id", "next"} & set(query)


def test_filters_apply_as_they_change(server, browser):
    with opened(browser, size=DESKTOP) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server}/search?q=clinic")
        assert "22 clinics" not in page.locator(".total").inner_text()
        page.locator("fieldset[data-facet=country] input[value=AE]").check()
        page.wait_for_url(re.compile(r"country=AE"))
        page.locator(".total", has_text="3 clinics").wait_for()
        assert page.locator("li.result").count() == 3
        assert page.locator("fieldset[data-facet=country] input[value=AE]").is_checked()
        assert "csrf_token" not in page.url
        assert errors == []


def test_page_past_the_end_shows_the_last_page(server, browser):
    with opened(browser, size=DESKTOP) as page:
        page.goto(f"{server}/search?q=clinic&page=999")
        assert page.locator(".pager span").inner_text() == "Page 2 of 2"


def test_clinic_map_loads_only_when_seen_and_only_from_this_site(server, browser):
    with opened(browser) as page:
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(f"{server}/clinics/uk-01")
        page.wait_for_load_state("networkidle")
        assert not any("leaflet" in url for url in asked)  # nothing until the map is seen
        page.locator("#clinic-map").scroll_into_view_if_needed()
        page.locator("#clinic-map.is-live .leaflet-marker-icon").wait_for()
        page.wait_for_load_state("networkidle")
        assert any(url.endswith("/static/vendor/leaflet/leaflet.js") for url in asked)
        assert any("z=" in url for url in asked)  # tiles came from the configured server
        assert all(url.startswith(server) for url in asked), asked
        attribution = page.locator("#clinic-map .leaflet-control-attribution").inner_text()
        assert "OpenStreetMap" in attribution


def test_without_javascript_the_clinic_page_shows_its_address(server, browser):
    with opened(browser, java_script_enabled=False) as page:
        page.goto(f"{server}/clinics/uk-01")
        assert page.locator("dd.address").is_visible()
        assert page.locator("#clinic-map .coordinates").is_visible()
        assert sideways(page) is None


def test_vendored_leaflet_is_the_npm_package():
    root = Path(__file__).resolve().parents[2]
    dist = root / "node_modules" / "leaflet" / "dist"
    ours = root / "directory" / "static" / "vendor" / "leaflet"
    if not dist.exists():
        pytest.skip("node_modules/leaflet is missing: run `npm ci --no-audit --no-fund`")
    for name in ("leaflet.js", "leaflet.css"):
        assert (ours / name).read_bytes() == (dist / name).read_bytes(), (
            f"run `make vendor` ({name})"
        )


def walk(page, server: str, paths: list[str], folder: Path, prefix: str) -> dict[str, tuple]:
    """Open each page; screenshot it; return the ones that scroll sideways."""
    wide: dict[str, tuple] = {}
    for path in paths:
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status < 500, path
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        page.screenshot(path=str(folder / f"{prefix}-{name}.png"), full_page=True)
        if found := sideways(page):
            wide[path] = found
    return wide


def test_no_page_scrolls_sideways_on_a_phone(server, browser, artifacts):
    wide: dict[str, tuple] = {}
    for lang in ("en", "ar"):
        with opened(browser, lang) as page:
            add_to_compare(page, server, "uk-01")
            add_to_compare(page, server, "ae-1")
            paths = [path for _, path in PATIENT_PAGES] + OTHER_PUBLIC + [SECRET["status"]]
            wide |= walk(page, server, paths, artifacts, f"walk-{lang}")
    with opened(browser) as page:
        log_in(page, server, "owner@uk01.example")
        wide |= walk(page, server, CLINIC_PAGES, artifacts, "walk-clinic")
    with opened(browser) as page:
        log_in_moderator(page, server, "admin@vetted.example", SECRET["admin"])
        wide |= walk(page, server, MODERATION_PAGES, artifacts, "walk-moderation")
    assert wide == {}, f"pages wider than 390 px: {wide}"


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390x844", "1280x800"])
def test_screenshots_of_the_patient_pages(server, browser, artifacts, lang, size):
    with opened(browser, lang, size) as page:
        add_to_compare(page, server, "uk-01")
        add_to_compare(page, server, "uk-02")
        for name, path in PATIENT_PAGES:
            page.goto(f"{server}{path}")
            map_box = page.locator(".map").first
            if map_box.count():
                map_box.scroll_into_view_if_needed()
                page.locator(".map.is-live").first.wait_for()
                page.evaluate("window.scrollTo(0, 0)")
            shot = artifacts / f"{name}-{lang}-{size['width']}x{size['height']}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 0
            assert page.evaluate("document.documentElement.lang") == lang
            assert sideways(page) is None, (path, sideways(page))
