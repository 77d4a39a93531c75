"""The SQLite store: opening connections, migrations, and the per-context handle."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
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


def connect(path: str | Path | None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open the store at path (None for a private in-memory one), ready to use."""
    if path is None:
        db = sqlite_utils.Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A long busy timeout: gunicorn workers and the CLI share this file.
        conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    if migrate:
        apply_migrations(db)
    return db


def apply_migrations(db: sqlite_utils.Database) -> None:
    """Bring the schema up to date; safe to call any number of times."""
    for migrations in MIGRATIONS:
        migrations.apply(db)


def get_db() -> sqlite_utils.Database:
    """Return this request's (or command's) store handle, opening it on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"], migrate=False)
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
    """Migrate the store once at start, and close handles after each request."""
    connect(app.config["DATABASE"]).close()
    app.teardown_appcontext(close_db)
