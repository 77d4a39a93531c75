"""HSDS use cases: the directory as HSDS documents and tables, and HSDS files into clinics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from directory.clinics import services as clinics
from directory.experiences import services as experiences
from directory.hsds import checks, documents, importing, mapping, reading, storage
from directory.hsds.documents import Index
from directory.vetting import services as vetting
from directory.vocabulary import Vocabulary

JSON, PACKAGE = "hsds-json", "hsds-datapackage"
FORMATS = (JSON, PACKAGE)
BATCH = 200


def _vetting(db: sqlite_utils.Database, clinic_id: str, today: date) -> dict:
    result = vetting.score_for(db, clinic_id, today)
    return {
        "score": result.score,
        "core_verified": result.core_verified,
        "items": [
            {
                "key": item.key,
                "state": item.state,
                "verified_at": item.verified_at and item.verified_at.isoformat(),
                "fades_from": item.fades_from and item.fades_from.isoformat(),
                "expires_at": item.expires_at and item.expires_at.isoformat(),
            }
            for item in result.items
        ],
    }


def clinic_tables(
    db: sqlite_utils.Database,
    clinic_ids: list[str],
    *,
    today: date,
    vocabulary: Vocabulary,
    modified: dict[str, str] | None = None,
) -> mapping.Rows:
    """Return the HSDS rows of these published clinics, with the taxonomies they use."""
    modified = storage.modified_times(db, clinic_ids) if modified is None else modified
    out = mapping.Rows({}, set())
    for clinic in clinics.get_clinics(db, clinic_ids):
        if clinic["status"] != "published":
            continue
        rows = mapping.clinic_rows(
            clinic,
            vocabulary=vocabulary,
            vetting=_vetting(db, clinic["id"], today),
            experiences=experiences.aggregates(db, clinic["id"]),
            modified=modified.get(clinic["id"]),
        )
        for table, items in rows.tables.items():
            out.tables.setdefault(table, []).extend(items)
        out.terms |= rows.terms
    add_taxonomies(out, vocabulary)
    return out


def add_taxonomies(rows: mapping.Rows, vocabulary: Vocabulary) -> None:
    """Add the taxonomy and taxonomy_term rows of the terms the rows use."""
    versions = {"vetted-treatments": str(vocabulary.version)}
    terms = sorted(rows.terms)
    rows.tables["taxonomy_term"] = [mapping.term_row(t, c, vocabulary) for t, c in terms]
    rows.tables["taxonomy"] = [
        mapping.taxonomy_row(key, versions.get(key)) for key in sorted({t for t, _ in terms})
    ]


def published_pages(db: sqlite_utils.Database, size: int = BATCH) -> Iterator[list[str]]:
    """Yield the ids of every published clinic, by id, a page at a time."""
    offset = 0
    while True:
        rows, _ = storage.list_clinics(db, modified_after=None, limit=size, offset=offset)
        if not rows:
            return
        yield [r["id"] for r in rows]
        offset += size


# -- import ------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, so that everything is rolled back."""


@dataclass
class HsdsImportReport:
    """What an HSDS import did: per-organization outcomes, every fault and warning."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: list[importing.OrgRecord] = field(default_factory=list)

    @property
    def organizations(self) -> int:
        return len(self.records)

    def summary(self) -> str:
        order = (clinics.CREATED, clinics.UPDATED, clinics.UNCHANGED, "rejected")
        parts = ", ".join(f"{self.counts.get(k, 0)} {k}" for k in order)
        return f"{self.organizations} organizations: {parts}"


def read_records(path: Path, fmt: str, vocabulary: Vocabulary) -> HsdsImportReport:
    """Read and check HSDS files into one record per organization, writing nothing."""
    reader = reading.read_json if fmt == JSON else reading.read_package
    rows, notes = reader(path)
    tables = checks.merge_rows(rows)
    checks.check_links(tables)
    records, stray = importing.build_records(tables, vocabulary)
    report = HsdsImportReport(notes=notes, records=records)
    seen: dict[str, importing.OrgRecord] = {}
    for record in records:
        first = seen.setdefault(record.clinic_id or record.org_id, record)
        if first is not record and not record.errors:
            record.errors.append(
                checks.Problem(
                    record.origin,
                    "organization",
                    record.org_id,
                    "id",
                    f"is the same clinic ({record.clinic_id}) as organization {first.org_id}",
                )
            )
        for problem in record.errors:
            report.errors.append(f"{problem} (organization {record.org_id} rejected)")
        report.warnings.extend(str(p) for p in record.warnings)
    report.errors.extend(f"{p} (record rejected)" for p in stray)
    return report


def import_hsds(
    db: sqlite_utils.Database,
    path: Path,
    fmt: str,
    *,
    vocabulary: Vocabulary,
    actor: str,
    reason: str | None = None,
    dry_run: bool = False,
) -> HsdsImportReport:
    """Import every faultless organization as a clinic, all in one transaction."""
    report = read_records(path, fmt, vocabulary)
    good = [r for r in report.records if not r.errors]
    report.counts["rejected"] = len(report.records) - len(good)
    outcomes: list[str] = []
    try:
        with db.atomic():
            outcomes = clinics.save_profiles(
                db, [r.profile for r in good], actor=actor, reason=reason
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    for outcome in outcomes:
        report.counts[outcome] = report.counts.get(outcome, 0) + 1
    return report


# -- export ------------------------------------------------------------------------------------


def export_documents(
    db: sqlite_utils.Database, *, today: date, vocabulary: Vocabulary
) -> Iterator[tuple[str, str, dict]]:
    """Yield ("organizations" | "services", id, document) for every published clinic."""
    modified = storage.all_modified_times(db)
    for ids in published_pages(db):
        rows = clinic_tables(db, ids, today=today, vocabulary=vocabulary, modified=modified)
        index = Index(rows.tables)
        for org in rows.tables.get("organization", []):
            yield "organizations", org["id"], documents.organization_full(index, org)
        for service in rows.tables.get("service", []):
            yield "services", service["id"], documents.service_full(index, service)


def export_tables(
    db: sqlite_utils.Database, *, today: date, vocabulary: Vocabulary
) -> Iterator[mapping.Rows]:
    """Yield the HSDS rows of every published clinic, a page at a time, taxonomies last."""
    modified = storage.all_modified_times(db)
    terms: set[tuple[str, str]] = set()
    for ids in published_pages(db):
        rows = clinic_tables(db, ids, today=today, vocabulary=vocabulary, modified=modified)
        terms |= rows.terms
        yield mapping.Rows({k: v for k, v in rows.tables.items() if "taxonomy" not in k}, set())
    last = mapping.Rows({}, terms)
    add_taxonomies(last, vocabulary)
    yield last
