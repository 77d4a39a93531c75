"""Clinic use cases: save a profile with its ledger entry, publish, list, count."""

from __future__ import annotations

import json

import sqlite_utils

from directory.clinics import storage
from directory.events import record_event

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _canonical(profile: dict) -> str:
    return json.dumps(profile, sort_keys=True, ensure_ascii=False)


def save_profile(
    db: sqlite_utils.Database, profile: dict, *, actor: str, reason: str | None = None
) -> str:
    """Create or update one clinic from a validated profile; return created/updated/unchanged.

    The change, its ledger event and its index outbox entry commit together.
    """
    clinic_id = profile["id"]
    with db.atomic():
        before = storage.get_profile(db, clinic_id)
        if before is not None:
            # Fields the profile does not carry keep their stored value.
            profile = {**before, **profile}
            if _canonical(before) == _canonical(profile):
                return UNCHANGED
        version = (storage.get_version(db, clinic_id) or 0) + 1
        storage.write_profile(db, profile, version=version)
        after = storage.get_profile(db, clinic_id)
        record_event(
            db,
            actor=actor,
            action="clinic.created" if before is None else "clinic.updated",
            target_type="clinic",
            target_id=clinic_id,
            before=_changed(before, after, side=0),
            after=_changed(before, after, side=1),
            reason=reason,
        )
        storage.enqueue_index(db, [clinic_id])
    return CREATED if before is None else UPDATED


def _changed(before: dict | None, after: dict, *, side: int) -> dict | None:
    """Keep only the top-level fields that differ, so the ledger stays readable."""
    if before is None:
        return None if side == 0 else after
    keys = [k for k in after if before.get(k) != after.get(k)]
    source = before if side == 0 else after
    return {k: source.get(k) for k in keys}


def set_status(
    db: sqlite_utils.Database, clinic_id: str, status: str, *, actor: str, reason: str | None = None
) -> None:
    """Publish, unpublish or suspend a clinic, with its ledger entry."""
    with db.atomic():
        before = storage.get_clinic(db, clinic_id)
        if before is None:
            raise LookupError(clinic_id)
        if before["status"] == status:
            return
        storage.set_status(db, clinic_id, status)
        record_event(
            db,
            actor=actor,
            action=f"clinic.{status}",
            target_type="clinic",
            target_id=clinic_id,
            before={"status": before["status"]},
            after={"status": status},
            reason=reason,
        )
        storage.enqueue_index(db, [clinic_id])
