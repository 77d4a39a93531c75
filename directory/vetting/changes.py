"""One claim change: its input checked, written with its ledger event, its clinic rescored.

Shared by the clinic's steps (lifecycle), the moderators' decisions and the upkeep.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlite_utils

from directory.clinics import services as clinics
from directory.events import record_event, utcnow
from directory.vetting import storage
from directory.vetting.checklist import Item, load_checklist
from directory.vetting.errors import ClaimNotFound, ConflictError, VettingError
from directory.vetting.scores import recompute_in_transaction
from directory.vetting.scoring import EXPIRED, LABELS, NO_INFORMATION, REJECTED, VERIFIED, as_date

MAX_TEXT = 2000
SWEEP_ACTOR = "sweep"


def item_for(item_key: str) -> Item:
    """Return the checklist item, or raise ClaimNotFound."""
    item = load_checklist().get(item_key) if isinstance(item_key, str) else None
    if item is None:
        raise ClaimNotFound(f"There is no checklist item {item_key!r}.")
    return item


def require_clinic(db: sqlite_utils.Database, clinic_id: str) -> None:
    if not isinstance(clinic_id, str) or not clinics.clinic_exists(db, clinic_id):
        raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")


def clean_text(value: Any, name: str, *, required: bool = True) -> str | None:
    """Return the stripped text, None when optional and blank, or raise VettingError."""
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


def clean_date(value: Any, name: str) -> date:
    try:
        parsed = as_date(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None:
        raise VettingError(f"{name} must be a date (YYYY-MM-DD).")
    return parsed


def claim_target(clinic_id: str, item_key: str) -> str:
    """Return the ledger target id of a claim."""
    return f"{clinic_id}:{item_key}"


def has_evidence(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> bool:
    return bool(storage.list_evidence(db, clinic_id, item_key))


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


def conflict(claim: dict | None) -> ConflictError:
    """Return the error saying who changed this claim meanwhile, and when."""
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


def check_expected(claim: dict | None, expected_state: str | None) -> None:
    """Raise a ConflictError when the claim is no longer in the state the person saw."""
    current = claim["state"] if claim else NO_INFORMATION
    if expected_state is not None and current != expected_state:
        raise conflict(claim)


def current_claim(
    db: sqlite_utils.Database, clinic_id: str, item: Item, expected_state: str | None
) -> dict | None:
    """Return the clinic's claim on item (None if unclaimed), as the person saw it.

    Inside the caller's transaction: the clinic must exist, and a claim that changed since
    the person looked raises a ConflictError.
    """
    require_clinic(db, clinic_id)
    claim = storage.get_claim(db, clinic_id, item.key)
    check_expected(claim, expected_state)
    return claim


def claimed(
    db: sqlite_utils.Database, clinic_id: str, item: Item, expected_state: str | None, *, to: str
) -> dict:
    """Return current_claim, which must exist: there is nothing `to` do to an unclaimed item."""
    claim = current_claim(db, clinic_id, item, expected_state)
    if claim is None:
        raise VettingError(f"The clinic has not claimed this item; there is nothing to {to}.")
    return claim


@dataclass(frozen=True)
class When:
    """When a change happens, and whether the clinic's score follows at once."""

    today: date | None = None
    at: str | None = None
    recompute: bool = True

    def pinned(self) -> When:
        """Return this moment with its date and time filled in, so several changes share them."""
        return replace(self, today=self.today or date.today(), at=self.at or utcnow())


@dataclass(frozen=True)
class Step:
    """Who changes a claim and when; recompute=False leaves the clinic's score to the caller."""

    actor: str
    today: date
    at: str
    recompute: bool = True

    @classmethod
    def now(cls, actor: str, when: When) -> Step:
        """Return this actor's step at that moment (dated today and now unless it says)."""
        when = when.pinned()
        return cls(actor, when.today, when.at, when.recompute)


def write_change(
    db: sqlite_utils.Database,
    before: dict | None,
    after: dict,
    step: Step,
    *,
    action: str,
    reason: str | None = None,
    extra: dict | None = None,
) -> None:
    """Store a claim change with its event, then refresh the clinic's score and index entry."""
    after = {**after, "updated_at": step.at}
    if not storage.write_claim(db, after, revision=before["revision"] if before else None):
        raise conflict(storage.get_claim(db, after["clinic_id"], after["item_key"]))
    record_event(
        db,
        actor=step.actor,
        action=action,
        target_type="claim",
        target_id=claim_target(after["clinic_id"], after["item_key"]),
        before=_snapshot(before),
        after={**_snapshot(after), **(extra or {})},
        reason=reason,
        at=step.at,
    )
    if step.recompute:
        title = item_for(after["item_key"]).title
        recompute_in_transaction(
            db, after["clinic_id"], today=step.today, reason=f"{title}: {action[6:]}", enqueue=True
        )
