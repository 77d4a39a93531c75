"""Vetting use cases: the claim lifecycle, its ledger entries, and keeping scores current.

Lifecycle of a claim per (clinic, checklist item):
    no information -> claimed (no evidence) -> pending_review (evidence attached)
    pending_review -> verified (moderator, with dates) | rejected (moderator, with a reason)
    verified -> expired (the daily sweep, on its expiry date)
    verified -> pending_review (evidence or practitioners changed, or reopened)
Every change is written with its ledger event, the clinic's new score and its index outbox
entry in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from directory.clinics import storage as clinics_storage
from directory.events import list_events, record_event, utcnow
from directory.vetting import storage
from directory.vetting.checklist import Checklist, Item, load_checklist
from directory.vetting.errors import ClaimNotFound, ConflictError, VettingError
from directory.vetting.scores import (  # re-exported: part of this module's public API
    clinic_checklist,
    clinic_vetting,
    recompute_in_transaction,
    recompute_score,
    score_for,
    store_score,
    treatment_keys,
    verified_item_keys,
    verified_item_keys_many,
)
from directory.vetting.scoring import (
    CLAIMED,
    EXPIRED,
    LABELS,
    NO_INFORMATION,
    PENDING,
    REJECTED,
    VERIFIED,
    as_date,
    score_clinic,
)

__all__ = [
    "request_information",
    "ClaimNotFound",
    "ConflictError",
    "VettingError",
    "attach_evidence",
    "claim_events",
    "claim_item",
    "clinic_checklist",
    "clinic_vetting",
    "expire_due",
    "get_claim",
    "list_claims",
    "on_practitioners_changed",
    "recompute_score",
    "reject_claim",
    "reopen_claim",
    "score_for",
    "sweep",
    "verified_item_keys",
    "verified_item_keys_many",
    "verify_claim",
    "withdraw_evidence",
]

EVIDENCE_KINDS = ("document", "link", "licence", "statement")
MAX_TEXT = 2000
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
STORED_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}(\.[A-Za-z0-9]{1,10})?$")
SWEEP_ACTOR = "sweep"


# Helpers --------------------------------------------------------------------------------------


def _checklist() -> Checklist:
    return load_checklist()


def _item(item_key: str) -> Item:
    item = _checklist().get(item_key) if isinstance(item_key, str) else None
    if item is None:
        raise ClaimNotFound(f"There is no checklist item {item_key!r}.")
    return item


def _require_clinic(db: sqlite_utils.Database, clinic_id: str) -> None:
    if not isinstance(clinic_id, str) or not clinics_storage.clinic_exists(db, clinic_id):
        raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")


def _text(value: Any, name: str, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise VettingError(f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise VettingError(f"{name} must be text.")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise VettingError(f"{name} must be at most {MAX_TEXT} characters.")
    return value


def _date(value: Any, name: str) -> date:
    try:
        parsed = as_date(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None:
        raise VettingError(f"{name} must be a date (YYYY-MM-DD).")
    return parsed


def _target(clinic_id: str, item_key: str) -> str:
    return f"{clinic_id}:{item_key}"


def _snapshot(claim: dict | None) -> dict:
    """Return what the ledger keeps of a claim's state (empty fields left out)."""
    if claim is None:
        return {"state": NO_INFORMATION}
    keys = (
        "state",
        "statement",
        "verified_at",
        "verified_by_name",
        "fades_from",
        "expires_at",
        "reason",
    )
    return {k: claim[k] for k in keys if claim.get(k) is not None}


def _conflict(claim: dict | None) -> ConflictError:
    state = claim["state"] if claim else NO_INFORMATION
    label = LABELS.get(state, state).lower()
    if claim and state in (VERIFIED, REJECTED) and claim.get("decided_by_name"):
        by, at = claim["decided_by_name"], claim.get("decided_at")
        message = f"This claim was already decided: {label} by {by} at {at}."
    elif claim and state == EXPIRED:
        by, at = SWEEP_ACTOR, claim.get("updated_at")
        message = f"This claim expired on {claim.get('expires_at')}; reload it."
    else:
        by, at = "the clinic", claim.get("clinic_changed_at") if claim else None
        message = f"This claim changed meanwhile (now {label}, last changed by the clinic at {at})."
    return ConflictError(message, state=state, by=by, at=at)


