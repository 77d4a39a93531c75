"""Four eyes: suspending, reinstating and reversing a verification wait for a second moderator.

A high-risk patient report asks for a suspension the same way (see triage_report). When the
second moderator confirms, the clinic is notified in the same transaction, with the reason.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from directory.clinics.services import get_clinic, set_status
from directory.events import record_event
from directory.moderation import reports, storage
from directory.moderation.services import (
    ModerationError,
    Moderator,
    Refused,
    ensure_may_decide,
)
from directory.moderation.text import clean_text, sentence
from directory.notifications.services import notify
from directory.vetting.checklist import load_checklist
from directory.vetting.services import VettingError, When, get_claim, reopen_claim

ACTIONS = {
    "suspend": "Suspend the listing",
    "reinstate": "Reinstate the listing",
    "reverse_verification": "Reverse a verification",
}


def triage_report(
    db: sqlite_utils.Database,
    moderator: Moderator,
    report_id: int,
    *,
    risk: str,
    outcome: str,
    note: str,
) -> dict:
    """Triage a report; a high-risk "suspend" outcome asks for a four-eyes suspension.

    Returns {"report": row, "action_id": id of the suspension request or None}.
    """
    report = storage.get_report(db, report_id)
    if report is None:
        raise LookupError(report_id)
    ensure_may_decide(db, moderator, report["clinic_id"])
    if outcome not in reports.TRIAGE_OUTCOMES:
        raise ModerationError("Choose what happens next.")
    if outcome == "suspend" and risk != "high":
        raise ModerationError("Only a high-risk report can suspend a listing.")
    action_id = None
    with db.atomic():
        stored = "suspension-requested" if outcome == "suspend" else outcome
        try:
            reports.triage(
                db,
                report,
                risk=risk,
                outcome=stored,
                note=note,
                user_id=moderator.id,
                user_name=moderator.name,
            )
        except reports.ReportError as exc:
            raise ModerationError(sentence(exc)) from exc
        if outcome == "suspend":
            action_id = request_action(
                db,
                moderator,
                "suspend",
                report["clinic_id"],
                reason=f"High-risk report: {reports.CATEGORIES[report['category']]}",
                report_id=report_id,
            )
    return {"report": storage.get_report(db, report_id), "action_id": action_id}


def _record(
    db: sqlite_utils.Database,
    moderator: Moderator,
    what: str,
    clinic_id: str,
    after: dict,
    reason: str | None = None,
) -> None:
    """Write a four-eyes step ("suspend_requested", ...) to the clinic's ledger."""
    record_event(
        db,
        actor=moderator.actor,
        action=f"moderation.{what}",
        target_type="clinic",
        target_id=clinic_id,
        after=after,
        reason=reason,
    )


def _check_action_applies(db: sqlite_utils.Database, kind: str, clinic_id: str, item_key):
    clinic = get_clinic(db, clinic_id)
    if clinic is None:
        raise LookupError(clinic_id)
    if kind == "suspend" and clinic["status"] == "suspended":
        raise ModerationError("This listing is already suspended.")
    if kind == "reinstate" and clinic["status"] != "suspended":
        raise ModerationError("Only a suspended listing can be reinstated.")
    if kind == "reverse_verification":
        claim = get_claim(db, clinic_id, item_key) if item_key else None
        if claim is None or claim["state"] != "verified":
            raise ModerationError("Only a verified claim can have its verification reversed.")
    return clinic


def request_action(
    db: sqlite_utils.Database,
    moderator: Moderator,
    kind: str,
    clinic_id: str,
    *,
    reason: str,
    item_key: str | None = None,
    report_id: int | None = None,
) -> int:
    """Ask a second moderator to confirm a heavy action; return the pending action's id."""
    if kind not in ACTIONS:
        raise ModerationError("Unknown action.")
    reason = clean_text(reason)[:1000]
    if not reason:
        raise ModerationError("Give a reason: the second moderator and the ledger need it.")
    ensure_may_decide(db, moderator, clinic_id)
    with db.atomic():
        _check_action_applies(db, kind, clinic_id, item_key)
        existing = storage.find_pending_action(db, kind, clinic_id, item_key)
        if existing is not None:
            raise ModerationError(
                f"{existing['requested_by_name']} already asked for this at "
                f"{existing['requested_at']}; it is waiting for a second moderator."
            )
        action_id = storage.insert_action(
            db,
            kind=kind,
            clinic_id=clinic_id,
            item_key=item_key,
            report_id=report_id,
            reason=reason,
            requested_by=moderator.id,
            requested_by_name=moderator.name,
        )
        _record(
            db,
            moderator,
            f"{kind}_requested",
            clinic_id,
            {"action_id": action_id, "item_key": item_key, "report_id": report_id},
            reason,
        )
    return action_id


