"""Moderation rows in SQLite: second factors, invites, conflicts, reports, four eyes, reminders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from directory.events import utcnow
from directory.storage import all_rows, first_row


def _where(conditions: dict[str, Any]) -> tuple[str, list[Any]]:
    """Return " where a = ? and ..." for the conditions given a value (or ""), and the values.

    The column names come from this module, never from input.
    """
    used = {column: value for column, value in conditions.items() if value}
    if not used:
        return "", []
    return " where " + " and ".join(f"{c} = ?" for c in used), list(used.values())


def _with_clinic(table: str, rest: str, *, columns: str = "") -> str:
    """Return a select of the table's rows (as t) with their clinic's name, followed by rest."""
    return (
        f"select t.*, c.name as clinic_name{columns} from {table} t "
        f"left join clinics c on c.id = t.clinic_id{rest}"
    )


# Second factor ------------------------------------------------------------------------------


def get_factor(db: sqlite_utils.Database, user_id: int) -> dict | None:
    return first_row(db, "select * from mfa_factors where user_id = ?", [user_id])


def save_factor(db: sqlite_utils.Database, user_id: int, secret: str) -> None:
    """Store (or replace) a user's TOTP secret with fresh counters."""
    db["mfa_factors"].upsert(
        {
            "user_id": user_id,
            "secret": secret,
            "enrolled_at": utcnow(),
            "last_step": 0,
            "failed_count": 0,
            "locked_until": None,
        },
        pk="user_id",
    )


def record_factor_success(db: sqlite_utils.Database, user_id: int, step: int | None) -> bool:
    """Reset the failure count; with a TOTP step, accept it only if newer than the last one.

    The compare-and-set in one statement means two requests racing with the same code cannot
    both succeed.
    """
    if step is None:
        cursor = db.execute(
            "update mfa_factors set failed_count = 0, locked_until = null where user_id = ?",
            [user_id],
        )
    else:
        cursor = db.execute(
            "update mfa_factors set failed_count = 0, locked_until = null, last_step = ? "
            "where user_id = ? and last_step < ?",
            [step, user_id, step],
        )
    return cursor.rowcount == 1


def record_factor_failure(
    db: sqlite_utils.Database, user_id: int, *, max_failures: int, lock_until: str
) -> int:
    """Count one wrong code; lock the factor when the count reaches max_failures."""
    with db.atomic():
        db.execute(
            "update mfa_factors set failed_count = failed_count + 1 where user_id = ?", [user_id]
        )
        count = db.execute(
            "select failed_count from mfa_factors where user_id = ?", [user_id]
        ).fetchone()[0]
        if count >= max_failures:
            db.execute(
                "update mfa_factors set failed_count = 0, locked_until = ? where user_id = ?",
                [lock_until, user_id],
            )
    return count


def delete_factor(db: sqlite_utils.Database, user_id: int) -> None:
    with db.atomic():
        db.execute("delete from mfa_factors where user_id = ?", [user_id])
        db.execute("delete from mfa_recovery_codes where user_id = ?", [user_id])


def replace_recovery_codes(db: sqlite_utils.Database, user_id: int, hashes: list[str]) -> None:
    now = utcnow()
    with db.atomic():
        db.execute("delete from mfa_recovery_codes where user_id = ?", [user_id])
        db["mfa_recovery_codes"].insert_all(
            {"user_id": user_id, "code_hash": h, "created_at": now} for h in hashes
        )


def use_recovery_code(db: sqlite_utils.Database, user_id: int, code_hash: str) -> bool:
    """Mark an unused recovery code used; False when there is none with that hash."""
    cursor = db.execute(
        "update mfa_recovery_codes set used_at = ? "
        "where user_id = ? and code_hash = ? and used_at is null",
        [utcnow(), user_id, code_hash],
    )
    return cursor.rowcount == 1


def count_recovery_codes(db: sqlite_utils.Database, user_id: int) -> int:
    return db.execute(
        "select count(*) from mfa_recovery_codes where user_id = ? and used_at is null",
        [user_id],
    ).fetchone()[0]


