"""Fixtures of the vetting tests: an in-memory store with one clinic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import make_profile

TODAY = date(2026, 11, 22)


@pytest.fixture
def clinic(store):
    """Save one clinic (face mesotherapy, microneedling; one licensed dermatologist)."""
    from directory.clinics.services import save_profile

    save_profile(store, make_profile("c-1"), actor="test")
    return "c-1"


def verify(
    db,
    clinic_id,
    key,
    *,
    today=TODAY,
    days_ago=10,
    expires_in=None,
    name="Ana Reyes",
    evidence=None,
):
    """Claim, evidence and verify one item; return the verified claim."""
    from directory.vetting import services

    services.claim_item(
        db, clinic_id, key, statement="We do this.", actor="clinic", when=services.When(today)
    )
    services.attach_evidence(
        db,
        clinic_id,
        key,
        evidence or {"kind": "statement", "value": "Our procedure."},
        actor="clinic",
        when=services.When(today),
    )
    verified_at = today - timedelta(days=days_ago)
    expires_at = today + timedelta(days=expires_in) if expires_in is not None else None
    item = services.load_checklist().get(key)
    return services.verify_claim(
        db,
        clinic_id,
        key,
        moderator_id=7,
        moderator_name=name,
        verified_at=verified_at,
        expires_at=expires_at or verified_at + timedelta(days=item.expires_days),
        when=services.When(today),
    )


def stored_score(db, clinic_id) -> dict:
    """Return the score vetting keeps for a clinic: {score, core_verified}."""
    from directory.vetting import services

    return services.scores_for(db, [clinic_id])[clinic_id]


def carry_changes(db) -> int:
    """Drain the outbox into a RAM index, as the app does after every commit."""
    from directory.search.services import drain_outbox, plain_vocabulary
    from index import open_index

    search_index = open_index(None, vocabulary=plain_vocabulary())
    try:
        return drain_outbox(db, search_index)
    finally:
        search_index.close()
