"""Experience rows in SQLite: visit codes, experiences, replies, photos, re-check flags."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from directory.storage import all_rows, first_row


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


def _move(
    db: sqlite_utils.Database, table: str, row_id: int, from_state: str, **columns: Any
) -> bool:
    """Set columns of a row still in from_state; False when it was not (one statement: no race).

    table and the column names come from this module's callers, never from input.
    """
    assignments = ", ".join(f"{name} = ?" for name in columns)
    cursor = db.execute(
        f"update {table} set {assignments} where id = ? and state = ?",
        [*columns.values(), row_id, from_state],
    )
    return cursor.rowcount == 1


# Visit codes -------------------------------------------------------------------------------------


def insert_batch(
    db: sqlite_utils.Database,
    *,
    clinic_id: str,
    hashes: list[str],
    created_by: int,
    created_at: str,
    expires_at: str,
) -> int:
    """Store a batch of code hashes; return the batch's id."""
    batch_id = (
        db["visit_code_batches"]
        .insert(
            {
                "clinic_id": clinic_id,
                "size": len(hashes),
                "created_by": created_by,
                "created_at": created_at,
                "expires_at": expires_at,
            }
        )
        .last_pk
    )
    db["visit_codes"].insert_all(
        {"batch_id": batch_id, "clinic_id": clinic_id, "code_hash": h} for h in hashes
    )
    return batch_id


