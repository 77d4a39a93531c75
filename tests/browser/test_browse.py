"""A visitor opens the home page, follows a clinic link and sees its page, in Chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_home_to_clinic_page(live_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Find")
    page.locator("a[data-country=GB]").click()  # browse by country
    page.wait_for_url(re.compile(r"/clinics\?country=GB"))
    first = page.locator("a.clinic-link").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/clinics/uk-\d\d$"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.locator(".address").inner_text().count("10 Harley Street") == 1
    assert "GMC 7654321" in page.locator(".practitioners").inner_text()
    assert errors == []


def test_unknown_page_is_friendly(live_server, page):
    response = page.goto(f"{live_server}/clinics/no-such-clinic")
    assert response.status == 404
    assert "could not find" in page.locator("main").inner_text()
