"""A moderator's decisions on a claim: verify it, reject it, or ask the clinic for more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlite_utils

from directory.clinics import services as clinics
from directory.vetting import storage
from directory.vetting.changes import (
    Step,
    When,
    claimed,
    clean_date,
    clean_text,
    conflict,
    current_claim,
    has_evidence,
    item_for,
    write_change,
)
from directory.vetting.errors import VettingError
from directory.vetting.licences import capped_expiry, licence_cap
from directory.vetting.practitioners import practitioners_fingerprint
from directory.vetting.scoring import (
    CLAIMED,
    EXPIRED,
    LABELS,
    NO_INFORMATION,
    PENDING,
    REJECTED,
    VERIFIED,
)


def moderator_actor(moderator_id: int | None, moderator_name: str) -> str:
    return f"user:{moderator_id}" if moderator_id is not None else f"moderator:{moderator_name}"


def verify_claim(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    moderator_id: int | None,
    moderator_name: str,
    verified_at: date,
    expires_at: date,
    fades_from: date | None = None,
    expected_state: str | None = None,
    when: When = When(),
) -> dict:
    """Mark a claim verified by a moderator, with its re-check and expiry dates; return it.

    fades_from defaults to verified_at + the item's fresh_days (never after expires_at). A
    verification about licences never outlives them: expires_at is capped by the earliest
    licence expiry it covers, and a licence already lapsed today is refused (licences.py).
    """
    item = item_for(item_key)
    moderator_name = clean_text(moderator_name, "The moderator's name")
    step = Step.now(moderator_actor(moderator_id, moderator_name), when)
    verified_at = clean_date(verified_at, "The verification date")
    expires_at = clean_date(expires_at, "The expiry date")
    if verified_at > step.today:
        raise VettingError("The verification date cannot be in the future.")
    if expires_at <= verified_at:
        raise VettingError("The expiry date must be after the verification date.")
    if fades_from is not None:
        fades_from = clean_date(fades_from, "The re-check date")
        if not verified_at <= fades_from <= expires_at:
            raise VettingError("The re-check date must fall between verification and expiry.")
    with db.atomic():
        before = current_claim(db, clinic_id, item, expected_state)
        if before is None or before["state"] not in (PENDING, VERIFIED, EXPIRED):
            state = LABELS[before["state"] if before else NO_INFORMATION].lower()
            raise VettingError(f"Only a claim with evidence can be verified (this one is {state}).")
        if not has_evidence(db, clinic_id, item.key):
            raise VettingError("This claim has no evidence to verify.")
        fingerprint = None
        if item.practitioner_based:
            # Kept so that a later change of the team sends the claim back to review.
            team = clinics.vetting_inputs(db, [clinic_id])[clinic_id]["practitioners"]
            fingerprint = practitioners_fingerprint(team)
            cap = licence_cap(item, team)
            if cap is not None and cap.expires <= step.today:
                raise VettingError(
                    f"The licence of {cap.name} expired on {cap.expires.isoformat()}: "
                    "this cannot be verified until the clinic gives the renewed licence."
                )
            expires_at = capped_expiry(expires_at, cap)
        if fades_from is None:
            fades_from = verified_at + timedelta(days=item.fresh_days)
        fades_from = min(fades_from, expires_at)
        after = {
            **before,
            "state": VERIFIED,
            "verified_at": verified_at.isoformat(),
            "verified_by": moderator_id,
            "verified_by_name": moderator_name,
            "fades_from": fades_from.isoformat(),
            "expires_at": expires_at.isoformat(),
            "reason": None,
            "decided_at": step.at,
            "decided_by": moderator_id,
            "decided_by_name": moderator_name,
            "practitioners_sha256": fingerprint,
        }
        write_change(db, before, after, step, action="claim.verified")
    return storage.get_claim(db, clinic_id, item.key)


@dataclass(frozen=True)
class Decision:
    """A decision with a note: the ledger action, the states it fits, what it changes."""

    action: str
    check: Callable[[dict], None]
    changes: dict = field(default_factory=dict)


def _not_rejected_yet(before: dict) -> None:
    if before["state"] == REJECTED:
        raise conflict(before)


def _waiting_for_review(before: dict) -> None:
    if before["state"] not in (PENDING, CLAIMED):
        raise VettingError(
            "Only a claim waiting for review can go back to the clinic; "
            "reverse a decision through the four-eyes procedure instead."
        )


REJECT = Decision(
    "claim.rejected",
    _not_rejected_yet,
    # A rejected claim is not verified any more: its verification dates go.
    {
        "state": REJECTED,
        "verified_at": None,
        "verified_by": None,
        "verified_by_name": None,
        "fades_from": None,
        "expires_at": None,
        "practitioners_sha256": None,
    },
)
# The claim becomes "claimed" (not "rejected": nothing was found wanting yet), so patients see
# "claimed, not verified"; new evidence from the clinic sends it back to review.
ASK_FOR_INFORMATION = Decision("claim.info_requested", _waiting_for_review, {"state": CLAIMED})


def decide_claim(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    decision: Decision,
    *,
    moderator_id: int | None,
    moderator_name: str,
    reason: str,
    expected_state: str | None = None,
    when: When = When(),
) -> dict:
    """Apply a moderator's decision with a note to an existing claim; return the claim."""
    item = item_for(item_key)
    moderator_name = clean_text(moderator_name, "The moderator's name")
    reason = clean_text(reason, "The reason")
    step = Step.now(moderator_actor(moderator_id, moderator_name), when)
    with db.atomic():
        before = claimed(db, clinic_id, item, expected_state, to="decide")
        decision.check(before)
        after = {
            **before,
            **decision.changes,
            "reason": reason,
            "decided_at": step.at,
            "decided_by": moderator_id,
            "decided_by_name": moderator_name,
        }
        write_change(db, before, after, step, action=decision.action, reason=reason)
    return storage.get_claim(db, clinic_id, item.key)


def reject_claim(db: sqlite_utils.Database, clinic_id: str, item_key: str, **note) -> dict:
    """Mark a claim not met, with a reason the clinic and patients can read; return it."""
    return decide_claim(db, clinic_id, item_key, REJECT, **note)


def request_information(db: sqlite_utils.Database, clinic_id: str, item_key: str, **note) -> dict:
    """Hand a claim under review back to the clinic with a note of what is missing."""
    return decide_claim(db, clinic_id, item_key, ASK_FOR_INFORMATION, **note)
