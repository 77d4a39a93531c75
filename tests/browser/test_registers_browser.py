"""A moderator in Chromium sees the register's answer beside a licence claim, and rejects it."""

from __future__ import annotations

import re

import pytest

from directory.db import connect
from directory.registers.services import load_nppes
from tests.browser.conftest import log_in_moderator
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, claim_state, enrol, pending_claim
from tests.registers.conftest import npi, person, write_extract

pytestmark = pytest.mark.browser
SMITH = npi("300000001")


@pytest.fixture
def live_server_profiles() -> list[dict]:
    team = [
        {
            "name": "Dr Anne Smyth",  # the register names someone else for this licence
            "role": "dermatologist",
            "licence_number": "CA A12345",
            "licence_authority": "Medical Board of California",
            "licence_expiry": "2027-06-30",
            "prescriber": True,
        }
    ]
    address = {
        "lines": ["9 Rodeo Drive"],
        "city": "Los Angeles",
        "region": "CA",
        "postcode": "90210",
        "country": "US",
    }
    return [make_profile("us-1", address=address, practitioners=team)]


def test_the_register_answer_is_beside_the_claim(live_app, live_server, page, tmp_path):
    db = connect(live_app.config["DATABASE"])
    try:
        extract = write_extract(
            tmp_path / "nppes_20181204.csv",
            [person(SMITH, "SMITH", "ANNA", ("207N00000X", "A 012345", "CA"))],
        )
        load_nppes(db, extract)
        secret = enrol(db, add_user(db, "ana@vetted.example", name="Ana"))
        pending_claim(db, "us-1", "licensed-staff")
    finally:
        db.close()
    log_in_moderator(page, live_server, "ana@vetted.example", secret)
    page.goto(f"{live_server}/moderation/claims/us-1/licensed-staff")
    row = page.locator("section.register-check tbody tr")
    assert row.get_attribute("data-outcome") == "mismatch"
    text = row.inner_text()
    assert "Mismatch" in text and "the register names ANNA SMITH" in text
    assert "extract of 2018-12-04" in text
    reject = page.locator("form.reject")
    reject.get_by_label("Reason").select_option("register-mismatch")
    reject.get_by_role("button", name="Reject").click()
    page.wait_for_url(re.compile(r"/moderation/\?kind=claim$"))
    db = connect(live_app.config["DATABASE"])
    try:
        assert claim_state(db, "us-1", "licensed-staff") == "rejected"
    finally:
        db.close()