def _check_expected(claim: dict | None, expected_state: str | None) -> None:
    current = claim["state"] if claim else NO_INFORMATION
    if expected_state is not None and current != expected_state:
        raise _conflict(claim)


def practitioners_fingerprint(practitioners: list[dict]) -> str:
    """Return a stable digest of a clinic's practitioners (order does not matter)."""
    canonical = sorted(json.dumps(p, sort_keys=True, ensure_ascii=False) for p in practitioners)
    return hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()


def _has_evidence(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> bool:
    return bool(storage.list_evidence(db, clinic_id, item_key))


def _write(
    db: sqlite_utils.Database,
    before: dict | None,
    after: dict,
    *,
    actor: str,
    action: str,
    reason: str | None,
    at: str,
    today: date,
    recompute: bool,
    extra: dict | None = None,
) -> None:
    """Store a claim change with its event, then refresh the clinic's score and index entry."""
    after = {**after, "updated_at": at}
    if not storage.write_claim(db, after, revision=before["revision"] if before else None):
        raise _conflict(storage.get_claim(db, after["clinic_id"], after["item_key"]))
    record_event(
        db,
        actor=actor,
        action=action,
        target_type="claim",
        target_id=_target(after["clinic_id"], after["item_key"]),
        before=_snapshot(before),
        after={**_snapshot(after), **(extra or {})},
        reason=reason,
        at=at,
    )
    if recompute:
        title = _item(after["item_key"]).title
        recompute_in_transaction(
            db, after["clinic_id"], today=today, reason=f"{title}: {action[6:]}", enqueue=True
        )


# The lifecycle --------------------------------------------------------------------------------


def claim_item(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    statement: str,
    actor: str,
    today: date | None = None,
    at: str | None = None,
    recompute: bool = True,
) -> str:
    """Record the clinic's statement that it meets an item; return the claim's new state."""
    item = _item(item_key)
    statement = _text(statement, "The statement")
    today, at = today or date.today(), at or utcnow()
    with db.atomic():
        _require_clinic(db, clinic_id)
        before = storage.get_claim(db, clinic_id, item.key)
        state = PENDING if _has_evidence(db, clinic_id, item.key) else CLAIMED
        if before and before["state"] == state and before["statement"] == statement:
            return state
        after = {
            **(before or {"clinic_id": clinic_id, "item_key": item.key}),
            "state": state,
            "statement": statement,
            "clinic_changed_at": at,
            # A new statement answers any earlier rejection, so its reason no longer applies.
            "reason": None,
        }
        action = f"claim.{state}" if not before or before["state"] != state else "claim.statement"
        _write(
            db,
            before,
            after,
            actor=actor,
            action=action,
            reason=None,
            at=at,
            today=today,
            recompute=recompute,
        )
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
            filename=_text(evidence.get("filename"), "The file name", required=False),
            mime=_text(evidence.get("mime"), "The file type", required=False),
            value=_text(evidence.get("value"), "The description", required=False),
        )
    else:
        value = _text(evidence.get("value"), "The evidence")
        if kind == "link" and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value, re.IGNORECASE):
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
    today: date | None = None,
    at: str | None = None,
    recompute: bool = True,
) -> int:
    """Attach evidence to a claim (sending it to review) and return the evidence id.

    Evidence on a verified claim sends it back to review: what was checked has changed.
    `replaces` names an earlier evidence row of the same claim that this one supersedes.
    """
    item = _item(item_key)
    row = _clean_evidence(evidence)
    today, at = today or date.today(), at or utcnow()
    with db.atomic():
        _require_clinic(db, clinic_id)
        if replaces is not None:
            old = storage.get_evidence(db, replaces)
            if old is None or (old["clinic_id"], old["item_key"]) != (clinic_id, item.key):
                raise ClaimNotFound("The evidence to replace does not belong to this claim.")
            storage.supersede_evidence(db, replaces, at)
        evidence_id = storage.insert_evidence(
            db,
            {
                **row,
                "clinic_id": clinic_id,
                "item_key": item.key,
                "created_at": at,
                "created_by": actor,
            },
        )
        before = storage.get_claim(db, clinic_id, item.key)
        after = {
            **(before or {"clinic_id": clinic_id, "item_key": item.key}),
            "state": PENDING,
            "clinic_changed_at": at,
        }
        if before is None or before["state"] != PENDING:
            after["reason"] = None
        action = (
            "claim.evidence" if before and before["state"] == PENDING else "claim.pending_review"
        )
        extra = {"evidence": {"id": evidence_id, "kind": row["kind"]}}
        if replaces is not None:
            extra["evidence"]["replaces"] = replaces
        _write(
            db,
            before,
            after,
            actor=actor,
            action=action,
            reason=None,
            at=at,
            today=today,
            recompute=recompute,
            extra=extra,
        )
    return evidence_id


