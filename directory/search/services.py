"""Keep the search index following the store, and open it once per process."""

from __future__ import annotations

import sqlite_utils
from flask import Flask, current_app

import index
from directory.clinics import storage
from index.documents import to_document

EXTENSION_KEY = "vetted.index"


def open_search_index(app: Flask) -> index.SearchIndex:
    """Return this process's index object, opening it on first use."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = index.open_index(app.config["INDEX_DIR"])
    return app.extensions[EXTENSION_KEY]


def get_index() -> index.SearchIndex:
    return open_search_index(current_app)


def documents_for(db: sqlite_utils.Database, clinic_ids: list[str]) -> tuple[list[dict], list[str]]:
    """Return (documents to index, ids to remove) for these clinics."""
    docs, gone = [], []
    found = {c["id"]: c for c in storage.get_clinics(db, clinic_ids)}
    for clinic_id in clinic_ids:
        clinic = found.get(clinic_id)
        if clinic is None or clinic["status"] != "published":
            gone.append(clinic_id)
        else:
            docs.append(to_document(clinic))
    return docs, gone


def drain_outbox(db: sqlite_utils.Database, search_index: index.SearchIndex, batch: int = 500) -> int:
    """Apply every pending store change to the index; return how many clinics were touched."""
    total = 0
    while True:
        pending = storage.peek_outbox(db, batch)
        if not pending:
            return total
        ids = sorted({row["clinic_id"] for row in pending})
        docs, gone = documents_for(db, ids)
        if docs:
            search_index.index_clinics(docs)
        if gone:
            search_index.remove_clinics(gone)
        # Only after the index has them: a crash before this line replays, never loses.
        storage.delete_outbox(db, pending[-1]["id"])
        total += len(ids)


def published_documents(db: sqlite_utils.Database):
    """Yield the index document of every published clinic."""
    for clinic in storage.iter_clinics(db):
        if clinic["status"] == "published":
            yield to_document(clinic)


def rebuild_index(db: sqlite_utils.Database, search_index: index.SearchIndex) -> int:
    """Build a fresh index from the store and swap it in; return how many documents."""
    # Changes that land during the rebuild stay in the outbox and are applied after the swap.
    mark = storage.peek_outbox(db, 1_000_000)
    count = search_index.rebuild(published_documents(db))
    if mark:
        storage.delete_outbox(db, mark[-1]["id"])
    drain_outbox(db, search_index)
    return count


def check_index(db: sqlite_utils.Database, search_index: index.SearchIndex) -> index.DriftReport:
    """Compare the index with the store: missing, stale and extra documents."""
    return search_index.check(storage.published_versions(db))


def repair_index(db: sqlite_utils.Database, search_index: index.SearchIndex) -> index.DriftReport:
    """Fix whatever check_index finds; return what was found."""
    report = check_index(db, search_index)
    ids = sorted(set(report.missing) | set(report.stale))
    docs, gone = documents_for(db, ids)
    if docs:
        search_index.index_clinics(docs)
    if report.extra or gone:
        search_index.remove_clinics(sorted(set(report.extra) | set(gone)))
    return report
