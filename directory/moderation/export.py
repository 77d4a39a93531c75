"""The ledger as CSV for moderators, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from directory.db import connect
from directory.moderation import storage

COLUMNS = ("id", "at", "actor", "action", "target_type", "target_id", "before", "after", "reason")
# A cell starting with one of these is read as a formula by spreadsheet programs (CSV
# injection); tab and carriage return can hide such a start.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Return value as CSV cell text that no spreadsheet treats as a formula."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + value if value.startswith(FORMULA_START) else value


def ledger_csv(events: Iterable[dict]) -> Iterator[str]:
    """Yield the CSV text of these events, header first, in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for event in events:
        writer.writerow([safe_cell(event.get(c)) for c in COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def stream_ledger(database: str | Path, clinic_id: str | None = None) -> Iterator[str]:
    """Yield the ledger (or one clinic's part of it) as CSV, on a connection of its own.

    The response is streamed after the request's own store handle has been closed.
    """
    handle = connect(database, migrate=False, read_only=True)  # it only reads, on any node
    try:
        rows = (
            storage.clinic_events(handle, clinic_id) if clinic_id else storage.iter_events(handle)
        )
        yield from ledger_csv(rows)
    finally:
        handle.close()
