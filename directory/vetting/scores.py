"""Each clinic's stored score, kept current by vetting (which computes it and owns it)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date

import sqlite_utils

from directory.clinics import services as clinics
from directory.vetting import storage
from directory.vetting.checklist import load_checklist
from directory.vetting.errors import ClaimNotFound
from directory.vetting.scoring import ScoreResult, score_clinic

UNSCORED = {"score": None, "core_verified": False}


def store_score(
    db: sqlite_utils.Database,
    clinic_id: str,
    result: ScoreResult,
    *,
    stored: Mapping | None,
    today: date,
    reason: str,
    enqueue: bool,
) -> bool:
    """Keep the clinic's stored score current; return whether it changed.

    A change gets a history row and an outbox entry (the index keeps the score to sort on).
    """
    current = stored or UNSCORED
    changed = (
        current["score"] != result.score or bool(current["core_verified"]) != result.core_verified
    )
    if changed:
        storage.set_score(db, clinic_id, result.score, result.core_verified)
        storage.add_score_history(
            db,
            {
                "clinic_id": clinic_id,
                "at": today.isoformat(),
                "score": result.score,
                "core_verified": int(result.core_verified),
                "reason": reason,
            },
        )
    if changed or enqueue:
        clinics.enqueue_change(db, [clinic_id])
    return changed


def rescore(
    db: sqlite_utils.Database,
    inputs: Mapping[str, Mapping],
    *,
    today: date,
    reason: Callable[[str], str],
    enqueue: Collection[str] = (),
    only_scored: bool = False,
) -> list[str]:
    """Score these clinics (clinics.vetting_inputs) for today; return the ids whose score changed.

    only_scored leaves alone a clinic with neither claims nor a stored score: it stays
    "not scored yet" rather than becoming 0.
    """
    claims = storage.claims_by_clinic(db, inputs)
    stored = storage.get_scores(db, inputs)
    checklist = load_checklist()
    changed = []
    for clinic_id, clinic in inputs.items():
        if only_scored and not claims[clinic_id] and clinic_id not in stored:
            continue
        result = score_clinic(checklist, claims[clinic_id], clinic, today)
        if store_score(
            db,
            clinic_id,
            result,
            stored=stored.get(clinic_id),
            today=today,
            reason=reason(clinic_id),
            enqueue=clinic_id in enqueue,
        ):
            changed.append(clinic_id)
    return changed


def _inputs(db: sqlite_utils.Database, clinic_id: str) -> dict:
    inputs = clinics.vetting_inputs(db, [clinic_id])
    if clinic_id not in inputs:
        raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")
    return inputs


def recompute_in_transaction(
    db: sqlite_utils.Database, clinic_id: str, *, today: date, reason: str, enqueue: bool
) -> None:
    """Rescore one clinic inside the caller's transaction."""
    rescore(
        db,
        _inputs(db, clinic_id),
        today=today,
        reason=lambda _: reason,
        enqueue=[clinic_id] if enqueue else (),
    )


def recompute_score(
    db: sqlite_utils.Database, clinic_id: str, *, today: date, reason: str
) -> ScoreResult:
    """Score a clinic for `today` and store the score (with a history row when it changed)."""
    with db.atomic():
        recompute_in_transaction(db, clinic_id, today=today, reason=reason, enqueue=False)
    return score_for(db, clinic_id, today)


def score_for(db: sqlite_utils.Database, clinic_id: str, today: date) -> ScoreResult:
    """Score a clinic for `today` without storing anything (what its page shows)."""
    inputs = _inputs(db, clinic_id)[clinic_id]
    claims = storage.claims_by_clinic(db, [clinic_id])[clinic_id]
    return score_clinic(load_checklist(), claims, inputs, today)


def scores_for(db: sqlite_utils.Database, clinic_ids: Iterable[str]) -> dict[str, dict]:
    """Return {id: {score, core_verified}} for these clinics; None for a clinic not yet scored."""
    ids = list(clinic_ids)
    stored = storage.get_scores(db, ids)
    return {
        cid: {k: stored.get(cid, UNSCORED)[k] for k in ("score", "core_verified")} for cid in ids
    }


def with_scores(db: sqlite_utils.Database, clinics_: list[dict]) -> list[dict]:
    """Return these clinic dicts with their stored score and core_verified merged in."""
    scores = scores_for(db, [c["id"] for c in clinics_])
    return [{**c, **scores[c["id"]]} for c in clinics_]


def score_revisions(db: sqlite_utils.Database, clinic_ids: Iterable[str] | None) -> dict[str, int]:
    """Map these scored clinics (all with None) to how many times their score changed."""
    if clinic_ids is None:
        return storage.score_revisions(db)
    return {cid: row["revision"] for cid, row in storage.get_scores(db, clinic_ids).items()}