# Invitations --------------------------------------------------------------------------------


def insert_invite(
    db: sqlite_utils.Database,
    *,
    email: str,
    role: str,
    token_hash: str,
    created_by: int,
    expires_at: str,
) -> int:
    return (
        db["moderator_invites"]
        .insert(
            {
                "email": email,
                "role": role,
                "token_hash": token_hash,
                "created_by": created_by,
                "created_at": utcnow(),
                "expires_at": expires_at,
            }
        )
        .last_pk
    )


def get_invite_by_token_hash(db: sqlite_utils.Database, token_hash: str) -> dict | None:
    return first_row(db, "select * from moderator_invites where token_hash = ?", [token_hash])


def mark_invite_used(db: sqlite_utils.Database, invite_id: int, user_id: int) -> bool:
    cursor = db.execute(
        "update moderator_invites set used_at = ?, user_id = ? where id = ? and used_at is null",
        [utcnow(), user_id, invite_id],
    )
    return cursor.rowcount == 1


def list_invites(db: sqlite_utils.Database, limit: int = 100) -> list[dict]:
    return all_rows(
        db,
        "select i.*, u.email as created_by_email from moderator_invites i "
        "left join users u on u.id = i.created_by order by i.id desc limit ?",
        [limit],
    )


# Conflicts of interest ----------------------------------------------------------------------


def add_conflict(db: sqlite_utils.Database, user_id: int, clinic_id: str, reason: str) -> bool:
    """Record a declaration; False when the same one already exists."""
    cursor = db.execute(
        "insert or ignore into conflicts (user_id, clinic_id, reason, created_at) "
        "values (?, ?, ?, ?)",
        [user_id, clinic_id, reason, utcnow()],
    )
    return cursor.rowcount == 1


def remove_conflict(db: sqlite_utils.Database, user_id: int, conflict_id: int) -> dict | None:
    row = first_row(
        db, "select * from conflicts where id = ? and user_id = ?", [conflict_id, user_id]
    )
    if row is not None:
        db.execute("delete from conflicts where id = ?", [conflict_id])
    return row


