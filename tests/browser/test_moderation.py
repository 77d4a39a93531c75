"""Moderators in Chromium: log in with a code, verify and reject claims, suspend with four eyes."""

from __future__ import annotations

import re

import pytest

from directory.db import connect
from tests.browser.conftest import enrol_moderators, log_in_moderator
from tests.conftest import make_profile
from tests.moderation.helpers import (
    add_user,
    claim_state,
    link_to_clinic,
    pending_claim,
)

pytestmark = pytest.mark.browser
SECRETS: dict[str, str] = {}


@pytest.fixture
def live_server_profiles() -> list[dict]:
    return [make_profile("c-1"), make_profile("c-2", name="Second Street Skin")]


@pytest.fixture
def store(live_app):
    """The live app's store, with two moderators (enrolled) and two claims waiting.

    Yields the store handle; `SECRETS` maps each moderator to their authenticator secret.
    """
    db = connect(live_app.config["DATABASE"])
    link_to_clinic(db, add_user(db, "owner@harley.example", role="clinic"), "c-1")
    SECRETS.clear()
    SECRETS.update(enrol_moderators(db))
    pending_claim(db, "c-1", "informed-consent")
    pending_claim(db, "c-1", "complaints-procedure")
    yield db
    db.close()


def test_a_moderator_verifies_a_claim(live_server, page, store):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
    assert page.locator("li[data-kind=claim]").count() == 2

    page.locator("li[data-item=informed-consent] .queue-what a").click()
    page.wait_for_url(re.compile(r"/moderation/claims/c-1/informed-consent$"))
    assert "signed consent" in page.locator("section.definition").inner_text()
    verify = page.locator("form.verify")
    assert verify.get_by_label("Expires on").input_value()  # prefilled from the checklist
    verify.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/moderation/\?kind=claim$"))
    assert "Verified" in page.locator(".flashes").inner_text()
    assert page.locator("li[data-kind=claim]").count() == 1
    assert claim_state(store, "c-1", "informed-consent") == "verified"
    assert errors == []


def test_a_moderator_rejects_a_claim_with_a_reason(live_server, page, store):
    log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
    page.goto(f"{live_server}/moderation/claims/c-1/complaints-procedure")
    reject = page.locator("form.reject")
    reject.get_by_role("button", name="Reject").click()  # no reason yet
    assert "Choose a reason." in page.locator("form.reject .errors").inner_text()
    reject = page.locator("form.reject")
    reject.get_by_label("Reason").select_option("not-met")
    reject.get_by_label("Note for the clinic").fill("The procedure has no reply deadline.")
    reject.get_by_role("button", name="Reject").click()
    page.wait_for_url(re.compile(r"/moderation/\?kind=claim$"))
    assert claim_state(store, "c-1", "complaints-procedure") == "rejected"
    public = page.context.new_page()
    public.goto(f"{live_server}/clinics/c-1")
    assert "no reply deadline" in public.locator("main").inner_text()


def test_a_suspension_is_confirmed_by_a_second_moderator(live_server, page, browser, store):
    log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
    page.goto(f"{live_server}/moderation/clinics/c-1")
    page.get_by_label("Reason").fill("Two infections reported this week.")
    page.get_by_role("button", name="Ask to suspend").click()
    page.wait_for_url(re.compile(r"/moderation/actions$"))
    row = page.locator("tr[data-kind=suspend]")
    assert row.get_by_role("button", name="Confirm").count() == 0  # not for the requester
    assert "another moderator must confirm" in row.inner_text()

    other = browser.new_context()
    second = other.new_page()
    second.set_default_timeout(10_000)
    try:
        log_in_moderator(second, live_server, "ben@vetted.example", SECRETS["ben@vetted.example"])
        second.goto(f"{live_server}/moderation/actions")
        second.locator("tr[data-kind=suspend]").get_by_role("button", name="Confirm").click()
        second.wait_for_url(re.compile(r"/moderation/actions$"))
        assert "Done" in second.locator(".flashes").inner_text()
        second.goto(f"{live_server}/clinics/c-1")
        assert "This listing is suspended" in second.locator("main").inner_text()
    finally:
        other.close()
    status = store.execute("select status from clinics where id = 'c-1'").fetchone()[0]
    assert status == "suspended"
