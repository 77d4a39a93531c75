"""Tell a clinic about a decision: one notification, one queued e-mail per person.

Every decision path calls `notify` inside the transaction that makes the decision, so the
notification exists exactly when the decision does. The e-mails wait in a queue until after
the commit (extension.py delivers them, each in its recipient's language); a mail that could
not be sent stays queued and is tried again, at most MAX_ATTEMPTS times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlite_utils

from directory.notifications import storage
from directory.notifications.kinds import KINDS

LANGUAGES = ("en", "ar", "fr")
DEFAULT_LANGUAGE = "en"
MAX_ATTEMPTS = 5
# A mail marked "sending" this long ago was left by a process that died mid-send.
STALE_SENDING = timedelta(minutes=10)
PAGE = 50


def notify(
    db: sqlite_utils.Database,
    kind: str,
    clinic_id: str,
    *,
    user_id: int | None = None,
    **params,
) -> int:
    """Record a notification about a clinic and queue its e-mails; return its id.

    user_id addresses one person (a claimant not yet linked to the clinic); without it,
    everyone who manages the clinic is told. params are what KINDS[kind] needs.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    missing = [name for name in spec.params if name not in params]
    if missing:
        raise ValueError(f"{kind} needs {', '.join(missing)}")
    with db.atomic():
        notification_id = storage.insert_notification(
            db, clinic_id=clinic_id, user_id=user_id, kind=kind, params=params
        )
        for person in storage.recipients(db, clinic_id, user_id):
            language = person["language"] if person["language"] in LANGUAGES else None
            storage.queue_mail(
                db, notification_id, person["id"], person["email"], language or DEFAULT_LANGUAGE
            )
    return notification_id


def clinic_notifications(
    db: sqlite_utils.Database, clinic_id: str, user_id: int | None, *, page: int = 1
) -> dict:
    """Return a page of a clinic's notifications (newest first) and how many there are."""
    total = storage.count_notifications(db, clinic_id, user_id)
    rows = storage.list_notifications(
        db, clinic_id=clinic_id, user_id=user_id, limit=PAGE, offset=(page - 1) * PAGE
    )
    return {"notifications": rows, "total": total, "pages": max(1, -(-total // PAGE))}


def own_notifications(db: sqlite_utils.Database, user_id: int, *, limit: int = 20) -> list[dict]:
    """Return the notifications addressed to one person (about claims they made), newest first."""
    return storage.list_notifications(db, user_id=user_id, own_only=True, limit=limit)


def unseen_count(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> int:
    """Count the clinic's notifications this person has not opened the page of yet."""
    return storage.count_unseen(db, clinic_id, user_id)


def mark_seen(db: sqlite_utils.Database, user_id: int, clinic_id: str, notifications) -> None:
    """Remember that this person saw these notifications of the clinic."""
    if notifications:
        with db.atomic():
            storage.mark_seen(db, user_id, clinic_id, max(n["id"] for n in notifications))


def mail_mark(db: sqlite_utils.Database) -> int:
    """Return the mail queue's high-water mark: mails queued later have higher ids."""
    return storage.mail_mark(db)


def _stale(now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)) - STALE_SENDING
    return moment.replace(microsecond=0).isoformat()


def mails_to_send(db: sqlite_utils.Database, *, after: int = 0, limit: int = 100) -> list[dict]:
    """Return queued mails (with their notification's kind and params), oldest first."""
    return storage.queued_mails(db, after=after, limit=limit, stale_before=_stale())


def take_mail(db: sqlite_utils.Database, mail_id: int) -> bool:
    """Claim a queued mail for sending; False when another process already has it."""
    return storage.take_mail(db, mail_id, stale_before=_stale())


def mail_sent(db: sqlite_utils.Database, mail_id: int) -> None:
    storage.finish_mail(db, mail_id, "sent")


def mail_failed(db: sqlite_utils.Database, mail_id: int, error: str) -> str:
    """Put a mail that could not be sent back in the queue, or give up; return its state."""
    mail = storage.get_mail(db, mail_id) or {}
    state = "failed" if mail.get("attempts", 0) >= MAX_ATTEMPTS else "queued"
    storage.finish_mail(db, mail_id, state, error[:500])
    return state


def list_mails(db: sqlite_utils.Database, notification_id: int | None = None) -> list[dict]:
    """Return the e-mails of one notification (or all), as queued and sent."""
    return storage.list_mails(db, notification_id)
