"""Expiry reminders: each clinic's users hear 30, 14 and 7 days before an item expires, and on
the day it does; every reminder is sent once (sent_reminders has a unique key)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from directory.moderation import storage
from directory.moderation.services import Link, Send
from directory.vetting.checklist import load_checklist

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


def _message(title: str, kind: str, expires_at: date, today: date, link: str) -> tuple[str, str]:
    if kind == "expired":
        subject = f"Vetted: \u201c{title}\u201d has expired"
        opening = (
            f"The verification of \u201c{title}\u201d expired on {expires_at.isoformat()}. "
            "It no longer counts towards your clinic's score."
        )
    else:
        days = (expires_at - today).days
        subject = f"Vetted: \u201c{title}\u201d expires in {days} day{'s' if days != 1 else ''}"
        opening = (
            f"The verification of \u201c{title}\u201d expires on {expires_at.isoformat()} "
            f"({days} day{'s' if days != 1 else ''} from today). Its credit is already fading."
        )
    body = (
        f"{opening}\n\nTo keep it, send up-to-date evidence for a moderator to check:\n"
        f"{link}\n\nYou receive this because you manage this clinic on Vetted.\n"
    )
    return subject, body


def send_expiry_reminders(
    db: sqlite_utils.Database,
    *,
    today: date,
    send: Send,
    dashboard_url: Link,
) -> dict:
    """E-mail each clinic's users about items expiring soon or today; return a summary.

    send(to, subject, body) delivers one message; dashboard_url(clinic_id) is the link each
    message gives. A reminder whose sending fails is released and tried again on the next run.
    """
    checklist = load_checklist()
    first = today - timedelta(days=LATE_DAYS - 1)
    last = today + timedelta(days=SCHEDULE[0][1])
    summary = {
        "today": today.isoformat(),
        "reminders": 0,
        "mails": 0,
        "already_sent": 0,
        "no_recipients": 0,
        "failed": 0,
    }
    for claim in storage.claims_expiring(db, first.isoformat(), last.isoformat()):
        expires_at = date.fromisoformat(claim["expires_at"])
        kind = reminder_kind((expires_at - today).days)
        if kind is None or (kind != "expired" and claim["state"] != "verified"):
            continue
        recipients = storage.clinic_user_emails(db, claim["clinic_id"])
        if not recipients:
            summary["no_recipients"] += 1
            continue
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
        item = checklist.get(claim["item_key"])
        subject, body = _message(
            item.title if item else claim["item_key"],
            kind,
            expires_at,
            today,
            dashboard_url(claim["clinic_id"]),
        )
        try:
            for email in recipients:
                send(email, subject, body)
        except Exception:  # any delivery failure: release it and try again next run
            storage.release_reminder(db, reserved)
            summary["failed"] += 1
            continue
        storage.set_reminder_recipients(db, reserved, len(recipients))
        summary["reminders"] += 1
        summary["mails"] += len(recipients)
    return summary
