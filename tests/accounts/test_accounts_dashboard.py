"""The clinic dashboard: each item's state, rejection reasons, gains, expiries, renewing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.accounts.dashboard import clinic_dashboard
from directory.vetting import services
from directory.vetting.services import get_claim
from tests.accounts.helpers import log_in, submit_item, verify_item
from tests.soup import parse_html, text_of


@pytest.fixture
def vetted_clinic(db, clinic):
    """c-1 with licensed staff verified but expiring soon, and informed consent rejected."""

    today = date.today()
    for key in ("licensed-staff", "informed-consent"):
        submit_item(db, clinic, key, {"kind": "statement", "value": "Procedure."})
    verify_item(
        db,
        clinic,
        "licensed-staff",
        verified_at=today - timedelta(days=300),
        fades_from=today + timedelta(days=10),
        expires_at=today + timedelta(days=40),
    )
    services.reject_claim(
        db,
        clinic,
        "informed-consent",
        moderator_id=7,
        moderator_name="Mo",
        reason="The consent form does not mention side effects.",
        when=services.When(today),
    )
    return clinic


def test_dashboard_shows_states_reasons_gains_and_expiries(client, db, people, vetted_clinic):
    log_in(client, people["owner"])
    page = parse_html(client.get(f"/manage/{vetted_clinic}").data)
    staff = page.find(id="item-licensed-staff")
    consent = page.find(id="item-informed-consent")
    assert staff["data-state"] == "verified"
    assert consent["data-state"] == "rejected"
    assert "The consent form does not mention side effects." in text_of(consent)
    assert page.find(id="item-complaints-procedure")["data-state"] == "no_information"
    # Upcoming expiries, each with a button to renew.
    due = page.find("section", attrs={"aria-labelledby": "expiring"})
    assert "Licensed medical staff" in text_of(due)
    renew = [a for a in due.find_all("a") if text_of(a) == "Renew"]
    assert renew[0]["href"] == f"/manage/{vetted_clinic}/items/licensed-staff"
    # What would raise the score: unverified items with the evidence they need, biggest first.
    main = text_of(page.find("main"))
    assert "What would raise the score" in main
    assert "up to +" in main
    rejected_link = consent.find("a")
    assert text_of(rejected_link) == "Renew"


def test_dashboard_gains_are_ordered_by_points(db, vetted_clinic):
    data = clinic_dashboard(db, vetted_clinic, date.today())
    gains = [row["gain"] for row in data["raise_score"]]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0
    assert all(row["evidence_needed"] for row in data["raise_score"])
    assert [row["key"] for row in data["expiring"]] == ["licensed-staff"]
    keys = [row["key"] for row in data["raise_score"]]
    # Verified and still fully counted: nothing to gain yet. Rejected: all of it to gain.
    assert "licensed-staff" not in keys and "informed-consent" in keys


def test_renewing_sends_new_evidence_to_review(client, db, people, vetted_clinic):
    log_in(client, people["owner"])
    page = parse_html(client.get(f"/manage/{vetted_clinic}/items/licensed-staff").data)
    assert "Renew: send new evidence" in text_of(page.find("main"))
    response = client.post(
        f"/manage/{vetted_clinic}/items/licensed-staff",
        data={"licence_number": "GMC 7654321 (renewed 2026)"},
    )
    assert response.status_code == 302
    assert get_claim(db, vetted_clinic, "licensed-staff")["state"] == "pending_review"
