"""Query helpers every storage module shares: the first row of a query, or all of its rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils


def first_row(db: sqlite_utils.Database, sql: str, args: Sequence[Any] = ()) -> dict | None:
    """Return the first row the query yields, or None."""
    found = all_rows(db, sql, args)
    return found[0] if found else None


def all_rows(db: sqlite_utils.Database, sql: str, args: Sequence[Any] = ()) -> list[dict]:
    """Return every row the query yields."""
    return list(db.query(sql, args))
