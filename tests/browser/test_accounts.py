"""A clinic registers, confirms by the mailed link, claims its listing, edits, sends evidence."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests import pdfs
from tests.conftest import make_profile

pytestmark = pytest.mark.browser

PASSWORD = "a long clinic passphrase"
PDF = pdfs.PDF  # a real PDF: uploads are parsed


@pytest.fixture
def live_server_profiles() -> list[dict]:
    harley = make_profile("c-1")
    harley["contact"] = {**harley["contact"], "website": "https://www.harley.example/"}
    return [harley, make_profile("c-2", name="Another Clinic", practitioners=[])]


def mailed_path(app, to: str) -> str:
    from directory.mail import last_message, links_in

    message = last_message(app.config["MAIL_DIR"], to)
    assert message is not None, f"no mail to {to}"
    parts = urlsplit(links_in(message)[0])
    return parts.path


def test_register_confirm_claim_edit_and_send_evidence(live_server, live_app, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Register.
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("E-mail address").fill("ana@harley.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert page.locator("h1").inner_text() == "Check your inbox"

    # Confirm with the link in the .eml that was written.
    page.goto(live_server + mailed_path(live_app, "ana@harley.example"))
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_url(re.compile(r"/account/login$"))
    assert "your e-mail address is confirmed" in page.locator(".flashes").inner_text()

    # Log in.
    page.get_by_label("E-mail address").fill("ana@harley.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/manage/$"))

    # Claim the listing: the address is on the clinic website's domain, so it is approved.
    page.get_by_role("link", name="Claim your clinic").click()
    page.get_by_label("Clinic name, town or postcode").fill("Harley")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Harley Skin Clinic").click()
    page.get_by_label("I am authorised to manage this clinic's listing").check()
    page.get_by_role("button", name="Claim this clinic").click()
    page.wait_for_url(re.compile(r"/manage/c-1$"))
    assert "You now manage Harley Skin Clinic" in page.locator(".flashes").inner_text()

    # Edit the profile with an error, see it beside the field, fix it.
    page.get_by_role("link", name="Edit the profile").click()
    page.get_by_label("Opening hours").fill("Mon–Sat 9:00–19:00")
    page.get_by_label("Phone").fill("12345")
    page.get_by_role("button", name="Save the profile").first.click()
    assert "not valid for its country" in page.locator("#phone-errors").inner_text()
    assert page.get_by_label("Opening hours").input_value() == "Mon–Sat 9:00–19:00"
    page.get_by_label("Phone").fill("+44 20 7946 0123")
    page.get_by_role("button", name="Save the profile").first.click()
    page.wait_for_url(re.compile(r"/manage/c-1$"))
    assert "Saved." in page.locator(".flashes").inner_text()

    # Send evidence for an item, then see it waiting for review.
    page.locator("#item-informed-consent a").click()
    page.get_by_label("Your statement").fill("Every patient signs our written consent form.")
    page.get_by_label("Document (PDF, PNG or JPEG, at most 10 MB)").set_input_files(
        files=[{"name": "consent.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_url(re.compile(r"/manage/c-1$"))
    row = page.locator("#item-informed-consent")
    assert row.get_attribute("data-state") == "pending_review"
    assert "Evidence sent: Document" in row.inner_text()
    assert errors == []
