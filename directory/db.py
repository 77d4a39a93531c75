"""The SQLite store: opening connections, migrations, and the per-context handle."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import sqlite_utils
from flask import Flask, current_app, g
from sqlite_utils.migrations import Migrations

from directory import events
from directory.accounts import migrations as accounts
from directory.clinics import migrations as clinics
from directory.experiences import migrations as experiences
from directory.moderation import migrations as moderation
from directory.notifications import migrations as notifications
from directory.registers import migrations as registers
from directory.vetting import migrations as vetting

# Every domain's migration set, in the order they must apply; each domain owns its schema.
MIGRATIONS: tuple[Migrations, ...] = (
    events.migrations,
    clinics.migrations,
    accounts.migrations,
    vetting.migrations,
    moderation.migrations,
    registers.migrations,
    notifications.migrations,
    experiences.migrations,
)
# app.extensions key: what to call with the handle when a context first opens the store.
OPENED = "vetted.store_opened"


class StoreNotReady(RuntimeError):
    """A read-only store cannot be served: missing, or its schema is older than this code."""


def connect(
    path: str | Path | None, *, migrate: bool = True, read_only: bool = False
) -> sqlite_utils.Database:
    """Open the store at path (None for a private in-memory one), ready to use.

    read_only opens an existing store for reading only (a read node's restored replica, which
    Litestream keeps writing): no journal mode set, no migrations, and SQLite refuses writes.
    """
    if path is None:
        db = sqlite_utils.Database(memory=True)
    elif read_only:
        db = sqlite_utils.Database(_open_read_only(Path(path)))
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A long busy timeout: gunicorn workers and the CLI share this file.
        conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    if migrate and not read_only:
        apply_migrations(db)
    return db


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreNotReady(f"No store at {path}: a read-only node serves a restored replica.")
    # Not immutable: Litestream applies the writer's changes to this file while it is open.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)


def check_current(path: str | Path) -> None:
    """Refuse a read-only store whose schema this code would still migrate."""
    with closing(connect(path, read_only=True)) as db:
        pending = [f"{m.name}: {p.name}" for m in MIGRATIONS for p in m.pending(db)]
    if pending:
        raise StoreNotReady(
            f"The store at {path} lacks {len(pending)} migration(s) this release needs "
            f"({'; '.join(pending[:3])}). A read-only node never migrates: upgrade the writer "
            "first, let its replica catch up, then start this node."
        )


def apply_migrations(db: sqlite_utils.Database) -> None:
    """Bring the schema up to date; safe to call any number of times."""
    for migrations in MIGRATIONS:
        migrations.apply(db)


def get_db() -> sqlite_utils.Database:
    """Return this request's (or command's) store handle, opening it on first use."""
    if "db" not in g:
        g.db = connect(
            current_app.config["DATABASE"],
            migrate=False,
            read_only=current_app.config.get("READ_ONLY", False),
        )
        for callback in current_app.extensions.get(OPENED, ()):
            callback(g.db)
    return g.db


def on_store_opened(app: Flask, callback: Callable[[sqlite_utils.Database], None]) -> None:
    """Call callback(handle) whenever a request or command first opens the store."""
    app.extensions.setdefault(OPENED, []).append(callback)


def close_db(exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    """Migrate the store once at start (read-only: check it needs none); close handles after use.

    Handles never outlive a request or a command: on a read node Litestream can apply the
    writer's changes only while no connection is open.
    """
    if app.config.get("READ_ONLY"):
        check_current(app.config["DATABASE"])
    else:
        connect(app.config["DATABASE"]).close()
    app.teardown_appcontext(close_db)
