"""Import clinic files: pick the reader, save the good records in batches, report each one.

The readers (jsonl.py, nhs.py) yield one records.Record per input line; import_records writes
the good ones through services.save_profiles, one transaction per batch.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import sqlite_utils

from directory.clinics import storage
from directory.clinics.jsonl import read_profiles
from directory.clinics.nhs import read_nhs_csv
from directory.clinics.profile import FieldError
from directory.clinics.records import Record
from directory.clinics.services import (
    CREATED,
    UNCHANGED,
    UPDATED,
    plan_profiles,
    save_profile,
    save_profiles,
)

FORMATS = ("jsonl", "nhs-csv")
SKIPPED, INVALID = "skipped", "invalid"
BATCH = 500


@dataclass
class Outcome:
    """What happened to one record, for the report."""

    line: int
    clinic_id: str | None
    outcome: str
    reasons: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        who = f"{self.clinic_id}: " if self.clinic_id else ""
        why = f": {'; '.join(self.reasons)}" if self.reasons else ""
        return f"line {self.line}: {who}{self.outcome}{why}"


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    details: list[Outcome] = field(default_factory=list)  # every record with something to say

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        order = (CREATED, UPDATED, UNCHANGED, SKIPPED, INVALID)
        parts = ", ".join(f"{self.counts[k]} {k}" for k in order)
        return f"{self.records} records: {parts}"


def open_reader(path: Path, fmt: str, db: sqlite_utils.Database) -> Iterator[Record]:
    """Return the reader for this format (the NHS reader needs to know what is stored)."""
    if fmt == "nhs-csv":
        return read_nhs_csv(path, stored=storage.names_and_postcodes(db))
    return read_profiles(path)


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while batch := list(islice(it, size)):
        yield batch


def import_records(
    db: sqlite_utils.Database,
    records: Iterable[Record],
    *,
    actor: str,
    reason: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Save every valid record (one transaction per batch); report what happened to each."""
    report = ImportReport()
    for batch in _batches(records, BATCH):
        good = [r for r in batch if r.profile is not None]
        if dry_run:
            outcomes = iter(plan_profiles(db, [r.profile for r in good]))
        else:
            outcomes = iter(_save_all(db, good, actor, reason))
        for r in batch:
            _tally(report, r, next(outcomes) if r.profile is not None else None)
        if on_progress:
            on_progress(batch[-1].line)
    return report


def _save_all(db, records: list[Record], actor: str, reason: str | None) -> list[str]:
    profiles = [r.profile for r in records]
    try:
        return save_profiles(db, profiles, actor=actor, reason=reason, batch=len(profiles) or 1)
    except sqlite3.IntegrityError:
        # The batch was rolled back whole: save one by one to find the record at fault.
        return [_save(db, r, actor, reason) for r in records]


def _save(db, record: Record, actor: str, reason: str | None) -> str:
    try:
        return save_profile(db, record.profile, actor=actor, reason=reason)
    except sqlite3.IntegrityError as exc:  # save_profile's transaction has undone this record
        record.errors = [FieldError("", f"could not be stored: {exc}")]
        return INVALID


def _tally(report: ImportReport, record: Record, outcome: str | None) -> None:
    if record.skipped:
        outcome, reasons = SKIPPED, [record.skipped]
    elif record.errors or outcome is None or outcome == INVALID:
        outcome, reasons = INVALID, [str(e) if e.field else e.reason for e in record.errors]
    else:
        reasons = [f"warning: {w}" for w in record.warnings]
    report.counts[outcome] += 1
    if reasons:
        clinic_id = record.profile["id"] if record.profile else record.clinic_id
        report.details.append(Outcome(record.line, clinic_id, outcome, reasons))


def find_invalid(records: Iterable[Record]) -> ImportReport:
    """Read every record without writing; report the invalid ones (for --strict)."""
    report = ImportReport()
    for record in records:
        if record.errors:
            _tally(report, record, INVALID)
        else:
            report.counts["valid"] += 1
    return report
