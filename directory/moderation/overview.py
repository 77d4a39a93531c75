"""One clinic as the workbench shows it: its claims, reports, four-eyes requests and ledger."""

from __future__ import annotations

import sqlite_utils

from directory.clinics.services import get_clinic
from directory.moderation import storage
from directory.moderation.services import Moderator, conflict_reason
from directory.vetting.services import list_claims

CLAIMS_SHOWN = 100


def clinic_context(db: sqlite_utils.Database, moderator: Moderator, clinic_id: str) -> dict | None:
    """Return what a clinic's moderation page shows, or None when there is no such clinic."""
    clinic = get_clinic(db, clinic_id)
    if clinic is None:
        return None
    return {
        "clinic": clinic,
        "claims": list_claims(db, clinic_id=clinic_id, limit=CLAIMS_SHOWN),
        "reports": storage.list_reports(db, clinic_id=clinic_id),
        "actions": storage.list_actions(db, state=None, clinic_id=clinic_id),
        "conflict": conflict_reason(db, moderator, clinic_id),
    }


def clinic_audit(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return a clinic and every event about it (its claims and reports too), or None."""
    clinic = get_clinic(db, clinic_id)
    if clinic is None:
        return None
    return {"clinic": clinic, "events": storage.clinic_events(db, clinic_id)}
