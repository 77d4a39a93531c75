"""The clinic's side of a claim: state it, attach or withdraw evidence, send it back to review.

Lifecycle of a claim per (clinic, checklist item):
    no information -> claimed (no evidence) -> pending_review (evidence attached)
    pending_review -> verified (moderator, with dates) | rejected (moderator, with a reason)
    verified -> expired (the daily sweep, on its expiry date)
    verified -> pending_review (evidence or practitioners changed, or reopened)
Every change is written with its ledger event, the clinic's new score and its outbox entry in
one transaction (changes.write_change).
"""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from directory.vetting import storage
from directory.vetting.changes import (
    Step,
    When,
    claimed,
    clean_text,
    current_claim,
    has_evidence,
    item_for,
    require_clinic,
    write_change,
)
from directory.vetting.errors import ClaimNotFound, VettingError
from directory.vetting.scoring import CLAIMED, EXPIRED, NO_INFORMATION, PENDING, REJECTED

EVIDENCE_KINDS = ("document", "link", "licence", "statement")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
STORED_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}(\.[A-Za-z0-9]{1,10})?$")
LINK_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)


def claim_item(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    statement: str,
    actor: str,
    when: When = When(),
) -> str:
    """Record the clinic's statement that it meets an item; return the claim's new state."""
    item = item_for(item_key)
    statement = clean_text(statement, "The statement")
    step = Step.now(actor, when)
    with db.atomic():
        before = current_claim(db, clinic_id, item, None)
        state = PENDING if has_evidence(db, clinic_id, item.key) else CLAIMED
        if before and before["state"] == state and before["statement"] == statement:
            return state
        after = {
            **(before or {"clinic_id": clinic_id, "item_key": item.key}),
            "state": state,
            "statement": statement,
            "clinic_changed_at": step.at,
            # A new statement answers any earlier rejection, so its reason no longer applies.
            "reason": None,
        }
        action = f"claim.{state}" if not before or before["state"] != state else "claim.statement"
        write_change(db, before, after, step, action=action)
    return state


def _clean_evidence(evidence: dict) -> dict:
    if not isinstance(evidence, dict):
        raise VettingError("Evidence must be a mapping of its fields.")
    kind = evidence.get("kind")
    if kind not in EVIDENCE_KINDS:
        raise VettingError(f"Evidence kind must be one of {', '.join(EVIDENCE_KINDS)}.")
    row: dict[str, Any] = {"kind": kind}
    if kind == "document":
        stored = evidence.get("stored_name")
        if not isinstance(stored, str) or not STORED_NAME_RE.match(stored):
            raise VettingError("A document needs the random name it is stored under.")
        sha = evidence.get("sha256")
        if not isinstance(sha, str) or not SHA256_RE.match(sha):
            raise VettingError("A document needs its sha256 digest (64 hexadecimal digits).")
        size = evidence.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise VettingError("A document needs its size in bytes.")
        row.update(
            stored_name=stored,
            sha256=sha,
            size=size,
            filename=clean_text(evidence.get("filename"), "The file name", required=False),
            mime=clean_text(evidence.get("mime"), "The file type", required=False),
            value=clean_text(evidence.get("value"), "The description", required=False),
        )
    else:
        value = clean_text(evidence.get("value"), "The evidence")
        if kind == "link" and not LINK_RE.match(value):
            raise VettingError("A link must be a full web address starting with https://.")
        row["value"] = value
    return row


def attach_evidence(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    evidence: dict,
    *,
    actor: str,
    replaces: int | None = None,
    when: When = When(),
) -> int:
    """Attach evidence to a claim (sending it to review) and return the evidence id.

    Evidence on a verified claim sends it back to review: what was checked has changed.
    `replaces` names an earlier evidence row of the same claim that this one supersedes.
    """
    item = item_for(item_key)
    row = _clean_evidence(evidence)
    step = Step.now(actor, when)
    with db.atomic():
        require_clinic(db, clinic_id)
        if replaces is not None:
            old = storage.get_evidence(db, replaces)
            if old is None or (old["clinic_id"], old["item_key"]) != (clinic_id, item.key):
                raise ClaimNotFound("The evidence to replace does not belong to this claim.")
            storage.supersede_evidence(db, replaces, step.at)
        evidence_id = storage.insert_evidence(
            db,
            {
                **row,
                "clinic_id": clinic_id,
                "item_key": item.key,
                "created_at": step.at,
                "created_by": actor,
            },
        )
        before = storage.get_claim(db, clinic_id, item.key)
        after = {
            **(before or {"clinic_id": clinic_id, "item_key": item.key}),
            "state": PENDING,
            "clinic_changed_at": step.at,
        }
        if before is None or before["state"] != PENDING:
            after["reason"] = None
        action = (
            "claim.evidence" if before and before["state"] == PENDING else "claim.pending_review"
        )
        extra = {"evidence": {"id": evidence_id, "kind": row["kind"]}}
        if replaces is not None:
            extra["evidence"]["replaces"] = replaces
        write_change(db, before, after, step, action=action, extra=extra)
    return evidence_id


def withdraw_evidence(
    db: sqlite_utils.Database,
    clinic_id: str,
    evidence_id: int,
    *,
    actor: str,
    when: When = When(),
) -> str:
    """Withdraw one piece of evidence; return the claim's new state.

    A verified claim goes back to review; a pending claim left with no evidence is only claimed.
    """
    step = Step.now(actor, when)
    with db.atomic():
        old = storage.get_evidence(db, evidence_id)
        if old is None or old["clinic_id"] != clinic_id or old["superseded_at"] is not None:
            raise ClaimNotFound("There is no such evidence to withdraw.")
        storage.supersede_evidence(db, evidence_id, step.at)
        before = storage.get_claim(db, clinic_id, old["item_key"])
        if before is None:  # pragma: no cover - evidence always comes with a claim row
            return NO_INFORMATION
        state = PENDING if has_evidence(db, clinic_id, old["item_key"]) else CLAIMED
        if before["state"] in (REJECTED, EXPIRED):
            state = before["state"]
        after = {**before, "state": state, "clinic_changed_at": step.at}
        withdrawn = {"evidence": {"id": evidence_id, "kind": old["kind"], "withdrawn": True}}
        write_change(db, before, after, step, action="claim.evidence_withdrawn", extra=withdrawn)
    return state


def reopen_claim(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    actor: str,
    reason: str | None,
    expected_state: str | None = None,
    when: When = When(),
) -> str:
    """Send a claim back to review (claimed when it has no evidence); return its new state."""
    item = item_for(item_key)
    reason = clean_text(reason, "The reason", required=False)
    step = Step.now(actor, when)
    with db.atomic():
        before = claimed(db, clinic_id, item, expected_state, to="reopen")
        state = PENDING if has_evidence(db, clinic_id, item.key) else CLAIMED
        if before["state"] == state:
            return state
        after = {**before, "state": state, "reason": reason}
        write_change(db, before, after, step, action=f"claim.{state}", reason=reason)
    return state