def list_batches(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return a clinic's batches, newest first, with how many of their codes were used."""
    return all_rows(
        db,
        "select b.*, (select count(*) from visit_codes c where c.batch_id = b.id "
        "and c.used_at is not null) as used from visit_code_batches b "
        "where b.clinic_id = ? order by b.id desc",
        [clinic_id],
    )


def find_code(db: sqlite_utils.Database, code_hash: str) -> dict | None:
    """Return a code (with its batch's expiry) by its hash, or None."""
    return first_row(
        db,
        "select c.*, b.expires_at from visit_codes c join visit_code_batches b "
        "on b.id = c.batch_id where c.code_hash = ?",
        [code_hash],
    )


def use_code(db: sqlite_utils.Database, code_id: int, at: str) -> bool:
    """Mark an unused code used; False when it was used meanwhile (one statement: no race)."""
    cursor = db.execute(
        "update visit_codes set used_at = ? where id = ? and used_at is null", [at, code_id]
    )
    return cursor.rowcount == 1


# Experiences -----------------------------------------------------------------------------------


def _experience(row: dict | None) -> dict | None:
    if row is not None:
        row = dict(row)
        row["answers"] = json.loads(row["answers"] or "{}")
    return row


def insert_experience(db: sqlite_utils.Database, row: dict) -> int:
    return db["experiences"].insert({**row, "answers": json.dumps(row["answers"])}).last_pk


def get_experience(db: sqlite_utils.Database, experience_id: int) -> dict | None:
    return _experience(first_row(db, "select * from experiences where id = ?", [experience_id]))


def set_report(db: sqlite_utils.Database, experience_id: int, report_id: int) -> None:
    db.execute("update experiences set report_id = ? where id = ?", [report_id, experience_id])


def find_visit(
    db: sqlite_utils.Database, clinic_id: str, email_hash: str, visit_month: str
) -> dict | None:
    """Return the experience this address already left of this visit (clinic and month)."""
    return _experience(
        first_row(
            db,
            "select * from experiences where clinic_id = ? and email_hash = ? and visit_month = ?",
            [clinic_id, email_hash, visit_month],
        )
    )


def receipt_known(db: sqlite_utils.Database, sha256: str) -> bool:
    return (
        first_row(db, "select id from experiences where receipt_sha256 = ?", [sha256]) is not None
    )


def confirm_experience(db: sqlite_utils.Database, experience_id: int, at: str) -> bool:
    """Move an unconfirmed experience to the moderators; False when it was not unconfirmed."""
    return _move(db, "experiences", experience_id, "unconfirmed", state="pending", confirmed_at=at)


def decide_experience(db: sqlite_utils.Database, experience_id: int, **columns: Any) -> bool:
    """Publish or refuse a pending experience and erase its address and receipt name.

    columns: state, decided_at, decided_by, refusal, refusal_note, published_at. False when it
    was not pending (another moderator decided first).
    """
    return _move(
        db, "experiences", experience_id, "pending", **columns, email=None, receipt_name=None
    )


def pending_experiences(db: sqlite_utils.Database) -> list[dict]:
    """Return confirmed experiences waiting for a moderator, oldest first."""
    return [
        _experience(row)
        for row in db.query(
            "select * from experiences where state = 'pending' order by confirmed_at, id"
        )
    ]


def published_answers(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return {answers, rating} of every published experience of a clinic."""
    return [
        {"answers": json.loads(row["answers"] or "{}"), "rating": row["rating"]}
        for row in db.query(
            "select answers, rating from experiences where clinic_id = ? and state = 'published'",
            [clinic_id],
        )
    ]


def published_experiences(
    db: sqlite_utils.Database, clinic_id: str, *, limit: int, offset: int = 0
) -> list[dict]:
    """Return a clinic's published experiences, newest first, each with its reply if any."""
    rows = db.query(
        "select e.*, r.body as reply_body, r.created_at as reply_at from experiences e "
        "left join experience_replies r on r.experience_id = e.id "
        "where e.clinic_id = ? and e.state = 'published' "
        "order by e.published_at desc, e.id desc limit ? offset ?",
        [clinic_id, limit, offset],
    )
    return [_experience(row) for row in rows]


def published_counts(
    db: sqlite_utils.Database, clinic_ids: Iterable[str] | None
) -> dict[str, dict]:
    """Map clinics (all with None) with published experiences to {count, rating_sum, ever}.

    `ever` counts experiences ever published: it only grows, so it can version a document.
    """
    sql = (
        "select clinic_id, sum(state = 'published') as count, "
        "sum(case when state = 'published' then rating else 0 end) as rating_sum, "
        "count(published_at) as ever from experiences where published_at is not null"
    )
    args: list = []
    if clinic_ids is not None:
        ids = list(clinic_ids)
        if not ids:
            return {}
        sql += f" and clinic_id in ({_marks(ids)})"
        args = ids
    return {
        row["clinic_id"]: {k: row[k] for k in ("count", "rating_sum", "ever")}
        for row in db.query(sql + " group by clinic_id", args)
    }


def delete_unconfirmed(db: sqlite_utils.Database, before: str) -> int:
    """Delete experiences never confirmed, submitted before `before`; return how many."""
    return db.execute(
        "delete from experiences where state = 'unconfirmed' and created_at < ?", [before]
    ).rowcount


# Replies -----------------------------------------------------------------------------------------


def insert_reply(
    db: sqlite_utils.Database,
    *,
    experience_id: int,
    clinic_id: str,
    body: str,
    user_id: int,
    at: str,
) -> bool:
    """Store the clinic's reply; False when the experience already has one."""
    cursor = db.execute(
        "insert or ignore into experience_replies (experience_id, clinic_id, body, user_id, "
        "created_at) values (?, ?, ?, ?, ?)",
        [experience_id, clinic_id, body, user_id, at],
    )
    return cursor.rowcount == 1


# Photos ------------------------------------------------------------------------------------------


def insert_photo(db: sqlite_utils.Database, row: dict) -> int:
    return db["experience_photos"].insert(row).last_pk


def get_photo(db: sqlite_utils.Database, photo_id: int) -> dict | None:
    return first_row(db, "select * from experience_photos where id = ?", [photo_id])


def list_photos(db: sqlite_utils.Database, clinic_id: str, states: tuple[str, ...]) -> list[dict]:
    """Return a clinic's photo pairs in these states, newest first."""
    return all_rows(
        db,
        f"select * from experience_photos where clinic_id = ? and state in ({_marks(states)}) "
        "order by id desc",
        [clinic_id, *states],
    )


def pending_photos(db: sqlite_utils.Database) -> list[dict]:
    return all_rows(db, "select * from experience_photos where state = 'pending' order by id")


def decide_photo(db: sqlite_utils.Database, photo_id: int, **columns: Any) -> bool:
    """Approve or refuse a pending pair (state, decided_*, refusal_note); False if not pending."""
    return _move(db, "experience_photos", photo_id, "pending", **columns)


# Re-check flags ----------------------------------------------------------------------------------


def open_flags(db: sqlite_utils.Database, clinic_id: str | None = None) -> list[dict]:
    """Return the open flags (of one clinic, or all), oldest first."""
    sql, args = "select * from experience_flags where state = 'open'", []
    if clinic_id is not None:
        sql, args = sql + " and clinic_id = ?", [clinic_id]
    return all_rows(db, sql + " order by id", args)


def get_flag(db: sqlite_utils.Database, flag_id: int) -> dict | None:
    return first_row(db, "select * from experience_flags where id = ?", [flag_id])


def insert_flag(db: sqlite_utils.Database, row: dict) -> int:
    return db["experience_flags"].insert(row).last_pk


def answered_at_last_check(db: sqlite_utils.Database, clinic_id: str) -> dict[str, int]:
    """Map each item a moderator re-checked to the answers counted at its latest flag."""
    return {
        row["item_key"]: row["answered"]
        for row in db.query(
            "select item_key, max(answered) as answered from experience_flags "
            "where clinic_id = ? and state = 'resolved' group by item_key",
            [clinic_id],
        )
    }


def resolve_flag(db: sqlite_utils.Database, flag_id: int, **columns: Any) -> bool:
    """Close an open flag (outcome, resolved_at, resolved_by, note); False if it was not open."""
    return _move(db, "experience_flags", flag_id, "open", state="resolved", **columns)
