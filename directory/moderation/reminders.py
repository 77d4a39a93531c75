"""Expiry reminders: each clinic's people hear 30, 14 and 7 days before an item expires, and
on the day it does; every reminder is sent once (sent_reminders has a unique key).

A reminder is a notification (directory/notifications): kept on the clinic's dashboard and
mailed to its people in their languages after the commit; a mail that cannot be sent stays
queued and is tried again by the next command.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from directory.clinics.services import get_clinic
from directory.moderation import storage
from directory.notifications.services import notify

# (kind, days before expiry); a run that missed a day still sends the most urgent one due.
SCHEDULE = (("30d", 30), ("14d", 14), ("7d", 7), ("expired", 0))
# How long after the expiry date a missed "expired" reminder is still worth sending.
LATE_DAYS = 7


def reminder_kind(days_left: int) -> str | None:
    """Return which reminder is due with this many days left before expiry, or None."""
    if -LATE_DAYS < days_left <= 0:
        return "expired"
    for (kind, days), (_, next_days) in zip(SCHEDULE, SCHEDULE[1:], strict=False):
        if next_days < days_left <= days:
            return kind
    return None


def send_expiry_reminders(db: sqlite_utils.Database, *, today: date) -> dict:
    """Notify each clinic's people about items expiring soon or today; return a summary.

    Each reminder is reserved and notified in one transaction, so it is never lost nor sent
    twice; its e-mails go out after the commit.
    """
    first = today - timedelta(days=LATE_DAYS - 1)
    last = today + timedelta(days=SCHEDULE[0][1])
    summary = {"today": today.isoformat(), "reminders": 0, "mails": 0}
    summary.update(already_sent=0, no_recipients=0)
    for claim in storage.claims_expiring(db, first.isoformat(), last.isoformat()):
        expires_at = date.fromisoformat(claim["expires_at"])
        kind = reminder_kind((expires_at - today).days)
        if kind is None or (kind != "expired" and claim["state"] != "verified"):
            continue
        recipients = storage.clinic_user_emails(db, claim["clinic_id"])
        if not recipients:
            summary["no_recipients"] += 1
            continue
        with db.atomic():
            reserved = storage.claim_reminder(
                db,
                clinic_id=claim["clinic_id"],
                item_key=claim["item_key"],
                expires_at=claim["expires_at"],
                kind=kind,
            )
            if reserved is None:
                summary["already_sent"] += 1
                continue
            clinic = get_clinic(db, claim["clinic_id"]) or {}
            notify(
                db,
                "item.expired" if kind == "expired" else "item.expiring",
                claim["clinic_id"],
                clinic_name=clinic.get("name") or claim["clinic_id"],
                item_key=claim["item_key"],
                expires_at=claim["expires_at"],
                days=(expires_at - today).days,
            )
            storage.set_reminder_recipients(db, reserved, len(recipients))
        summary["reminders"] += 1
        summary["mails"] += len(recipients)
    return summary
