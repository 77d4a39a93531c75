"""Declaring a domain's schema: its migration set, and tables with their keys and indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

Step = Callable[[sqlite_utils.Database], None]


def migration_set(domain: str, *steps: Step) -> Migrations:
    """Return a domain's migrations: each step under its function's name, in the order given.

    Deployed stores record each applied step by that name, so a step is never renamed.
    """
    migrations = Migrations(f"vetted.{domain}")
    for step in steps:
        migrations()(step)
    return migrations


def create_table(
    db: sqlite_utils.Database,
    name: str,
    columns: Mapping[str, type],
    *,
    pk: str | tuple[str, ...] = "id",
    references: Mapping[str, str] | None = None,
    foreign_keys: Iterable[tuple] = (),
    indexes: Iterable[tuple[str, ...]] = (),
    unique: Iterable[tuple[str, ...]] = (),
    **options: Any,
) -> None:
    """Create a table, then its indexes (plain ones first).

    With the default pk "id", an integer id column comes first. references maps a column to
    the table whose id it holds; foreign_keys lists any other (compound) keys.
    """
    if pk == "id":
        columns = {"id": int, **columns}
    keys = [*foreign_keys, *((column, table, "id") for column, table in (references or {}).items())]
    db[name].create(columns, pk=pk, foreign_keys=keys or None, **options)
    for index in indexes:
        db[name].create_index(list(index))
    for index in unique:
        db[name].create_index(list(index), unique=True)
