"""A read node (VETTED_READ_ONLY=on): every write is refused with a 503 that says where to go.

The store is a restored replica that only Litestream writes (directory/db.py opens it
read-only). A request with a writing method is refused before anything else looks at it; a
write nobody foresaw on a reading request (SQLite's "attempt to write a readonly database")
gets the same answer instead of a 500. docs/deployment.md has the nginx rule that sends
writes to the writer, so people only meet this page when they reach a read node directly.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, render_template, request

from directory import errors

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refusal():
    """Answer a write on this node: 503, JSON for the API, a short page for people."""
    main_site = current_app.config["BASE_URL"]
    if errors.wants_json():
        return errors.json_error(
            503,
            "This copy of the directory is for reading: it cannot save changes. "
            f"Send them to {main_site}.",
        )
    return render_template("read_only.html", main_site=main_site), 503


def is_read_only_refusal(exc: sqlite3.OperationalError) -> bool:
    """Say whether SQLite refused a write because the store is open read-only."""
    return getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY")


def init_app(app: Flask) -> None:
    """On a read node, refuse writing methods and turn refused writes into the same 503."""
    if not app.config["READ_ONLY"]:
        return

    def refuse_writes():
        if request.method in WRITING_METHODS:
            return refusal()
        return None

    # First of all the hooks: CSRF checks and rate limits are about writes this node never takes.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_writes)

    @app.errorhandler(sqlite3.OperationalError)
    def write_refused(exc: sqlite3.OperationalError):
        return refusal() if is_read_only_refusal(exc) else errors.server_error(exc)