def withdraw_evidence(
    db: sqlite_utils.Database,
    clinic_id: str,
    evidence_id: int,
    *,
    actor: str,
    today: date | None = None,
    at: str | None = None,
) -> str:
    """Withdraw one piece of evidence; return the claim's new state.

    A verified claim goes back to review; a pending claim left with no evidence is only claimed.
    """
    today, at = today or date.today(), at or utcnow()
    with db.atomic():
        old = storage.get_evidence(db, evidence_id)
        if old is None or old["clinic_id"] != clinic_id or old["superseded_at"] is not None:
            raise ClaimNotFound("There is no such evidence to withdraw.")
        storage.supersede_evidence(db, evidence_id, at)
        before = storage.get_claim(db, clinic_id, old["item_key"])
        if before is None:  # pragma: no cover - evidence always comes with a claim row
            return NO_INFORMATION
        state = PENDING if _has_evidence(db, clinic_id, old["item_key"]) else CLAIMED
        if before["state"] in (REJECTED, EXPIRED):
            state = before["state"]
        after = {**before, "state": state, "clinic_changed_at": at}
        _write(
            db,
            before,
            after,
            actor=actor,
            action="claim.evidence_withdrawn",
            reason=None,
            at=at,
            today=today,
            recompute=True,
            extra={"evidence": {"id": evidence_id, "kind": old["kind"], "withdrawn": True}},
        )
    return state


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
    today: date | None = None,
    at: str | None = None,
    recompute: bool = True,
) -> dict:
    """Mark a claim verified by a moderator, with its re-check and expiry dates; return it.

    fades_from defaults to verified_at + the item's fresh_days (never after expires_at).
    """
    item = _item(item_key)
    moderator_name = _text(moderator_name, "The moderator's name")
    today, at = today or date.today(), at or utcnow()
    verified_at = _date(verified_at, "The verification date")
    expires_at = _date(expires_at, "The expiry date")
    if verified_at > today:
        raise VettingError("The verification date cannot be in the future.")
    if expires_at <= verified_at:
        raise VettingError("The expiry date must be after the verification date.")
    if fades_from is None:
        fades_from = min(verified_at + timedelta(days=item.fresh_days), expires_at)
    fades_from = _date(fades_from, "The re-check date")
    if not verified_at <= fades_from <= expires_at:
        raise VettingError("The re-check date must fall between verification and expiry.")
    with db.atomic():
        _require_clinic(db, clinic_id)
        before = storage.get_claim(db, clinic_id, item.key)
        _check_expected(before, expected_state)
        if before is None or before["state"] not in (PENDING, VERIFIED, EXPIRED):
            state = LABELS[before["state"] if before else NO_INFORMATION].lower()
            raise VettingError(f"Only a claim with evidence can be verified (this one is {state}).")
        if not _has_evidence(db, clinic_id, item.key):
            raise VettingError("This claim has no evidence to verify.")
        fingerprint = None
        if item.practitioner_based:
            profile = clinics_storage.get_profile(db, clinic_id) or {}
            fingerprint = practitioners_fingerprint(profile.get("practitioners") or [])
        after = {
            **before,
            "state": VERIFIED,
            "verified_at": verified_at.isoformat(),
            "verified_by": moderator_id,
            "verified_by_name": moderator_name,
            "fades_from": fades_from.isoformat(),
            "expires_at": expires_at.isoformat(),
            "reason": None,
            "decided_at": at,
            "decided_by": moderator_id,
            "decided_by_name": moderator_name,
            "practitioners_sha256": fingerprint,
        }
        _write(
            db,
            before,
            after,
            actor=_moderator_actor(moderator_id, moderator_name),
            action="claim.verified",
            reason=None,
            at=at,
            today=today,
            recompute=recompute,
        )
    return storage.get_claim(db, clinic_id, item.key)


def _moderator_actor(moderator_id: int | None, moderator_name: str) -> str:
    return f"user:{moderator_id}" if moderator_id is not None else f"moderator:{moderator_name}"