def confirm_action(
    db: sqlite_utils.Database, moderator: Moderator, action_id: int, *, today: date | None = None
) -> dict:
    """Confirm and run a pending action as the second moderator; return the action row.

    The caller drains the search outbox afterwards (the index follows after commit).
    """
    action = storage.get_action(db, action_id)
    if action is None:
        raise LookupError(action_id)
    if action["state"] != "pending":
        raise ModerationError(
            f"This request is already {action['state']}"
            + (f" (confirmed by {action['confirmed_by_name']})." if action["confirmed_by"] else ".")
        )
    if action["requested_by"] == moderator.id:
        raise Refused("You asked for this action yourself; a different moderator must confirm it.")
    ensure_may_decide(db, moderator, action["clinic_id"])
    try:
        _run(db, moderator, action, When(today))
    except VettingError as exc:  # the claim changed between the check and the run
        raise ModerationError(str(exc)) from exc
    return storage.get_action(db, action_id)


def _run(db: sqlite_utils.Database, moderator: Moderator, action: dict, when: When) -> None:
    """Mark the action confirmed and carry it out, in one transaction."""
    action_id = action["id"]
    with db.atomic():
        clinic = _check_action_applies(db, action["kind"], action["clinic_id"], action["item_key"])
        if not storage.confirm_action(
            db, action_id, user_id=moderator.id, user_name=moderator.name
        ):
            raise ModerationError("This request was confirmed or cancelled meanwhile.")
        why = f"{action['reason']} (asked by {action['requested_by_name']}, "
        why += f"confirmed by {moderator.name})"
        told = {"clinic_name": clinic["name"], "reason": action["reason"]}
        if action["kind"] == "suspend":
            set_status(db, action["clinic_id"], "suspended", actor=moderator.actor, reason=why)
            reopened = []
            report = _report_of(db, action)
            if report is not None:
                # The claims the report puts in doubt go back to review while it is looked into.
                for key in reports.related_item_keys(report["category"], load_checklist().keys):
                    claim = get_claim(db, action["clinic_id"], key)
                    if claim is not None and claim["state"] == "verified":
                        reopen_claim(
                            db,
                            action["clinic_id"],
                            key,
                            actor=moderator.actor,
                            reason="A patient report is being investigated.",
                            when=when,
                        )
                        reopened.append(key)
                reports.set_outcome(db, report, "listing-suspended", actor=moderator.actor)
            notify(db, "clinic.suspended", action["clinic_id"], reopened=reopened, **told)
        elif action["kind"] == "reinstate":
            set_status(db, action["clinic_id"], "published", actor=moderator.actor, reason=why)
            notify(db, "clinic.reinstated", action["clinic_id"], **told)
        else:
            reopen_claim(
                db,
                action["clinic_id"],
                action["item_key"],
                actor=moderator.actor,
                reason=action["reason"],
                expected_state="verified",
                when=when,
            )
            notify(db, "claim.reversed", action["clinic_id"], item_key=action["item_key"], **told)
        _record(
            db,
            moderator,
            f"{action['kind']}_confirmed",
            action["clinic_id"],
            {"action_id": action_id, "item_key": action["item_key"]},
            action["reason"],
        )


def _report_of(db: sqlite_utils.Database, action: dict) -> dict | None:
    """Return the patient report that asked for this action, or None."""
    return storage.get_report(db, action["report_id"]) if action["report_id"] else None


def cancel_action(db: sqlite_utils.Database, moderator: Moderator, action_id: int) -> dict:
    """Withdraw (the requester) or decline (another moderator) a pending action."""
    action = storage.get_action(db, action_id)
    if action is None:
        raise LookupError(action_id)
    with db.atomic():
        if not storage.cancel_action(db, action_id, user_id=moderator.id):
            raise ModerationError(f"This request is already {action['state']}.")
        report = _report_of(db, action)
        if report is not None:
            reports.set_outcome(db, report, "suspension-cancelled", actor=moderator.actor)
        _record(
            db,
            moderator,
            f"{action['kind']}_cancelled",
            action["clinic_id"],
            {"action_id": action_id},
        )
    return storage.get_action(db, action_id)


def pending_actions(db: sqlite_utils.Database, clinic_id: str | None = None) -> list[dict]:
    """Return the requests waiting for a second moderator (of one clinic, or all)."""
    return storage.list_actions(db, clinic_id=clinic_id)


def actions_overview(db: sqlite_utils.Database, *, recent: int = 50) -> dict:
    """Return the pending requests and the latest decided ones, oldest first."""
    every = storage.list_actions(db, state=None)
    return {
        "pending": [a for a in every if a["state"] == "pending"],
        "recent": [a for a in every if a["state"] != "pending"][-recent:],
    }
