"""Patient reports: a concern about a clinic, received without an account, triaged by risk.

The patient gets a reference and a private status link (only its hash is stored); the link
shows where the report stands (received, under review, decided) and its public outcome, never
what was written.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

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
# The risk a report is treated as before a moderator triages it: a report of harm is high.
PRESUMED_RISK = {
    "adverse-reaction": "high",
    "unlicensed-practitioner": "high",
    "misleading-claims": "medium",
    "wrong-information": "low",
    "other": "medium",
}
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
# What a report's status link says, by outcome: (status, the public outcome).
PUBLIC_OUTCOMES = {
    "no-action": (
        "no-action",
        "A moderator looked into your report and found nothing on the listing that needs to "
        "change.",
    ),
    "clinic-contacted": ("action-taken", "A moderator contacted the clinic about your report."),
    "information-corrected": ("action-taken", "The listing's information was corrected."),
    "suspension-requested": (
        "under-review",
        "A moderator asked for the listing to be suspended; a second moderator is checking the "
        "request.",
    ),
    "listing-suspended": (
        "action-taken",
        "Two moderators suspended the listing: it does not appear in search while we look into "
        "the concern.",
    ),
    "suspension-cancelled": (
        "no-action",
        "A second moderator did not confirm the suspension, so the listing stays in search.",
    ),
}
STATUSES = ("received", "under-review", "action-taken", "no-action")
# References people can read out: no 0/O, 1/I/L.
REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_DESCRIPTION = 5000
MAX_CONTACT = 200
MIN_DESCRIPTION = 10
MAX_CLINIC_ID = 200


class ReportError(ValueError):
    """A report or a triage decision was refused; the message says why."""


@dataclass(frozen=True)
class Receipt:
    """What the patient keeps: the report's reference and the token of its status link."""

    id: int
    reference: str
    token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_reference(db: sqlite_utils.Database) -> str:
    while True:
        code = "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(8))
        reference = f"R-{code[:4]}-{code[4:]}"
        if not storage.reference_taken(db, reference):
            return reference


def submit_report(
    db: sqlite_utils.Database,
    clinic_id: str,
    *,
    category: str,
    description: str,
    contact: str | None = None,
) -> Receipt:
    """Store a patient's report about a clinic; return its reference and status token."""
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
    token = secrets.token_urlsafe(24)
    with db.atomic():
        reference = _new_reference(db)
        report_id = storage.insert_report(
            db,
            clinic_id=clinic_id,
            category=category,
            description=description,
            contact=contact,
            reference=reference,
            status_token_hash=_token_hash(token),
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
    return Receipt(report_id, reference, token)


def report_status(db: sqlite_utils.Database, token: str) -> dict | None:
    """Return what a report's private status link shows, or None for an unknown link.

    {reference, clinic_id, clinic_name, category, received_at, status (one of STATUSES),
    outcome (the public outcome, or None), decided_at}
    """
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    report = storage.report_by_token_hash(db, _token_hash(token))
    if report is None:
        return None
    status, outcome = "received", None
    if report["state"] != "open":
        status, outcome = PUBLIC_OUTCOMES.get(report["outcome"], ("under-review", None))
    return {
        "reference": report["reference"],
        "clinic_id": report["clinic_id"],
        "clinic_name": report["clinic_name"] or report["clinic_id"],
        "category": CATEGORIES.get(report["category"], report["category"]),
        "received_at": report["created_at"],
        "status": status,
        "outcome": outcome,
        "decided_at": report["triaged_at"],
    }


def presumed_risk(category: str) -> str:
    """Return the risk an untriaged report of this category is treated as."""
    return PRESUMED_RISK.get(category, "high")


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
