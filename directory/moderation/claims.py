"""Reviewing a claim: what the review screen shows, and the moderator's decisions on it:
verify, or decide with a note the clinic reads (reject with a reason; hand it back asking for
more information). Every decision notifies the clinic in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import sqlite_utils

from directory.clinics.services import get_clinic
from directory.moderation import storage
from directory.moderation.services import (
    ModerationError,
    Moderator,
    conflict_reason,
    ensure_may_decide,
)
from directory.moderation.text import clean_text
from directory.notifications.services import notify
from directory.vetting import services as vetting
from directory.vetting.checklist import load_checklist

REJECT_REASONS = {
    "evidence-missing": "The evidence is missing or cannot be read",
    "evidence-outdated": "The evidence is out of date",
    "evidence-mismatch": "The evidence is for another clinic, person or treatment",
    "licence-not-found": "The licence could not be found on the authority's register",
    "register-mismatch": "The register's entry does not match (name, status or speciality)",
    "not-met": "The evidence shows the requirement is not met",
    "other": "Other (see the note)",
}


def default_dates(item, clinic: dict, today: date) -> dict:
    """Prefill a verification: today, and the expiry from the checklist or a licence.

    For an item about licences, the earliest licence expiry it covers (vetting's licence
    rule) wins when it is earlier than the checklist's expiry; "licence" names it, and
    "lapsed" says it has already ended (vetting refuses to verify then).
    """
    expires = today + timedelta(days=item.expires_days)
    source = f"the checklist ({item.expires_days} days)"
    cap = vetting.licence_cap(item, clinic.get("practitioners") or [])
    if cap is not None and cap.expires < expires:
        expires = cap.expires
        source = f"the licence of {cap.name}"
    lapsed = cap is not None and cap.expires <= today
    return {
        "verified_at": today,
        "expires_at": expires,
        "source": source,
        "licence": cap,
        "lapsed": lapsed,
    }


def decision_labels(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> dict:
    """Return the clinic's name and the item's title, as people read them (for messages)."""
    clinic = get_clinic(db, clinic_id) or {}
    item = load_checklist().get(item_key)
    return {"clinic": clinic.get("name") or clinic_id, "item": item.title if item else item_key}


def review_context(
    db: sqlite_utils.Database, moderator: Moderator, clinic_id: str, item_key: str, *, today: date
) -> dict | None:
    """Return everything the review screen shows, or None when there is no such claim."""
    item = load_checklist().get(item_key)
    clinic = get_clinic(db, clinic_id)
    if item is None or clinic is None:
        return None
    claim = vetting.get_claim(db, clinic_id, item_key)
    if claim is None:
        return None
    return {
        "clinic": clinic,
        "item": item,
        "claim": claim,
        "evidence": claim["evidence"],
        "history": vetting.claim_events(db, clinic_id, item_key),
        "reports": storage.list_reports(db, clinic_id=clinic_id),
        "defaults": default_dates(item, clinic, today),
        "pending_actions": storage.list_actions(db, clinic_id=clinic_id),
        "conflict": conflict_reason(db, moderator, clinic_id),
    }


def _decide_and_tell(
    db: sqlite_utils.Database,
    moderator: Moderator,
    clinic_id: str,
    item_key: str,
    decide: Callable[..., dict],
    kind: str,
    **told,
) -> dict:
    """Run vetting's decision as this moderator and notify the clinic, in one transaction."""
    ensure_may_decide(db, moderator, clinic_id)
    with db.atomic():
        claim = decide(
            db, clinic_id, item_key, moderator_id=moderator.id, moderator_name=moderator.name
        )
        clinic = decision_labels(db, clinic_id, item_key)["clinic"]
        notify(db, kind, clinic_id, clinic_name=clinic, item_key=item_key, **told)
    return claim


def verify(
    db: sqlite_utils.Database,
    moderator: Moderator,
    clinic_id: str,
    item_key: str,
    *,
    verified_at: date,
    expires_at: date,
    expected_state: str | None,
    today: date | None = None,
) -> dict:
    """Verify a claim and tell the clinic (vetting's ConflictError if decided meanwhile)."""
    decide = partial(
        vetting.verify_claim,
        verified_at=verified_at,
        expires_at=expires_at,
        expected_state=expected_state,
        when=vetting.When(today),
    )
    told = {"expires_at": expires_at.isoformat()}
    return _decide_and_tell(db, moderator, clinic_id, item_key, decide, "claim.verified", **told)


@dataclass(frozen=True)
class NoteDecision:
    """A decision with a note the clinic reads: vetting's step, the note, its notification."""

    decide: Callable[..., dict]
    note: str
    kind: str  # the notification (directory/notifications/kinds.py)
    note_param: str  # the name its message gives the note


def rejection(reason_code: str, note: str) -> NoteDecision:
    """Reject a claim with a reason from the list and a note the clinic reads."""
    if reason_code not in REJECT_REASONS:
        raise ModerationError("Choose a reason from the list.")
    note = clean_text(note)
    if reason_code == "other" and not note:
        raise ModerationError("Write a note: the clinic needs to know what is wrong.")
    reason = REJECT_REASONS[reason_code] + (f". {note}" if note else ".")
    return NoteDecision(vetting.reject_claim, reason, "claim.rejected", "reason")


def information_request(note: str) -> NoteDecision:
    """Hand a claim back to the clinic asking for more information.

    The claim goes back to "claimed" (vetting.request_information), not "rejected": the
    clinic answers by adding evidence, which sends it back to review.
    """
    note = clean_text(note)
    if not note:
        raise ModerationError("Say what information is missing: the clinic reads this note.")
    return NoteDecision(vetting.request_information, note, "claim.info_requested", "note")


def decide_with_note(
    db: sqlite_utils.Database,
    moderator: Moderator,
    clinic_id: str,
    item_key: str,
    decision: NoteDecision,
    *,
    expected_state: str | None,
    today: date | None = None,
) -> dict:
    """Apply a decision with a note (rejection, information_request) and tell the clinic."""
    decide = partial(
        decision.decide,
        reason=decision.note,
        expected_state=expected_state,
        when=vetting.When(today),
    )
    told = {decision.note_param: decision.note}
    return _decide_and_tell(db, moderator, clinic_id, item_key, decide, decision.kind, **told)
