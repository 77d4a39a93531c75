"""Query helpers every storage module shares: the first row of a query, or all of its rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils
from sqlite_utils.utils import dedupe_keys


def _select(db: sqlite_utils.Database, sql: str, args: Sequence[Any]) -> tuple[list, Any]:
    # Straight to the cursor: db.query wraps every statement in a savepoint of its own (three
    # statements for one read), a fifth of the SQLite time of bulk writers that read as they go.
    cursor = db.conn.execute(sql, args)
    return dedupe_keys(d[0] for d in cursor.description), cursor


def first_row(db: sqlite_utils.Database, sql: str, args: Sequence[Any] = ()) -> dict | None:
    """Return the first row the query yields, or None (the rest are never read)."""
    keys, cursor = _select(db, sql, args)
    row = cursor.fetchone()
    cursor.close()
    return None if row is None else dict(zip(keys, row, strict=True))


def all_rows(db: sqlite_utils.Database, sql: str, args: Sequence[Any] = ()) -> list[dict]:
    """Return every row the query (a SELECT) yields."""
    keys, cursor = _select(db, sql, args)
    return [dict(zip(keys, row, strict=True)) for row in cursor]
