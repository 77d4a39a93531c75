"""The append-only ledger of every change: who did what, to what, when, before and after."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("vetted.events")


@migrations()
def m001_events(db: sqlite_utils.Database) -> None:
    db["events"].create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "target_type": str,
            "target_id": str,
            "before": str,
            "after": str,
            "reason": str,
        },
        pk="id",
    )
    db["events"].create_index(["target_type", "target_id"])
    db["events"].create_index(["action"])
    # The ledger is append-only at the database level, not just in the application.
    db.execute(
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the events ledger is append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the events ledger is append-only'); END"""
    )


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
    return db["events"].insert(row).last_pk


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
