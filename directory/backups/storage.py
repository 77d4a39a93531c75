"""The SQL a backup needs: SQLite's online copy, its integrity check, and what the store holds."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

# sqlite-utils' record of applied migrations: not data.
BOOKKEEPING = {"_sqlite_migrations"}


def read_only(path: Path) -> sqlite3.Connection:
    """Open a store file for reading only, creating nothing beside it (no -wal, no -shm)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def online_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy a store page by page with SQLite's online backup API (consistent while in use)."""
    with closing(sqlite3.connect(target)) as out:
        source.backup(out)
        # A copy stands alone: no write-ahead log to carry beside it.
        out.execute("PRAGMA journal_mode=DELETE")


def integrity_problems(path: Path) -> list[str]:
    """Return what PRAGMA integrity_check finds wrong with a store file ([] when it is sound)."""
    with closing(read_only(path)) as conn:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def evidence_hashes(path: Path) -> dict[str, str]:
    """Return {stored_name: sha256} of every evidence file the store records."""
    with closing(read_only(path)) as conn:
        return dict(conn.execute("select stored_name, sha256 from evidence_files"))


def data_tables_with_rows(conn: sqlite3.Connection) -> list[str]:
    """Return the tables that hold at least one row (migration bookkeeping aside)."""
    names = [
        row[0]
        for row in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        )
    ]
    return [
        name
        for name in names
        if name not in BOOKKEEPING
        and conn.execute(f"select exists (select 1 from [{name}])").fetchone()[0]
    ]
