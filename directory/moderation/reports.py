"""Patient reports: a concern about a clinic, received without an account, triaged by risk."""

from __future__ import annotations

import sqlite_utils

from directory.clinics.services import get_clinic
from directory.events import record_event
from directory.moderation import storage
from directory.moderation.services import Moderator, conflict_reason
from directory.moderation.text import clean_text
from directory.vetting.checklist import load_checklist

CATEGORIES = {
    "adverse-reaction": "Adverse reaction or infection",
    "unlicensed-practitioner": "Unlicensed or unsupervised practitioner",
    "misleading-claims": "Misleading claims",
    "wrong-information": "Wrong information",
    "other": "Other",
}
# The checklist items a confirmed high-risk report puts back into review, per category.
RELATED_ITEMS = {
    "adverse-reaction": (
        "sterile-approved-products",
        "consultation-allergy-test",
        "contraindication-screening",
        "aftercare-out-of-hours",
    ),
    "unlicensed-practitioner": ("licensed-staff", "physician-prescriber"),
    "misleading-claims": ("informed-consent", "transparent-pricing"),
    "wrong-information": (),
    "other": (),
}
RISKS = {"low": "Low", "medium": "Medium", "high": "High"}
# What a moderator decides at triage; "suspend" asks a second moderator to confirm.
TRIAGE_OUTCOMES = {
    "no-action": "No action needed",
    "clinic-contacted": "Clinic contacted",
    "information-corrected": "Listing information corrected",
    "suspend": "Suspend the listing (a second moderator confirms)",
}
# Every outcome a report can end with, as the transparency page names them.
OUTCOMES = {
    "no-action": "No action needed",
    "clinic-contacted": "Clinic contacted",
    "information-corrected": "Listing information corrected",
    "suspension-requested": "Suspension awaiting a second moderator",
    "listing-suspended": "Listing suspended",
    "suspension-cancelled": "Suspension not confirmed",
}
MAX_DESCRIPTION = 5000
MAX_CONTACT = 200
MIN_DESCRIPTION = 10
MAX_CLINIC_ID = 200


class ReportError(ValueError):
    """A report or a triage decision was refused; the message says why."""


def submit_report(
    db: sqlite_utils.Database,
    clinic_id: str,
    *,
    category: str,
    description: str,
    contact: str | None = None,
) -> int:
    """Store a patient's report about a clinic and return its id."""
    description = clean_text(description)
    contact = clean_text(contact) or None
    if category not in CATEGORIES:
        raise ReportError("choose one of the categories")
    if not MIN_DESCRIPTION <= len(description) <= MAX_DESCRIPTION:
        raise ReportError(
            f"the description needs {MIN_DESCRIPTION} to {MAX_DESCRIPTION} characters"
        )
    if contact is not None and len(contact) > MAX_CONTACT:
        raise ReportError(f"contact details are limited to {MAX_CONTACT} characters")
    with db.atomic():
        report_id = storage.insert_report(
            db, clinic_id=clinic_id, category=category, description=description, contact=contact
        )
        # The ledger gets the category only: descriptions and contacts stay private.
        record_event(
            db,
            actor="public",
            action="report.received",
            target_type="report",
            target_id=f"{clinic_id}:{report_id}",
            after={"category": category},
        )
    return report_id


def reportable_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return the clinic a patient may report a concern about, or None."""
    clinic = get_clinic(db, clinic_id) if len(clinic_id) <= MAX_CLINIC_ID else None
    # Suspended listings can still be reported; unpublished ones are not public at all.
    if clinic is None or clinic["status"] == "unpublished":
        return None
    return clinic


def report_context(db: sqlite_utils.Database, moderator: Moderator, report_id: int) -> dict | None:
    """Return what a report's page shows (its clinic, the clinic's other reports), or None."""
    report = storage.get_report(db, report_id)
    if report is None:
        return None
    clinic_id = report["clinic_id"]
    return {
        "report": report,
        "clinic": get_clinic(db, clinic_id),
        "related": related_item_keys(report["category"], load_checklist().keys),
        "conflict": conflict_reason(db, moderator, clinic_id),
        "other_reports": [
            r for r in storage.list_reports(db, clinic_id=clinic_id) if r["id"] != report_id
        ],
    }


def related_item_keys(category: str, checklist_keys: tuple[str, ...]) -> list[str]:
    """Return the checklist items a high-risk report of this category reopens."""
    return [k for k in RELATED_ITEMS.get(category, ()) if k in checklist_keys]


def triage(
    db: sqlite_utils.Database,
    report: dict,
    *,
    risk: str,
    outcome: str,
    note: str,
    user_id: int,
    user_name: str,
) -> None:
    """Record a moderator's triage of an open report (no side effects on the clinic)."""
    if risk not in RISKS:
        raise ReportError("choose a risk level")
    if outcome not in OUTCOMES:
        raise ReportError("choose an outcome")
    with db.atomic():
        if not storage.triage_report(
            db,
            report["id"],
            risk=risk,
            outcome=outcome,
            note=clean_text(note)[:MAX_DESCRIPTION],
            user_id=user_id,
            user_name=user_name,
        ):
            current = storage.get_report(db, report["id"]) or {}
            raise ReportError(
                f"this report was already triaged by {current.get('triaged_by_name') or 'someone'}"
                f" at {current.get('triaged_at') or 'an earlier time'}"
            )
        record_event(
            db,
            actor=f"user:{user_id}",
            action="report.triaged",
            target_type="report",
            target_id=f"{report['clinic_id']}:{report['id']}",
            before={"state": "open"},
            after={"state": "triaged", "risk": risk, "outcome": outcome},
        )


def set_outcome(db: sqlite_utils.Database, report: dict, outcome: str, *, actor: str) -> None:
    """Record how a report ended when that became known after triage."""
    with db.atomic():
        storage.set_report_outcome(db, report["id"], outcome)
        record_event(
            db,
            actor=actor,
            action="report.outcome",
            target_type="report",
            target_id=f"{report['clinic_id']}:{report['id']}",
            before={"outcome": report.get("outcome")},
            after={"outcome": outcome},
        )
