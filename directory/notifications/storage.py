"""Notification rows in SQLite: the notifications, the mail queue, and what people have seen."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from directory.events import utcnow
from directory.storage import all_rows, first_row


def _decode(row: dict) -> dict:
    row = dict(row)
    row["params"] = json.loads(row["params"]) if row.get("params") else {}
    return row


def insert_notification(
    db: sqlite_utils.Database, *, clinic_id: str, user_id: int | None, kind: str, params: dict
) -> int:
    return (
        db["notifications"]
        .insert(
            {
                "clinic_id": clinic_id,
                "user_id": user_id,
                "kind": kind,
                "params": json.dumps(params, ensure_ascii=False, sort_keys=True),
                "created_at": utcnow(),
            }
        )
        .last_pk
    )


def recipients(
    db: sqlite_utils.Database, clinic_id: str, user_id: int | None
) -> list[dict[str, Any]]:
    """Return {id, email, language} of the enabled accounts a notification goes to."""
    if user_id is not None:
        sql = "select id, email, language from users where id = ? and coalesce(disabled, 0) = 0"
        args: list[Any] = [user_id]
    else:
        sql = (
            "select u.id, u.email, u.language from clinic_users cu join users u on u.id = "
            "cu.user_id where cu.clinic_id = ? and coalesce(u.disabled, 0) = 0 order by u.email"
        )
        args = [clinic_id]
    return all_rows(db, sql, args)


def queue_mail(
    db: sqlite_utils.Database, notification_id: int, user_id: int, email: str, language: str
) -> int:
    return (
        db["notification_mails"]
        .insert(
            {
                "notification_id": notification_id,
                "user_id": user_id,
                "email": email,
                "language": language,
                "state": "queued",
                "attempts": 0,
                "created_at": utcnow(),
            }
        )
        .last_pk
    )


def list_notifications(
    db: sqlite_utils.Database,
    *,
    clinic_id: str | None = None,
    user_id: int | None = None,
    own_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[dict]:
    """Return notifications newest first: a clinic's (with those addressed to user_id), or
    with own_only, only those addressed to user_id."""
    if own_only:
        where, args = "n.user_id = ?", [user_id]
    else:
        where, args = (
            "n.clinic_id = ? and (n.user_id is null or n.user_id = ?)",
            [
                clinic_id,
                user_id,
            ],
        )
    rows = db.query(
        f"select n.* from notifications n where {where} order by n.id desc limit ? offset ?",
        [*args, limit, offset],
    )
    return [_decode(r) for r in rows]


def count_notifications(db: sqlite_utils.Database, clinic_id: str, user_id: int | None) -> int:
    return db.execute(
        "select count(*) from notifications "
        "where clinic_id = ? and (user_id is null or user_id = ?)",
        [clinic_id, user_id],
    ).fetchone()[0]


def count_unseen(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> int:
    return db.execute(
        "select count(*) from notifications n where n.clinic_id = ? "
        "and (n.user_id is null or n.user_id = ?) and n.id > coalesce((select last_seen_id "
        "from notification_seen s where s.user_id = ? and s.clinic_id = ?), 0)",
        [clinic_id, user_id, user_id, clinic_id],
    ).fetchone()[0]


def mark_seen(db: sqlite_utils.Database, user_id: int, clinic_id: str, last_id: int) -> None:
    db.execute(
        "insert into notification_seen (user_id, clinic_id, last_seen_id) values (?, ?, ?) "
        "on conflict (user_id, clinic_id) do update set last_seen_id = "
        "max(last_seen_id, excluded.last_seen_id)",
        [user_id, clinic_id, last_id],
    )


def mail_mark(db: sqlite_utils.Database) -> int:
    """Return the highest mail id (later mails have higher ids)."""
    return db.execute("select coalesce(max(id), 0) from notification_mails").fetchone()[0]


def queued_mails(
    db: sqlite_utils.Database, *, after: int = 0, limit: int = 100, stale_before: str | None = None
) -> list[dict]:
    """Return queued mails with their notification, oldest first.

    With stale_before, mails left "sending" before that time (a process killed mid-send)
    count as queued again.
    """
    states = "m.state = 'queued'"
    args: list[Any] = []
    if stale_before:
        states = "(m.state = 'queued' or (m.state = 'sending' and m.sent_at < ?))"
        args.append(stale_before)
    rows = db.query(
        "select m.*, n.kind, n.params, n.clinic_id, n.created_at as notified_at "
        "from notification_mails m join notifications n on n.id = m.notification_id "
        f"where {states} and m.id > ? order by m.id limit ?",
        [*args, after, limit],
    )
    return [_decode(r) for r in rows]


def take_mail(db: sqlite_utils.Database, mail_id: int, *, stale_before: str | None = None) -> bool:
    """Mark a queued mail as being sent; False when another process took it first."""
    cursor = db.execute(
        "update notification_mails set state = 'sending', attempts = attempts + 1, sent_at = ? "
        "where id = ? and (state = 'queued' or (state = 'sending' and sent_at < ?))",
        [utcnow(), mail_id, stale_before or ""],
    )
    return cursor.rowcount == 1


def finish_mail(
    db: sqlite_utils.Database, mail_id: int, state: str, error: str | None = None
) -> None:
    db.execute(
        "update notification_mails set state = ?, sent_at = ?, error = ? where id = ?",
        [state, utcnow(), error, mail_id],
    )


def get_mail(db: sqlite_utils.Database, mail_id: int) -> dict | None:
    return first_row(db, "select * from notification_mails where id = ?", [mail_id])


def list_mails(db: sqlite_utils.Database, notification_id: int | None = None) -> list[dict]:
    if notification_id is None:
        return all_rows(db, "select * from notification_mails order by id")
    return all_rows(
        db,
        "select * from notification_mails where notification_id = ? order by id",
        [notification_id],
    )
