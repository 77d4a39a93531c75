"""Keep the search index following the store, and open it once per process."""

from __future__ import annotations

from datetime import date

import sqlite_utils
from flask import Flask, current_app

import index
from directory.clinics import storage
from directory.vetting.services import verified_item_keys_many
from directory.vocabulary import load_vocabulary
from index.documents import to_document

EXTENSION_KEY = "vetted.index"


def plain_vocabulary() -> dict:
    """Return the vocabulary as the plain data the index takes (shape in index/vocab.py)."""
    vocabulary = load_vocabulary()
    groups = vocabulary.synonym_groups()
    return {
        "treatments": {
            key: {
                "phrases": groups[key],
                "words": term.patient_words,
                "broader": term.broader,
                "label": term.label,
            }
            for key, term in vocabulary.treatments.items()
        },
        "concerns": {
            key: {
                "phrases": groups[key],
                "words": term.patient_words,
                "treatments": list(term.treatments),
                "label": term.label,
            }
            for key, term in vocabulary.concerns.items()
        },
        "general": list(vocabulary.general),
    }


def open_search_index(app: Flask) -> index.SearchIndex:
    """Return this process's index object, opening it on first use."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = index.open_index(
            app.config["INDEX_DIR"], vocabulary=plain_vocabulary()
        )
    return app.extensions[EXTENSION_KEY]


def get_index() -> index.SearchIndex:
    """Return the current app's index object."""
    return open_search_index(current_app)


def _documents(db: sqlite_utils.Database, clinics: list[dict]) -> list[dict]:
    """Index documents for these published clinics, with their verified checklist items."""
    verified = verified_item_keys_many(db, [c["id"] for c in clinics], date.today())
    return [to_document({**c, "verified_items": verified.get(c["id"], [])}) for c in clinics]


def documents_for(db: sqlite_utils.Database, clinic_ids: list[str]) -> tuple[list[dict], list[str]]:
    """Return (documents to index, ids to remove) for these clinics."""
    found = {c["id"]: c for c in storage.get_clinics(db, clinic_ids)}
    published = [c for c in found.values() if c["status"] == "published"]
    gone = [i for i in clinic_ids if i not in {c["id"] for c in published}]
    return _documents(db, published), gone


def drain_outbox(
    db: sqlite_utils.Database, search_index: index.SearchIndex, batch: int = 500
) -> int:
    """Apply every pending store change to the index; return how many clinics were touched."""
    total = 0
    # One drain at a time across processes: each reads the store only once it holds the
    # lock, so an older read can never be written over a newer one.
    with search_index.exclusive():
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


def published_documents(db: sqlite_utils.Database, batch: int = 500):
    """Yield the index document of every published clinic."""
    chunk: list[dict] = []
    for clinic in storage.iter_clinics(db):
        if clinic["status"] == "published":
            chunk.append(clinic)
        if len(chunk) >= batch:
            yield from _documents(db, chunk)
            chunk = []
    yield from _documents(db, chunk)


def rebuild_index(db: sqlite_utils.Database, search_index: index.SearchIndex) -> int:
    """Build a fresh index from the store and swap it in; return how many documents."""
    # Pending changes older than the rebuild are in its snapshot; changes another process
    # applies to the live index meanwhile are replayed by the index's journal; whatever is
    # still pending afterwards is drained.
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
    with search_index.exclusive():  # as drain_outbox: read the store only under the lock
        report = check_index(db, search_index)
        ids = sorted(set(report.missing) | set(report.stale))
        docs, gone = documents_for(db, ids)
        if docs:
            search_index.index_clinics(docs)
        if report.extra or gone:
            search_index.remove_clinics(sorted(set(report.extra) | set(gone)))
    return report
