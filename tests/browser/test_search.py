"""A patient searches, narrows by a treatment, pages on and opens a clinic, in Chromium."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

pytestmark = pytest.mark.browser


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_search_filter_page_and_open_a_result(live_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server}/search")
    page.get_by_label("Treatment, concern, place or clinic name").fill("clinic")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search\?q=clinic"))
    assert page.locator("li.result").count() == 20

    page.get_by_role("checkbox", name=re.compile(r"^Hair mesotherapy")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"treatment=hair-mesotherapy"))
    assert ("treatment", "hair-mesotherapy") in query(page.url)
    assert page.get_by_role("checkbox", name=re.compile(r"^Hair mesotherapy")).is_checked()
    assert page.get_by_label("Treatment, concern, place or clinic name").input_value() == "clinic"
    assert page.locator("p.total").inner_text().startswith("22 clinics")
    for chips in page.locator("li.result ul.treatments").all():
        assert "Hair mesotherapy" in chips.inner_text()

    page.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert ("treatment", "hair-mesotherapy") in query(page.url)
    assert page.locator("nav.pager").inner_text().count("Page 2 of 2") == 1
    assert page.locator("li.result").count() in (2, 5)  # 22 filtered, or 25 on the stub

    first = page.locator("li.result a.clinic-link").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/clinics/[\w-]+$"))
    assert page.locator("h1").inner_text() == name
    assert errors == []
