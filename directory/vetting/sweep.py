"""The daily sweep: verifications past their expiry are stored as expired, scores refreshed."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from directory.clinics import services as clinics
from directory.vetting import storage
from directory.vetting.changes import SWEEP_ACTOR, Step, write_change
from directory.vetting.scores import rescore
from directory.vetting.scoring import EXPIRED

EXPIRED_REASON, DAILY_REASON = "Verification expired", "Daily re-check"


def expire_due(
    db: sqlite_utils.Database, *, today: date, at: str | None = None
) -> dict[str, list[str]]:
    """Store every verified claim past its expiry date as expired; return {clinic: [keys]}."""
    step = Step.now(SWEEP_ACTOR, today, at, recompute=False)
    expired: dict[str, list[str]] = {}
    with db.atomic():
        for claim in storage.verified_due_to_expire(db, today.isoformat()):
            write_change(
                db,
                claim,
                {**claim, "state": EXPIRED},
                step,
                action="claim.expired",
                reason=f"The verification expired on {claim['expires_at']}.",
            )
            expired.setdefault(claim["clinic_id"], []).append(claim["item_key"])
    return expired


def sweep(db: sqlite_utils.Database, *, today: date, batch: int = 500) -> dict:
    """Mark expirations and recompute every clinic's score for `today`; return a summary."""
    expired = expire_due(db, today=today)
    ids = clinics.clinic_ids(db)
    changed = 0
    for start in range(0, len(ids), batch):
        # One transaction per batch: the web app keeps reading and writing in between.
        with db.atomic():
            inputs = clinics.vetting_inputs(db, ids[start : start + batch])
            changed += len(
                rescore(
                    db,
                    inputs,
                    today=today,
                    reason=lambda cid: (
                        "Verification expired" if cid in expired else "Daily re-check"
                    ),
                    enqueue=expired,
                )
            )
    return {
        "today": today.isoformat(),
        "clinics": len(ids),
        "claims_expired": sum(len(keys) for keys in expired.values()),
        "scores_changed": changed,
    }
