"""What pages and other domains read of vetting: claims, checklist rows, the clinic summary."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlite_utils

from directory.clinics import services as clinics
from directory.events import list_events
from directory.vetting import storage
from directory.vetting.changes import claim_target, item_for
from directory.vetting.checklist import load_checklist
from directory.vetting.scores import score_for
from directory.vetting.scoring import FADING, VERIFIED, ItemResult, capped_claim, display_state


def get_claim(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> dict | None:
    """Return a claim with its active evidence and its title, or None."""
    item = item_for(item_key)
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
    rows = storage.list_claims(
        db,
        clinic_id=clinic_id,
        states=tuple(states) if states else None,
        limit=max(1, min(int(limit), 500)),
        offset=max(0, int(offset)),
    )
    checklist = load_checklist()
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
    return list_events(db, target_type="claim", target_id=claim_target(clinic_id, item_key))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


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
        "licence_lapsed": (
            {"name": item.licence_lapsed.name, "expired_on": _iso(item.licence_lapsed.expires)}
            if item.licence_lapsed
            else None
        ),
    }


def clinic_checklist(db: sqlite_utils.Database, clinic_id: str, today: date) -> list[dict]:
    """Return one row per applicable checklist item: its state, credit and three dates."""
    return [_row(item) for item in score_for(db, clinic_id, today).items]


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
    """Return {clinic id: verified item keys} for many clinics in a few queries.

    A verification whose licence lapsed is not verified, as on the clinic's page.
    """
    ids = list(clinic_ids)
    items = load_checklist().items
    teams = clinics.vetting_inputs(db, ids)
    out = {}
    for clinic_id, claims in storage.claims_by_clinic(db, ids).items():
        team = teams.get(clinic_id, {}).get("practitioners") or ()
        out[clinic_id] = [
            item.key
            for item in items
            if display_state(capped_claim(item, claims.get(item.key), team)[0], today)
            in (VERIFIED, FADING)
        ]
    return out
