"""The daily sweep: verifications past their expiry are stored as expired, scores refreshed.

A verification about licences expires with the first licence it covers to lapse (licences.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlite_utils

from directory.clinics import services as clinics
from directory.vetting import storage
from directory.vetting.changes import SWEEP_ACTOR, Step, When, write_change
from directory.vetting.checklist import load_checklist
from directory.vetting.scores import rescore
from directory.vetting.scoring import EXPIRED, capped_claim

EXPIRED_REASON, DAILY_REASON = "Verification expired", "Daily re-check"


def _licences_lapsed(db: sqlite_utils.Database, today: date) -> list[tuple[dict, str, str]]:
    """Return (claim, expiry, reason) for verified claims whose covered licence has lapsed."""
    items = {item.key: item for item in load_checklist().items if item.licences}
    claims = storage.verified_claims_of_items(db, items)
    teams = clinics.vetting_inputs(db, {claim["clinic_id"] for claim in claims})
    due = []
    for claim in claims:
        team = teams.get(claim["clinic_id"], {}).get("practitioners") or ()
        counted, cap = capped_claim(items[claim["item_key"]], claim, team)
        if cap is None or cap.expires > today or counted is claim:
            continue  # no licence lapsed, or the verification's own expiry comes first
        reason = f"The licence of {cap.name} expired on {cap.expires.isoformat()}."
        due.append((claim, cap.expires.isoformat(), reason))
    return due


def expire_due(db: sqlite_utils.Database, *, when: When = When()) -> dict[str, list[str]]:
    """Store every verified claim past its expiry date as expired; return {clinic: [keys]}.

    A claim whose covered licence lapsed first expires on the licence's date. Scores are left
    to the caller, who rescores every clinic at once (sweep), whatever when.recompute says.
    """
    step = Step.now(SWEEP_ACTOR, replace(when, recompute=False))
    expired: dict[str, list[str]] = {}
    with db.atomic():
        due = {
            (claim["clinic_id"], claim["item_key"]): (
                claim,
                claim["expires_at"],
                f"The verification expired on {claim['expires_at']}.",
            )
            for claim in storage.verified_due_to_expire(db, step.today.isoformat())
        }
        for claim, expires, reason in _licences_lapsed(db, step.today):
            due[(claim["clinic_id"], claim["item_key"])] = (claim, expires, reason)
        for (clinic_id, item_key), (claim, expires, reason) in sorted(due.items()):
            write_change(
                db,
                claim,
                {**claim, "state": EXPIRED, "expires_at": expires},
                step,
                action="claim.expired",
                reason=reason,
            )
            expired.setdefault(clinic_id, []).append(item_key)
    return expired


def sweep(db: sqlite_utils.Database, *, today: date, batch: int = 500) -> dict:
    """Mark expirations and recompute every clinic's score for `today`; return a summary."""
    expired = expire_due(db, when=When(today))
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
