"""Clinic use cases: save a profile with its ledger entry, publish, and what others read.

Clinics depend on no other domain: every change is noted in the outbox in its transaction,
and the outbox carries it onward after commit (vetting reacts, then the search index).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

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

    The change, its ledger event and its index outbox entry commit together. Fields the
    profile does not carry keep their stored value.
    """
    return save_profiles(db, [profile], actor=actor, reason=reason)[0]


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


def save_profiles(
    db: sqlite_utils.Database,
    profiles: Iterable[dict],
    *,
    actor: str,
    reason: str | None = None,
    batch: int = 500,
) -> list[str]:
    """Save many validated profiles as save_profile would, one transaction per batch.

    Return each profile's outcome (created/updated/unchanged) in order. Every change still
    gets its own ledger event and outbox entry, committed with it; if a batch fails, that
    batch is rolled back whole and the error raised (earlier batches stay committed).
    """
    outcomes: list[str] = []
    pending: list[dict] = []
    for profile in profiles:
        # A second copy of an id must see the first one saved: start a new batch.
        if len(pending) >= batch or any(p["id"] == profile["id"] for p in pending):
            outcomes.extend(_save_batch(db, pending, actor=actor, reason=reason))
            pending = []
        pending.append(profile)
    if pending:
        outcomes.extend(_save_batch(db, pending, actor=actor, reason=reason))
    return outcomes


def plan_profiles(db: sqlite_utils.Database, profiles: list[dict]) -> list[str]:
    """Return what save_profiles would do with each profile (a dry run), writing nothing."""
    before = {p["id"]: p for p in storage.iter_profiles(db, ids=[p["id"] for p in profiles])}
    outcomes = []
    for profile in profiles:
        old = before.get(profile["id"])
        if old is None:
            outcomes.append(CREATED)
        else:
            same = _canonical(old) == _canonical({**old, **profile})
            outcomes.append(UNCHANGED if same else UPDATED)
    return outcomes


def _save_batch(
    db: sqlite_utils.Database, profiles: list[dict], *, actor: str, reason: str | None
) -> list[str]:
    ids = [p["id"] for p in profiles]
    with db.atomic():
        befores = {p["id"]: p for p in storage.iter_profiles(db, ids=ids)}
        versions = storage.get_versions(db, ids)
        outcomes, writes = [], []
        for profile in profiles:
            before = befores.get(profile["id"])
            if before is not None:
                profile = {**before, **profile}
                if _canonical(before) == _canonical(profile):
                    outcomes.append(UNCHANGED)
                    continue
            writes.append((profile, versions.get(profile["id"], 0) + 1))
            outcomes.append(CREATED if before is None else UPDATED)
        storage.write_profiles(db, writes)
        changed = [profile["id"] for profile, _ in writes]
        afters = {p["id"]: p for p in storage.iter_profiles(db, ids=changed)}
        for clinic_id in changed:
            before, after = befores.get(clinic_id), afters[clinic_id]
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
        storage.enqueue_index(db, changed, actor=actor)
    return outcomes


def vetting_inputs(db: sqlite_utils.Database, clinic_ids: Iterable[str]) -> dict[str, dict]:
    """Return what vetting needs of these clinics: {id: {treatments, practitioners}}.

    treatments are the offered treatment keys; unknown ids are left out.
    """
    return {
        profile["id"]: {
            "treatments": [t["key"] for t in profile["treatments"]],
            "practitioners": profile["practitioners"],
        }
        for profile in storage.iter_profiles(db, ids=clinic_ids)
    }


def enqueue_change(
    db: sqlite_utils.Database, clinic_ids: Iterable[str], *, actor: str | None = None
) -> None:
    """Note in the outbox that these clinics changed (inside the caller's transaction)."""
    storage.enqueue_index(db, clinic_ids, actor=actor)


def clinic_exists(db: sqlite_utils.Database, clinic_id: str) -> bool:
    return storage.clinic_exists(db, clinic_id)


def clinic_ids(db: sqlite_utils.Database) -> list[str]:
    """Return every clinic's id, ordered."""
    return storage.all_ids(db)


# Reads for the views and the other domains, so they come through this door, not storage.


def get_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return one clinic as a profile plus its status, version and dates, or None."""
    return storage.get_clinic(db, clinic_id)


def get_profile(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return one clinic as a profile (what save_profile takes), or None."""
    return storage.get_profile(db, clinic_id)


def count_clinics(
    db: sqlite_utils.Database, *, statuses: tuple[str, ...] | None = ("published",)
) -> int:
    """Count the clinics in these statuses (None for every clinic)."""
    return storage.count_clinics(db, statuses=statuses)


def get_clinics(db: sqlite_utils.Database, ids: list[str]) -> list[dict]:
    """Return these clinics (profile plus status and dates) in the order of ids."""
    return storage.get_clinics(db, ids)
