"""Four eyes: suspending, reinstating and reversing a verification need a second moderator."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from directory.clinics.services import set_status
from directory.moderation import four_eyes, services
from directory.search.extension import open_search_index
from directory.search.services import drain_outbox
from tests.moderation.helpers import claim_state, pending_claim, verify
from tests.soup import parse_html, text_of


def _status(db, clinic_id="c-1") -> str:
    return db.execute("select status from clinics where id = ?", [clinic_id]).fetchone()[0]


def _pending_ids(db) -> list[int]:
    return [r[0] for r in db.execute("select id from pending_actions where state = 'pending'")]


def _searchable(app, clinic_id: str) -> bool:
    return clinic_id in open_search_index(app).check({}).extra


def test_suspension_needs_a_second_moderator(app, db, clinic, mod_client, mod2_client):
    drain_outbox(db, open_search_index(app))
    assert _searchable(app, "c-1")
    assert app.test_client().get("/api/v1/clinics/c-1").status_code == 200
    response = mod_client.post(
        "/moderation/clinics/c-1/suspend", data={"reason": "Three infection reports."}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/actions"
    assert _status(db) == "published"
    [action_id] = _pending_ids(db)

    # The requester cannot confirm: no button for them, and the POST is refused.
    page = parse_html(mod_client.get("/moderation/actions").get_data(as_text=True))
    row = page.find("tr", attrs={"data-action-id": str(action_id)})
    assert "another moderator must confirm" in text_of(row)
    assert [text_of(b) for b in row.find_all("button")] == ["Withdraw"]
    refused = mod_client.post(f"/moderation/actions/{action_id}/confirm")
    assert refused.status_code == 302
    assert _status(db) == "published" and _pending_ids(db) == [action_id]
    flashes = parse_html(mod_client.get("/moderation/actions").get_data(as_text=True))
    assert "a different moderator must confirm" in text_of(flashes.find("ul", class_="flashes"))

    # The second moderator confirms: suspended, gone from search, noted on the public page.
    assert mod2_client.post(f"/moderation/actions/{action_id}/confirm").status_code == 302
    assert _status(db) == "suspended"
    assert _pending_ids(db) == []
    row = db.execute("select requested_by, confirmed_by from pending_actions").fetchone()
    assert row[0] != row[1]
    assert db.execute("select count(*) from outbox").fetchone()[0] == 0
    assert not _searchable(app, "c-1")
    assert app.test_client().get("/api/v1/clinics/c-1").status_code == 404
    public = app.test_client().get("/clinics/c-1")
    assert b"This listing is suspended" in public.data
    events = [r[0] for r in db.execute("select action from events where target_id = 'c-1'")]
    assert "moderation.suspend_requested" in events and "clinic.suspended" in events
    assert "moderation.suspend_confirmed" in events


def test_reinstating_needs_a_second_moderator_too(app, db, clinic, mod_client, mod2_client):
    set_status(db, "c-1", "suspended", actor="test")
    mod2_client.post("/moderation/clinics/c-1/reinstate", data={"reason": "Investigated: fine."})
    [action_id] = _pending_ids(db)
    mod2_client.post(f"/moderation/actions/{action_id}/confirm")
    assert _status(db) == "suspended"
    mod_client.post(f"/moderation/actions/{action_id}/confirm")
    assert _status(db) == "published"


def test_reversing_a_verification_needs_a_second_moderator(db, clinic, mod_client, mod2_client):
    pending_claim(db, clinic)
    today = date.today()
    verify(
        db,
        "c-1",
        "informed-consent",
        on=today,
        until=today + timedelta(days=300),
        by="Earlier Moderator",
    )
    response = mod_client.post(
        "/moderation/claims/c-1/informed-consent/reverse",
        data={"reverse-reason": "The consent form was forged."},
    )
    assert response.status_code == 302
    [action_id] = _pending_ids(db)
    mod_client.post(f"/moderation/actions/{action_id}/confirm")
    assert claim_state(db, "c-1", "informed-consent") == "verified"
    mod2_client.post(f"/moderation/actions/{action_id}/confirm")
    assert claim_state(db, "c-1", "informed-consent") == "pending_review"


def test_reversal_is_only_for_verified_claims(db, clinic, mod_client):
    pending_claim(db, clinic)
    response = mod_client.post(
        "/moderation/claims/c-1/informed-consent/reverse", data={"reverse-reason": "why not"}
    )
    assert response.status_code == 400
    assert "Only a verified claim" in response.get_data(as_text=True)
    assert _pending_ids(db) == []


def test_the_same_request_cannot_be_made_twice(db, clinic, mod_client, mod2_client):
    mod_client.post("/moderation/clinics/c-1/suspend", data={"reason": "first"})
    again = mod2_client.post("/moderation/clinics/c-1/suspend", data={"reason": "second"})
    assert again.status_code == 400
    assert "already asked" in text_of(
        parse_html(again.get_data(as_text=True)).find("ul", id="reason-errors")
    )
    assert len(_pending_ids(db)) == 1


def test_a_request_can_be_withdrawn_and_then_not_confirmed(db, clinic, mod_client, mod2_client):
    mod_client.post("/moderation/clinics/c-1/suspend", data={"reason": "mistake"})
    [action_id] = _pending_ids(db)
    assert mod_client.post(f"/moderation/actions/{action_id}/cancel").status_code == 302
    mod2_client.post(f"/moderation/actions/{action_id}/confirm")
    assert _status(db) == "published"
    state = db.execute("select state from pending_actions where id = ?", [action_id]).fetchone()
    assert state == ("cancelled",)


def test_the_database_refuses_a_self_confirmation(db, clinic, people):
    mo = services.Moderator(id=people["moderator"], email="mo@vetted.example", name="Mo")
    action_id = four_eyes.request_action(db, mo, "suspend", "c-1", reason="test")
    with pytest.raises(sqlite3.IntegrityError, match="cannot confirm their own"):
        db.execute(
            "update pending_actions set confirmed_by = requested_by where id = ?", [action_id]
        )


def test_the_service_refuses_a_self_confirmation(db, clinic, people):
    mo = services.Moderator(id=people["moderator"], email="mo@vetted.example", name="Mo")
    action_id = four_eyes.request_action(db, mo, "suspend", "c-1", reason="test")
    with pytest.raises(services.Refused):
        four_eyes.confirm_action(db, mo, action_id)
    assert _status(db) == "published"