def list_conflicts(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    return all_rows(db, _with_clinic("conflicts", " where t.user_id = ? order by t.id"), [user_id])


def has_conflict(db: sqlite_utils.Database, user_id: int, clinic_id: str) -> dict | None:
    return first_row(
        db, "select * from conflicts where user_id = ? and clinic_id = ?", [user_id, clinic_id]
    )


def clinic_user_emails(
    db: sqlite_utils.Database, clinic_id: str, *, enabled_only: bool = True
) -> list[str]:
    """Return the e-mail addresses of the accounts linked to a clinic (enabled ones only)."""
    rows = db.execute(
        "select u.email from clinic_users cu join users u on u.id = cu.user_id "
        "where cu.clinic_id = ? and (? = 0 or coalesce(u.disabled, 0) = 0) order by u.email",
        [clinic_id, int(enabled_only)],
    ).fetchall()
    return [email for (email,) in rows if email]


def clinic_user_domains(db: sqlite_utils.Database, clinic_id: str) -> set[str]:
    """Return the lower-cased e-mail domains of the accounts linked to a clinic (disabled too)."""
    emails = clinic_user_emails(db, clinic_id, enabled_only=False)
    return {email.rpartition("@")[2].lower() for email in emails if "@" in email}


# Patient reports ----------------------------------------------------------------------------


def insert_report(
    db: sqlite_utils.Database,
    *,
    clinic_id: str,
    category: str,
    description: str,
    contact: str | None,
    reference: str | None = None,
    status_token_hash: str | None = None,
    created_at: str | None = None,
) -> int:
    return (
        db["reports"]
        .insert(
            {
                "clinic_id": clinic_id,
                "category": category,
                "description": description,
                "contact": contact,
                "created_at": created_at or utcnow(),
                "state": "open",
                "reference": reference,
                "status_token_hash": status_token_hash,
            }
        )
        .last_pk
    )


def report_by_token_hash(db: sqlite_utils.Database, token_hash: str) -> dict | None:
    return first_row(db, _with_clinic("reports", " where t.status_token_hash = ?"), [token_hash])


def reference_taken(db: sqlite_utils.Database, reference: str) -> bool:
    return (
        first_row(db, "select 1 as taken from reports where reference = ?", [reference]) is not None
    )


def get_report(db: sqlite_utils.Database, report_id: int) -> dict | None:
    return first_row(db, "select * from reports where id = ?", [report_id])


def list_reports(
    db: sqlite_utils.Database, *, state: str | None = None, clinic_id: str | None = None
) -> list[dict]:
    where, args = _where({"state": state, "clinic_id": clinic_id})
    return all_rows(db, f"select * from reports{where} order by created_at, id", args)


def triage_report(
    db: sqlite_utils.Database,
    report_id: int,
    *,
    risk: str,
    outcome: str,
    note: str,
    user_id: int,
    user_name: str,
) -> bool:
    """Triage an open report; False when someone else triaged it first."""
    cursor = db.execute(
        "update reports set state = 'triaged', risk = ?, outcome = ?, note = ?, triaged_by = ?, "
        "triaged_by_name = ?, triaged_at = ? where id = ? and state = 'open'",
        [risk, outcome, note, user_id, user_name, utcnow(), report_id],
    )
    return cursor.rowcount == 1


def set_report_outcome(db: sqlite_utils.Database, report_id: int, outcome: str) -> None:
    db.execute("update reports set outcome = ? where id = ?", [outcome, report_id])


# Four eyes ----------------------------------------------------------------------------------


def insert_action(
    db: sqlite_utils.Database,
    *,
    kind: str,
    clinic_id: str,
    item_key: str | None,
    report_id: int | None,
    reason: str,
    requested_by: int,
    requested_by_name: str,
) -> int:
    return (
        db["pending_actions"]
        .insert(
            {
                "kind": kind,
                "clinic_id": clinic_id,
                "item_key": item_key,
                "report_id": report_id,
                "reason": reason,
                "state": "pending",
                "requested_by": requested_by,
                "requested_by_name": requested_by_name,
                "requested_at": utcnow(),
            }
        )
        .last_pk
    )


def get_action(db: sqlite_utils.Database, action_id: int) -> dict | None:
    return first_row(db, _with_clinic("pending_actions", " where t.id = ?"), [action_id])


def find_pending_action(
    db: sqlite_utils.Database, kind: str, clinic_id: str, item_key: str | None = None
) -> dict | None:
    return first_row(
        db,
        "select * from pending_actions where state = 'pending' and kind = ? and clinic_id = ? "
        "and coalesce(item_key, '') = ?",
        [kind, clinic_id, item_key or ""],
    )


def list_actions(
    db: sqlite_utils.Database, *, state: str | None = "pending", clinic_id: str | None = None
) -> list[dict]:
    where, args = _where({"t.state": state, "t.clinic_id": clinic_id})
    order = " order by t.requested_at, t.id"
    sql = _with_clinic("pending_actions", where + order, columns=", c.country as country")
    return all_rows(db, sql, args)


def confirm_action(
    db: sqlite_utils.Database, action_id: int, *, user_id: int, user_name: str
) -> bool:
    """Mark a pending action done by a second person; False if it is no longer pending."""
    cursor = db.execute(
        "update pending_actions set state = 'done', confirmed_by = ?, confirmed_by_name = ?, "
        "confirmed_at = ? where id = ? and state = 'pending' and requested_by != ?",
        [user_id, user_name, utcnow(), action_id, user_id],
    )
    return cursor.rowcount == 1


def cancel_action(db: sqlite_utils.Database, action_id: int, *, user_id: int) -> bool:
    cursor = db.execute(
        "update pending_actions set state = 'cancelled', cancelled_by = ?, cancelled_at = ? "
        "where id = ? and state = 'pending'",
        [user_id, utcnow(), action_id],
    )
    return cursor.rowcount == 1


# Reminders ----------------------------------------------------------------------------------


def claim_reminder(
    db: sqlite_utils.Database, *, clinic_id: str, item_key: str, expires_at: str, kind: str
) -> int | None:
    """Reserve the right to send one reminder; None when it was already sent."""
    cursor = db.execute(
        "insert or ignore into sent_reminders (clinic_id, item_key, expires_at, kind, sent_at) "
        "values (?, ?, ?, ?, ?)",
        [clinic_id, item_key, expires_at, kind, utcnow()],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


def set_reminder_recipients(db: sqlite_utils.Database, reminder_id: int, count: int) -> None:
    db.execute("update sent_reminders set recipients = ? where id = ?", [count, reminder_id])


def release_reminder(db: sqlite_utils.Database, reminder_id: int) -> None:
    """Forget a reservation whose mail could not be sent, so the next run tries again."""
    db.execute("delete from sent_reminders where id = ?", [reminder_id])


def claims_expiring(db: sqlite_utils.Database, first: str, last: str) -> list[dict]:
    """Return verified or expired claims whose expiry date lies in [first, last].

    A read-only look at the vetting domain's claims table, through its (state, expires_at)
    index: the daily reminder run must not page through every claim.
    """
    return all_rows(
        db,
        "select clinic_id, item_key, state, expires_at from claims "
        "where state in ('verified', 'expired') and expires_at between ? and ? "
        "order by expires_at, clinic_id, item_key",
        [first, last],
    )


def list_sent_reminders(db: sqlite_utils.Database) -> list[dict]:
    return all_rows(db, "select * from sent_reminders order by id")


# The ledger, read for audits, exports and the transparency page ------------------------------


def _decode(row: dict) -> dict:
    row = dict(row)
    for key in ("before", "after"):
        try:
            row[key] = json.loads(row[key]) if row[key] else None
        except ValueError:
            pass
    return row


def clinic_events(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return every event about a clinic, its claims and its reports, oldest first."""
    rows = db.query(
        "select * from events where (target_type = 'clinic' and target_id = :id) "
        "or (target_type in ('claim', 'report') "
        "    and substr(target_id, 1, length(:id) + 1) = :id || ':') "
        "order by id",
        {"id": clinic_id},
    )
    return [_decode(r) for r in rows]


def target_events(db: sqlite_utils.Database, target_type: str, target_id: str) -> list[dict]:
    rows = db.query(
        "select * from events where target_type = ? and target_id = ? order by id",
        [target_type, target_id],
    )
    return [_decode(r) for r in rows]


def iter_events(db: sqlite_utils.Database, *, batch: int = 1000) -> Iterator[dict]:
    """Yield every event as stored (before/after as JSON text), oldest first."""
    last = 0
    while True:
        rows = list(
            db.query("select * from events where id > ? order by id limit ?", [last, batch])
        )
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def decision_events(db: sqlite_utils.Database, actions: tuple[str, ...]) -> list[dict]:
    """Return every claim and report event, and the events of these actions, oldest first."""
    marks = ",".join("?" * len(actions))
    rows = db.query(
        f"select id, at, action, target_type, target_id, before, after, reason from events "
        f"where target_type in ('claim', 'report') or action in ({marks}) order by id",
        list(actions),
    )
    return [_decode(r) for r in rows]


def core_fresh_counts(db: sqlite_utils.Database) -> tuple[int, int]:
    """Return (published listings, of which core verified and fresh)."""
    row = db.execute(
        "select count(*), coalesce(sum(s.core_verified), 0) from clinics c "
        "left join clinic_scores s on s.clinic_id = c.id where c.status = 'published'"
    ).fetchone()
    return row[0], row[1]


def clinic_summaries(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict]:
    """Map clinic ids to {id, name, country, status} (for queue rows)."""
    out: dict[str, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"select id, name, city, country, status from clinics where id in ({marks})", chunk
        ):
            out[row["id"]] = row
    return out
