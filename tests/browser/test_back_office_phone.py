"""The back office on a 390 px phone (#14): no page of a clinic or a moderator scrolls sideways.

Before #14 the moderation pages were 643–674 px wide on a 390 px screen.
"""

from __future__ import annotations

import re

import pytest

from directory.moderation.reports import submit_report
from tests.browser.conftest import live_db, log_in, log_in_moderator
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, enrol, link_to_clinic, pending_claim

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
CLINIC_PAGES = [
    "/manage/",
    "/manage/c-1",
    "/manage/c-1/edit",
    "/manage/c-1/notifications",
    "/manage/c-1/members",
    "/manage/c-1/items/informed-consent",
    "/manage/c-1/experiences",
    "/account/",
]
MODERATOR_PAGES = [
    "/moderation/",
    "/moderation/?kind=claim",
    "/moderation/clinics/c-1/audit",
]


@pytest.fixture
def live_server_profiles() -> list[dict]:
    return [make_profile("c-1"), make_profile("c-2", name="Second Street Skin")]


@pytest.fixture
def people(live_app) -> str:
    """c-1's owner; an enrolled moderator (returns the second factor's secret); work waiting."""
    with live_db(live_app) as db:
        link_to_clinic(db, add_user(db, "owner@c1.example", role="clinic"), "c-1")
        secret = enrol(db, add_user(db, "mo@vetted.example", name="Mo"))
        pending_claim(db, "c-1", "informed-consent")
        submit_report(db, "c-2", category="adverse-reaction", description="Fever after it.")
    return secret


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def too_wide(page, server: str, paths: list[str]) -> dict[str, int]:
    """Visit each path; return those whose page is wider than the screen, with their width."""
    wide = {}
    for path in paths:
        response = page.goto(f"{server}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    return wide


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_clinic_back_office_fits_a_phone(live_server, people, browser, lang):
    context, page = phone_page(browser)
    try:
        page.goto(f"{live_server}/?lang={lang}")
        log_in(page, live_server, "owner@c1.example")
        assert too_wide(page, live_server, CLINIC_PAGES) == {}
    finally:
        context.close()


def test_the_moderators_workbench_fits_a_phone(live_server, people, browser):
    context, page = phone_page(browser)
    try:
        log_in_moderator(page, live_server, "mo@vetted.example", people)
        # Each item's own page too: the report's triage and the claim's review screen.
        items = page.locator("ol.queue p.queue-what a")
        paths = [re.sub(r"^https?://[^/]+", "", items.nth(n).get_attribute("href")) for n in (0, 1)]
        assert any("/reports/" in path for path in paths)
        assert too_wide(page, live_server, [*MODERATOR_PAGES, *paths]) == {}
    finally:
        context.close()
