"""The claim lifecycle: transitions, ledger events, stored scores, conflicts and bad input."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from directory.clinics import storage as clinics_storage
from directory.clinics.services import save_profile
from directory.events import list_events
from directory.vetting import services
from directory.vetting import storage as vetting_storage
from directory.vetting.services import ClaimNotFound, ConflictError, VettingError, When
from tests.conftest import make_profile
from tests.vetting.conftest import TODAY, carry_changes, stored_score, verify

KEY = "sterile-approved-products"
LINK = {"kind": "link", "value": "https://harley.example/suppliers"}


def state_of(db, key=KEY, clinic_id="c-1"):
    claim = vetting_storage.get_claim(db, clinic_id, key)
    return claim["state"] if claim else "no_information"


def verify_today(store, clinic, key, **changes) -> dict:
    """Verify a claim as moderator 7 today, for a year (keyword arguments change that)."""
    decision = {
        "moderator_id": 7,
        "moderator_name": "Ana Reyes",
        "verified_at": TODAY,
        "expires_at": TODAY + timedelta(days=365),
        "when": When(TODAY),
        **changes,
    }
    return services.verify_claim(store, clinic, key, **decision)


def claim_events(db, key=KEY):
    return [
        (e["action"], e["before"]["state"], e["after"]["state"])
        for e in services.claim_events(db, "c-1", key)
    ]


def test_lifecycle_transitions_are_each_recorded_in_the_ledger(store, clinic):
    assert state_of(store) == "no_information"
    services.claim_item(
        store, clinic, KEY, statement="Single-use needles.", actor="user:3", when=When(TODAY)
    )
    assert state_of(store) == "claimed"
    services.attach_evidence(store, clinic, KEY, LINK, actor="user:3", when=When(TODAY))
    assert state_of(store) == "pending_review"
    services.reject_claim(
        store,
        clinic,
        KEY,
        moderator_id=7,
        moderator_name="Ana Reyes",
        reason="The invoices are missing.",
        when=When(TODAY),
    )
    assert state_of(store) == "rejected"
    services.attach_evidence(
        store,
        clinic,
        KEY,
        {"kind": "statement", "value": "Invoices."},
        actor="user:3",
        when=When(TODAY),
    )
    assert state_of(store) == "pending_review"
    claim = verify_today(store, clinic, KEY)
    assert claim["state"] == "verified"
    assert claim["fades_from"] == (TODAY + timedelta(days=180)).isoformat()  # fresh_days
    assert (claim["verified_by"], claim["verified_by_name"]) == (7, "Ana Reyes")
    services.reopen_claim(
        store, clinic, KEY, actor="user:8", reason="Supplier recalled.", when=When(TODAY)
    )
    assert state_of(store) == "pending_review"

    assert claim_events(store) == [
        ("claim.claimed", "no_information", "claimed"),
        ("claim.pending_review", "claimed", "pending_review"),
        ("claim.rejected", "pending_review", "rejected"),
        ("claim.pending_review", "rejected", "pending_review"),
        ("claim.verified", "pending_review", "verified"),
        ("claim.pending_review", "verified", "pending_review"),
    ]
    events = services.claim_events(store, clinic, KEY)
    assert {e["target_type"] for e in events} == {"claim"}
    assert {e["target_id"] for e in events} == {f"c-1:{KEY}"}
    assert events[2]["actor"] == "user:7" and events[2]["reason"] == "The invoices are missing."
    assert events[5]["actor"] == "user:8" and events[5]["reason"] == "Supplier recalled."


def test_rejection_reason_is_kept_for_clinic_and_patients(store, clinic):
    services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    claim = services.reject_claim(
        store,
        clinic,
        KEY,
        moderator_id=None,
        moderator_name="Ana",
        reason="No invoices were sent.",
        when=When(TODAY),
    )
    assert claim["reason"] == "No invoices were sent."
    row = next(r for r in services.clinic_checklist(store, clinic, TODAY) if r["key"] == KEY)
    assert (row["state"], row["label"], row["reason"]) == (
        "rejected",
        "Not met",
        "No invoices were sent.",
    )


def test_verification_stores_score_history_and_index_entry_together(store, clinic):
    before = clinics_storage.outbox_size(store)
    verify(store, clinic, "licensed-staff")
    stored = stored_score(store, clinic)
    expected = services.score_for(store, clinic, TODAY)
    assert stored["score"] == expected.score > 0
    history = vetting_storage.score_history(store, clinic)
    assert history[-1]["score"] == stored["score"]
    assert history[-1]["at"] == TODAY.isoformat()
    assert "Licensed medical staff" in history[-1]["reason"]
    assert clinics_storage.outbox_size(store) > before
    # A change that leaves the score alone adds no history row.
    count = len(vetting_storage.score_history(store, clinic))
    services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    assert len(vetting_storage.score_history(store, clinic)) == count


def test_a_failure_midway_leaves_no_trace(store, clinic, monkeypatch):
    def broken(db, ids, **kwargs):
        raise RuntimeError("index outbox unavailable")

    monkeypatch.setattr(clinics_storage, "enqueue_index", broken)
    with pytest.raises(RuntimeError):
        services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    assert state_of(store) == "no_information"
    assert services.claim_events(store, clinic, KEY) == []


def test_evidence_change_sends_a_verified_claim_back_to_review(store, clinic):
    verify(store, clinic, KEY)
    score_verified = stored_score(store, clinic)["score"]
    old = vetting_storage.list_evidence(store, clinic, KEY)[0]
    services.attach_evidence(
        store, clinic, KEY, LINK, actor="user:3", replaces=old["id"], when=When(TODAY)
    )
    assert state_of(store) == "pending_review"
    assert stored_score(store, clinic)["score"] < score_verified
    current = vetting_storage.list_evidence(store, clinic, KEY)
    assert [e["kind"] for e in current] == ["link"]
    assert vetting_storage.get_evidence(store, old["id"])["superseded_at"] is not None


def test_new_statement_on_a_verified_claim_sends_it_back_to_review(store, clinic):
    verify(store, clinic, KEY)
    services.claim_item(
        store, clinic, KEY, statement="Now with a new supplier.", actor="c", when=When(TODAY)
    )
    assert state_of(store) == "pending_review"


def test_withdrawing_the_only_evidence_leaves_a_bare_claim(store, clinic):
    verify(store, clinic, KEY)
    evidence = vetting_storage.list_evidence(store, clinic, KEY)[0]
    assert (
        services.withdraw_evidence(store, clinic, evidence["id"], actor="c", when=When(TODAY))
        == "claimed"
    )
    with pytest.raises(ClaimNotFound):
        services.withdraw_evidence(store, clinic, evidence["id"], actor="c", when=When(TODAY))


def test_practitioner_change_sends_licensed_staff_back_to_review(store, clinic):
    verify(store, clinic, "licensed-staff")
    verify(store, clinic, KEY)
    # Saving the same practitioners again changes nothing.
    assert services.on_practitioners_changed(store, clinic, actor="user:3", when=When(TODAY)) == []
    profile = make_profile("c-1")
    profile["practitioners"] = [
        *profile["practitioners"],
        {
            "name": "Nurse Tom Baker",
            "role": "nurse",
            "licence_number": "NMC 12A3456B",
            "licence_authority": "Nursing and Midwifery Council",
            "licence_expiry": "2027-01-31",
            "prescriber": False,
        },
    ]
    # Saving the profile is enough: the outbox carries the change to vetting after commit.
    save_profile(store, profile, actor="user:3")
    carry_changes(store)
    assert state_of(store, "licensed-staff") == "pending_review"
    assert services.on_practitioners_changed(store, clinic, actor="user:3", when=When(TODAY)) == []
    assert state_of(store, KEY) == "verified"  # not about practitioners
    event = services.claim_events(store, clinic, "licensed-staff")[-1]
    assert event["reason"] == services.PRACTITIONERS_CHANGED
    assert event["actor"] == "user:3"  # who saved the new team, carried by the outbox
    # Once re-verified against the new team, the same team is no change.
    verify_today(store, clinic, "licensed-staff", moderator_name="Ana")
    assert services.on_practitioners_changed(store, clinic, actor="user:3", when=When(TODAY)) == []


def test_concurrent_decision_is_reported_with_who_and_when(store, clinic):
    services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    services.attach_evidence(store, clinic, KEY, LINK, actor="c", when=When(TODAY))
    verify_today(
        store,
        clinic,
        KEY,
        expected_state="pending_review",
        when=When(TODAY, "2026-11-22T10:15:00+00:00"),
    )
    with pytest.raises(ConflictError) as caught:
        services.reject_claim(
            store,
            clinic,
            KEY,
            moderator_id=9,
            moderator_name="Ben Ode",
            reason="No invoices.",
            expected_state="pending_review",
            when=When(TODAY),
        )
    assert "Ana Reyes" in str(caught.value) and "2026-11-22T10:15:00" in str(caught.value)
    assert (caught.value.state, caught.value.by) == ("verified", "Ana Reyes")
    assert state_of(store) == "verified"


def test_stale_revision_cannot_overwrite_a_newer_claim(store, clinic):
    services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    stale = vetting_storage.get_claim(store, clinic, KEY)
    services.attach_evidence(store, clinic, KEY, LINK, actor="c", when=When(TODAY))
    assert not vetting_storage.write_claim(
        store, {**stale, "state": "verified"}, revision=stale["revision"]
    )
    assert state_of(store) == "pending_review"


def test_ledger_refuses_update_and_delete_at_the_database_level(store, clinic):
    services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    event_id = services.claim_events(store, clinic, KEY)[0]["id"]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.execute("update events set actor = 'someone else' where id = ?", [event_id])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.execute("delete from events where id = ?", [event_id])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.execute("delete from events")
    rows = list_events(store, target_type="claim")
    assert [(r["id"], r["actor"]) for r in rows] == [(event_id, "c")]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        # an item the checklist does not have
        (
            lambda db: services.claim_item(db, "c-1", "free-coffee", statement="x", actor="c"),
            ClaimNotFound,
        ),
        # a clinic that does not exist
        (lambda db: services.claim_item(db, "nope", KEY, statement="x", actor="c"), ClaimNotFound),
        # an empty statement
        (lambda db: services.claim_item(db, "c-1", KEY, statement="   ", actor="c"), VettingError),
        # a statement far too long
        (
            lambda db: services.claim_item(db, "c-1", KEY, statement="x" * 5000, actor="c"),
            VettingError,
        ),
        # a link that is not a web address
        (
            lambda db: services.attach_evidence(
                db, "c-1", KEY, {"kind": "link", "value": "javascript:alert(1)"}, actor="c"
            ),
            VettingError,
        ),
        # an evidence kind that does not exist
        (
            lambda db: services.attach_evidence(
                db, "c-1", KEY, {"kind": "photo", "value": "x"}, actor="c"
            ),
            VettingError,
        ),
        # a document without its stored file name and digest
        (
            lambda db: services.attach_evidence(db, "c-1", KEY, {"kind": "document"}, actor="c"),
            VettingError,
        ),
        # verifying what the clinic never claimed
        (
            lambda db: services.verify_claim(
                db,
                "c-1",
                KEY,
                moderator_id=1,
                moderator_name="A",
                verified_at=TODAY,
                expires_at=TODAY + timedelta(9),
                when=When(TODAY),
            ),
            VettingError,
        ),
        # rejecting without a reason
        (
            lambda db: services.reject_claim(
                db, "c-1", KEY, moderator_id=1, moderator_name="A", reason=""
            ),
            VettingError,
        ),
    ],
)
def test_bad_requests_are_refused_with_a_message(store, clinic, call, error):
    with pytest.raises(error) as caught:
        call(store)
    assert str(caught.value)
    assert state_of(store) == "no_information"


@pytest.mark.parametrize(
    ("verified_at", "expires_at", "fades_from", "message"),
    [
        # expiry before verification
        (TODAY, TODAY - timedelta(1), None, "after the verification"),
        # verification in the future
        (TODAY + timedelta(1), TODAY + timedelta(30), None, "future"),
        # re-check after expiry
        (TODAY, TODAY + timedelta(30), TODAY + timedelta(31), "between"),
        # not a date at all
        ("next tuesday", TODAY + timedelta(30), None, "date"),
    ],
)
def test_verification_dates_are_checked(
    store, clinic, verified_at, expires_at, fades_from, message
):
    services.claim_item(store, clinic, KEY, statement="Yes.", actor="c", when=When(TODAY))
    services.attach_evidence(store, clinic, KEY, LINK, actor="c", when=When(TODAY))
    with pytest.raises(VettingError, match=message):
        services.verify_claim(
            store,
            clinic,
            KEY,
            moderator_id=1,
            moderator_name="A",
            verified_at=verified_at,
            expires_at=expires_at,
            fades_from=fades_from,
            when=When(TODAY),
        )
    assert state_of(store) == "pending_review"


def test_document_evidence_is_stored_but_only_its_kind_is_public(store, clinic):
    document = {
        "kind": "document",
        "stored_name": "a" * 32 + ".pdf",
        "sha256": "f" * 64,
        "filename": "invoice.pdf",
        "mime": "application/pdf",
        "size": 1234,
    }
    evidence_id = services.attach_evidence(
        store, clinic, KEY, document, actor="c", when=When(TODAY)
    )
    row = vetting_storage.get_evidence(store, evidence_id)
    assert (row["stored_name"], row["size"], row["created_by"]) == ("a" * 32 + ".pdf", 1234, "c")
    public = next(r for r in services.clinic_checklist(store, clinic, TODAY) if r["key"] == KEY)
    assert public["evidence_kinds"] == ["document"]
    assert "a" * 32 not in repr(public)


def test_verified_item_keys_and_list_claims(store, clinic):
    verify(store, clinic, "licensed-staff")
    verify(store, clinic, KEY, days_ago=300)  # fading: still verified
    verify(store, clinic, "informed-consent", days_ago=800, expires_in=-1)  # lapsed
    services.claim_item(
        store, clinic, "transparent-pricing", statement="Yes.", actor="c", when=When(TODAY)
    )
    services.attach_evidence(
        store, clinic, "transparent-pricing", LINK, actor="c", when=When(TODAY)
    )
    assert services.verified_item_keys(store, clinic, TODAY) == ["licensed-staff", KEY]
    queue = services.list_claims(store, states=("pending_review",))
    assert [(c["item_key"], c["clinic_name"]) for c in queue] == [
        ("transparent-pricing", "Harley Skin Clinic")
    ]
    assert queue[0]["title"] == "Transparent pricing"
    assert queue[0]["evidence"][0]["value"] == LINK["value"]


def test_request_information_hands_a_pending_claim_back_without_failing_it(store, clinic):
    services.claim_item(store, clinic, KEY, statement="We do this.", actor="c", when=When(TODAY))
    link = {"kind": "link", "value": "https://a.example/x"}
    services.attach_evidence(store, clinic, KEY, link, actor="c", when=When(TODAY))
    claim = services.request_information(
        store,
        clinic,
        KEY,
        moderator_id=7,
        moderator_name="Mo",
        reason="Send the form.",
        expected_state="pending_review",
        when=When(TODAY),
    )
    assert claim["state"] == "claimed"
    assert claim["reason"] == "Send the form."
    assert services.claim_events(store, clinic, KEY)[-1]["action"] == "claim.info_requested"
    # It is not a decision a patient reads as "not met".
    row = {r["key"]: r for r in services.clinic_checklist(store, clinic, TODAY)}[KEY]
    assert row["state"] == "claimed" and row["credit"] == 0
    # New evidence sends it back to review.
    link = {"kind": "link", "value": "https://a.example/y"}
    services.attach_evidence(store, clinic, KEY, link, actor="c", when=When(TODAY))
    assert state_of(store, KEY) == "pending_review"


def test_request_information_refuses_a_decided_claim(store, clinic):
    verify(store, clinic, KEY)
    with pytest.raises(services.VettingError):
        services.request_information(
            store, clinic, KEY, moderator_id=7, moderator_name="Mo", reason="?", when=When(TODAY)
        )
