"""What a clinic's dashboard shows about vetting: states, reasons, gains and expiries.

Vetting (directory.vetting) owns the checklist and the claims; this module only arranges
what it returns for the clinic's people.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from directory.vetting import services
from directory.vetting.checklist import load_checklist

RENEW_WITHIN = timedelta(days=60)
# States in which new evidence renews or repairs a claim.
RENEWABLE = ("verified", "fading", "expired", "rejected")


def vetting_services():
    """Return directory.vetting.services (the evidence views reach vetting through here)."""
    return services


def _soon(value: str | None, today: date) -> bool:
    return bool(value) and date.fromisoformat(value[:10]) <= today + RENEW_WITHIN


def clinic_dashboard(db: sqlite_utils.Database, clinic_id: str, today: date) -> dict | None:
    """Return {score, core_verified, items, raise_score, expiring} for one clinic, or None."""
    checklist = load_checklist()
    vetting = services.clinic_vetting(db, clinic_id, today)
    rows = vetting["items"]
    total = sum(row["weight"] for row in rows) or 1.0
    for row in rows:
        item = checklist.get(row["key"])
        row["evidence_needed"] = item.evidence if item else ""
        row["explanation"] = item.explanation if item else ""
        # What verifying (or renewing) this item would add to the score, in points of 100.
        row["gain"] = round(100 * row["weight"] * (1 - row["credit"]) / total, 1)
        row["due"] = row["state"] in ("verified", "fading") and (
            _soon(row.get("fades_from"), today) or _soon(row.get("expires_at"), today)
        )
        row["renew"] = row["state"] in RENEWABLE
    raise_score = sorted(
        (r for r in rows if r["gain"] > 0 and r["state"] != "pending_review"),
        key=lambda r: (-r["gain"], r["key"]),
    )
    expiring = sorted(
        (r for r in rows if r["due"] or r["state"] == "expired"),
        key=lambda r: r.get("expires_at") or "",
    )
    return {
        "score": vetting["score"],
        "core_verified": vetting["core_verified"],
        "items": rows,
        "raise_score": raise_score,
        "expiring": expiring,
        "today": today.isoformat(),
    }