def _moderator_decision(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    moderator_id: int | None,
    moderator_name: str,
    reason: str,
    expected_state: str | None,
    today: date | None,
    at: str | None,
    recompute: bool,
    action: str,
    check: Callable[[dict], None],
    changes: dict,
) -> dict:
    """Apply a moderator's decision with a note to an existing claim; return the claim.

    check(before) raises when the decision does not fit the claim's current state.
    """
    item = _item(item_key)
    moderator_name = _text(moderator_name, "The moderator's name")
    reason = _text(reason, "The reason")
    today, at = today or date.today(), at or utcnow()
    with db.atomic():
        _require_clinic(db, clinic_id)
        before = storage.get_claim(db, clinic_id, item.key)
        _check_expected(before, expected_state)
        if before is None:
            raise VettingError("The clinic has not claimed this item; there is nothing to decide.")
        check(before)
        after = {
            **before,
            **changes,
            "reason": reason,
            "decided_at": at,
            "decided_by": moderator_id,
            "decided_by_name": moderator_name,
        }
        _write(
            db,
            before,
            after,
            actor=_moderator_actor(moderator_id, moderator_name),
            action=action,
            reason=reason,
            at=at,
            today=today,
            recompute=recompute,
        )
    return storage.get_claim(db, clinic_id, item.key)


def reject_claim(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    moderator_id: int | None,
    moderator_name: str,
    reason: str,
    expected_state: str | None = None,
    today: date | None = None,
    at: str | None = None,
    recompute: bool = True,
) -> dict:
    """Mark a claim not met, with a reason the clinic and patients can read; return it."""

    def check(before: dict) -> None:
        if before["state"] == REJECTED:
            raise _conflict(before)

    return _moderator_decision(
        db,
        clinic_id,
        item_key,
        moderator_id=moderator_id,
        moderator_name=moderator_name,
        reason=reason,
        expected_state=expected_state,
        today=today,
        at=at,
        recompute=recompute,
        action="claim.rejected",
        check=check,
        # A rejected claim is not verified any more: its verification dates go.
        changes={
            "state": REJECTED,
            "verified_at": None,
            "verified_by": None,
            "verified_by_name": None,
            "fades_from": None,
            "expires_at": None,
            "practitioners_sha256": None,
        },
    )


def request_information(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    moderator_id: int | None,
    moderator_name: str,
    reason: str,
    expected_state: str | None = None,
    today: date | None = None,
    at: str | None = None,
    recompute: bool = True,
) -> dict:
    """Hand a claim under review back to the clinic with a note of what is missing.

    The claim becomes "claimed" (not "rejected": nothing was found wanting yet), so patients
    see "claimed, not verified"; new evidence from the clinic sends it back to review.
    """

    def check(before: dict) -> None:
        if before["state"] not in (PENDING, CLAIMED):
            raise VettingError(
                "Only a claim waiting for review can go back to the clinic; "
                "reverse a decision through the four-eyes procedure instead."
            )

    return _moderator_decision(
        db,
        clinic_id,
        item_key,
        moderator_id=moderator_id,
        moderator_name=moderator_name,
        reason=reason,
        expected_state=expected_state,
        today=today,
        at=at,
        recompute=recompute,
        action="claim.info_requested",
        check=check,
        changes={"state": CLAIMED},
    )


def reopen_claim(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str,
    *,
    actor: str,
    reason: str | None,
    expected_state: str | None = None,
    today: date | None = None,
    at: str | None = None,
    recompute: bool = True,
) -> str:
    """Send a claim back to review (claimed when it has no evidence); return its new state."""
    item = _item(item_key)
    reason = _text(reason, "The reason", required=False)
    today, at = today or date.today(), at or utcnow()
    with db.atomic():
        _require_clinic(db, clinic_id)
        before = storage.get_claim(db, clinic_id, item.key)
        _check_expected(before, expected_state)
        if before is None:
            raise VettingError("The clinic has not claimed this item; there is nothing to reopen.")
        state = PENDING if _has_evidence(db, clinic_id, item.key) else CLAIMED
        if before["state"] == state:
            return state
        after = {**before, "state": state, "reason": reason}
        _write(
            db,
            before,
            after,
            actor=actor,
            action=f"claim.{state}",
            reason=reason,
            at=at,
            today=today,
            recompute=recompute,
        )
    return state


PRACTITIONERS_CHANGED = (
    "The clinic's practitioners changed, so a moderator must check their licences again."
)


