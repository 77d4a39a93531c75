"""The append-only ledger of every change: who did what, to what, when, before and after."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from directory.schema import create_table, migration_set


def m001_events(db: sqlite_utils.Database) -> None:
    create_table(
        db,
        "events",
        {
            "at": str,
            "actor": str,
            "action": str,
            "target_type": str,
            "target_id": str,
            "before": str,
            "after": str,
            "reason": str,
        },
        indexes=[("target_type", "target_id"), ("action",)],
    )
    # The ledger is append-only at the database level, not just in the application.
    db.execute(
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the events ledger is append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the events ledger is append-only'); END"""
    )


def m002_events_no_overwrite(db: sqlite_utils.Database) -> None:
    # REPLACE and INSERT OR REPLACE delete the old row without firing the delete trigger
    # (unless recursive_triggers is on), so an insert over an existing id must be refused too.
    refuse_rewrites(db, "events", message="the events ledger is append-only", triggers=("insert",))


migrations = migration_set("events", m001_events, m002_events_no_overwrite)


def refuse_rewrites(
    db: sqlite_utils.Database,
    table: str,
    *,
    message: str,
    may_change: tuple[str, ...] = (),
    change_allowed_when: str = "0",
    triggers: tuple[str, ...] = ("insert", "update", "delete"),
) -> None:
    """Create triggers that keep a table's rows as written (docs/ledger.md says which).

    Refused: an insert whose key (primary or unique) already exists, which is how REPLACE,
    INSERT OR REPLACE and upserts rewrite a row; every delete; every update, except one that
    changes only `may_change` columns while `change_allowed_when` (SQL over OLD/NEW) holds.
    """
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    if "insert" in triggers:
        unique = [index for index in db[table].indexes if index.unique and not index.partial]
        keys = {tuple(db[table].pks)} | {tuple(index.columns) for index in unique}
        # "=" rather than "IS": like a UNIQUE constraint, a NULL key never matches.
        taken = " OR ".join(
            f"EXISTS (SELECT 1 FROM [{table}] WHERE "
            + " AND ".join(f"[{column}] = NEW.[{column}]" for column in key)
            + ")"
            for key in sorted(keys)
        )
        db.execute(
            f"CREATE TRIGGER [{table}_no_overwrite] BEFORE INSERT ON [{table}] "
            f"WHEN {taken} {raise_}"
        )
    if "update" in triggers:
        frozen = [column for column in db[table].columns_dict if column not in may_change]
        changed = " OR ".join(f"NEW.[{column}] IS NOT OLD.[{column}]" for column in frozen)
        db.execute(
            f"CREATE TRIGGER [{table}_no_update] BEFORE UPDATE ON [{table}] "
            f"WHEN {changed} OR NOT ({change_allowed_when}) {raise_}"
        )
    if "delete" in triggers:
        db.execute(f"CREATE TRIGGER [{table}_no_delete] BEFORE DELETE ON [{table}] {raise_}")


def utcnow() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_event(
    db: sqlite_utils.Database,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    at: str | None = None,
) -> int:
    """Append one event to the ledger and return its id."""
    row = {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "before": _dump(before),
        "after": _dump(after),
        "reason": reason,
    }
    # A plain INSERT: sqlite-utils' insert reads the table's columns on every call, which
    # cost bulk writers (import, the demo) a fifth of their time.
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    cursor = db.execute(f"insert into events ({columns}) values ({marks})", list(row.values()))
    return cursor.lastrowid


def list_events(
    db: sqlite_utils.Database, *, target_type: str | None = None, target_id: str | None = None
) -> list[dict]:
    """Return events, oldest first, optionally for one target."""
    where, args = [], []
    if target_type:
        where.append("target_type = ?")
        args.append(target_type)
    if target_id:
        where.append("target_id = ?")
        args.append(str(target_id))
    rows = db["events"].rows_where(" and ".join(where) or None, args, order_by="id")
    out = []
    for row in rows:
        row = dict(row)
        for key in ("before", "after"):
            row[key] = json.loads(row[key]) if row[key] else None
        out.append(row)
    return out
