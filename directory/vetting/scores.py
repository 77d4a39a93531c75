"""Keeping each clinic's stored score current, and reading scores and states for display."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlite_utils

from directory.clinics import storage as clinics_storage
from directory.vetting import storage
from directory.vetting.checklist import load_checklist
from directory.vetting.errors import ClaimNotFound
from directory.vetting.scoring import (
    FADING,
    VERIFIED,
    ItemResult,
    ScoreResult,
    display_state,
    score_clinic,
)


def treatment_keys(clinic: dict) -> list[str]:
    return [t["key"] for t in clinic.get("treatments") or []]


def store_score(
    db: sqlite_utils.Database,
    clinic: dict,
    result: ScoreResult,
    *,
    today: date,
    reason: str,
    enqueue: bool,
) -> bool:
    """Keep the clinic's stored score current; return whether it changed."""
    changed = (
        clinic.get("score") != result.score
        or bool(clinic.get("core_verified")) != result.core_verified
    )
    if changed:
        clinics_storage.set_score(db, clinic["id"], result.score, result.core_verified)
        storage.add_score_history(
            db,
            {
                "clinic_id": clinic["id"],
                "at": today.isoformat(),
                "score": result.score,
                "core_verified": int(result.core_verified),
                "reason": reason,
            },
        )
    if changed or enqueue:
        clinics_storage.enqueue_index(db, [clinic["id"]])
    return changed


def recompute_in_transaction(
    db: sqlite_utils.Database, clinic_id: str, *, today: date, reason: str, enqueue: bool
) -> ScoreResult:
    clinic = clinics_storage.get_clinic(db, clinic_id)
    if clinic is None:
        raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")
    claims = storage.claims_by_clinic(db, [clinic_id])[clinic_id]
    result = score_clinic(load_checklist(), claims, treatment_keys(clinic), today)
    store_score(db, clinic, result, today=today, reason=reason, enqueue=enqueue)
    return result


def recompute_score(
    db: sqlite_utils.Database, clinic_id: str, *, today: date, reason: str
) -> ScoreResult:
    """Score a clinic for `today` and store the score (with a history row when it changed)."""
    with db.atomic():
        return recompute_in_transaction(db, clinic_id, today=today, reason=reason, enqueue=False)


def score_for(db: sqlite_utils.Database, clinic_id: str, today: date) -> ScoreResult:
    """Score a clinic for `today` without storing anything (what its page shows)."""
    clinic = clinics_storage.get_clinic(db, clinic_id)
    if clinic is None:
        raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")
    claims = storage.claims_by_clinic(db, [clinic_id])[clinic_id]
    return score_clinic(load_checklist(), claims, treatment_keys(clinic), today)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def clinic_checklist(db: sqlite_utils.Database, clinic_id: str, today: date) -> list[dict]:
    """Return one row per applicable checklist item: its state, credit and three dates."""
    return [_row(item) for item in score_for(db, clinic_id, today).items]


def _row(item: ItemResult) -> dict:
    return {
        "key": item.key,
        "title": item.title,
        "core": item.core,
        "weight": item.weight,
        "state": item.state,
        "label": item.label,
        "note": item.note,
        "credit": item.credit,
        "points": item.points,
        "verified_at": _iso(item.verified_at),
        "verified_by": item.verified_by,
        "fades_from": _iso(item.fades_from),
        "expires_at": _iso(item.expires_at),
        "reason": item.reason,
        "evidence_kinds": list(item.evidence_kinds),
        "clinic_changed_at": item.clinic_changed_at,
    }


def clinic_vetting(db: sqlite_utils.Database, clinic_id: str, today: date) -> dict:
    """Return everything the clinic page shows about vetting: score, badge, rows, history."""
    result = score_for(db, clinic_id, today)
    checklist = load_checklist()
    return {
        "today": today.isoformat(),
        "score": result.score,
        "core_verified": result.core_verified,
        "checklist_version": result.checklist_version,
        "items": [_row(item) for item in result.items],
        "not_applicable": [checklist.get(key).title for key in result.not_applicable],
        "history": storage.score_history(db, clinic_id),
    }


def verified_item_keys(db: sqlite_utils.Database, clinic_id: str, today: date) -> list[str]:
    """Return the keys of the items verified and not expired today (for the search index)."""
    return verified_item_keys_many(db, [clinic_id], today).get(clinic_id, [])


def verified_item_keys_many(
    db: sqlite_utils.Database, clinic_ids: Iterable[str], today: date
) -> dict[str, list[str]]:
    """Return {clinic id: verified item keys} for many clinics in a few queries."""
    out: dict[str, list[str]] = {}
    order = load_checklist().keys
    for clinic_id, claims in storage.claims_by_clinic(db, clinic_ids).items():
        out[clinic_id] = [
            key for key in order if display_state(claims.get(key), today) in (VERIFIED, FADING)
        ]
    return out