def on_practitioners_changed(
    db: sqlite_utils.Database,
    clinic_id: str,
    *,
    actor: str,
    today: date | None = None,
    at: str | None = None,
) -> list[str]:
    """Send verified practitioner-based claims back to review if the practitioners changed.

    Safe to call after every profile save: a claim verified against the same practitioners
    (same fingerprint) is left alone. Returns the keys of the claims sent back.
    """
    today, at = today or date.today(), at or utcnow()
    reopened: list[str] = []
    with db.atomic():
        profile = clinics_storage.get_profile(db, clinic_id)
        if profile is None:
            raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")
        fingerprint = practitioners_fingerprint(profile.get("practitioners") or [])
        for item in _checklist().items:
            if not item.practitioner_based:
                continue
            claim = storage.get_claim(db, clinic_id, item.key)
            if claim is None or claim["state"] != VERIFIED:
                continue
            if claim.get("practitioners_sha256") == fingerprint:
                continue
            reopen_claim(
                db,
                clinic_id,
                item.key,
                actor=actor,
                reason=PRACTITIONERS_CHANGED,
                today=today,
                at=at,
                recompute=False,
            )
            reopened.append(item.key)
        if reopened:
            recompute_in_transaction(
                db, clinic_id, today=today, reason="Practitioners changed", enqueue=True
            )
    return reopened


# Expiry and the daily sweep ---------------------------------------------------------------


def expire_due(
    db: sqlite_utils.Database, *, today: date, at: str | None = None
) -> dict[str, list[str]]:
    """Store every verified claim past its expiry date as expired; return {clinic: [keys]}."""
    at = at or utcnow()
    expired: dict[str, list[str]] = {}
    with db.atomic():
        for claim in storage.verified_due_to_expire(db, today.isoformat()):
            after = {**claim, "state": EXPIRED}
            _write(
                db,
                claim,
                after,
                actor=SWEEP_ACTOR,
                action="claim.expired",
                reason=f"The verification expired on {claim['expires_at']}.",
                at=at,
                today=today,
                recompute=False,
            )
            expired.setdefault(claim["clinic_id"], []).append(claim["item_key"])
    return expired


def sweep(db: sqlite_utils.Database, *, today: date, batch: int = 500) -> dict:
    """Mark expirations and recompute every clinic's score for `today`; return a summary."""
    expired = expire_due(db, today=today)
    ids = storage.all_clinic_ids(db)
    changed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        # One transaction per batch: the web app keeps reading and writing in between.
        with db.atomic():
            claims = storage.claims_by_clinic(db, chunk)
            for clinic in clinics_storage.get_clinics(db, chunk):
                result = score_clinic(
                    _checklist(), claims[clinic["id"]], treatment_keys(clinic), today
                )
                reason = "Verification expired" if clinic["id"] in expired else "Daily re-check"
                changed += store_score(
                    db, clinic, result, today=today, reason=reason, enqueue=clinic["id"] in expired
                )
    return {
        "today": today.isoformat(),
        "clinics": len(ids),
        "claims_expired": sum(len(keys) for keys in expired.values()),
        "scores_changed": changed,
    }


# Reading -------------------------------------------------------------------------------------


def get_claim(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> dict | None:
    """Return a claim with its active evidence and its title, or None."""
    item = _item(item_key)
    claim = storage.get_claim(db, clinic_id, item.key)
    if claim is None:
        return None
    return {
        **claim,
        "title": item.title,
        "evidence": storage.list_evidence(db, clinic_id, item.key),
    }


def list_claims(
    db: sqlite_utils.Database,
    *,
    clinic_id: str | None = None,
    states: Iterable[str] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """Return claims (e.g. the moderators' queue: states=("pending_review",)), with evidence."""
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    rows = storage.list_claims(
        db,
        clinic_id=clinic_id,
        states=tuple(states) if states else None,
        limit=limit,
        offset=offset,
    )
    checklist = _checklist()
    out = []
    for row in rows:
        item = checklist.get(row["item_key"])
        out.append(
            {
                **row,
                "title": item.title if item else row["item_key"],
                "evidence": storage.list_evidence(db, row["clinic_id"], row["item_key"]),
            }
        )
    return out


def claim_events(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> list[dict]:
    """Return the ledger of one claim, oldest first."""
    return list_events(db, target_type="claim", target_id=_target(clinic_id, item_key))
