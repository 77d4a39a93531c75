"""HSDS use cases: the directory as HSDS documents and tables, and HSDS files into clinics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from directory.clinics import services as clinics
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


# -- the HSDS API --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int
    modified_after: str | None = None


def _page(request: PageRequest, total: int, contents: list[dict]) -> dict:
    pages = max(1, -(-total // request.per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": request.page,
        "size": len(contents),
        "first_page": request.page == 1,
        "last_page": request.page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _offset(request: PageRequest) -> int:
    return (request.page - 1) * request.per_page


def _index(db: sqlite_utils.Database, clinic_ids: list[str], vocabulary: Vocabulary) -> Index:
    rows = clinic_tables(db, sorted(set(clinic_ids)), today=date.today(), vocabulary=vocabulary)
    return Index(rows.tables)


def find_clinic(db: sqlite_utils.Database, org_id: str) -> str | None:
    """Return the published clinic whose HSDS organization id this is, or None."""
    # uuid5 cannot be reversed: hash every published id (0.2 s a request on the NHS list).
    clinic_ids = {clinic_id for clinic_id, _ in storage.published_pairs(db)}
    return next((c for c in clinic_ids if mapping.organization_id(c) == org_id), None)


def _find_treatment(db: sqlite_utils.Database, service: str) -> dict | None:
    for clinic_id, treatment in storage.published_pairs(db):
        if treatment is not None and mapping.service_id(clinic_id, treatment) == service:
            return {"clinic_id": clinic_id, "treatment": treatment}
    return None


def organizations_page(
    db: sqlite_utils.Database, request: PageRequest, *, vocabulary: Vocabulary
) -> dict:
    """Return one page of organizations (their one-to-one fields), by clinic id."""
    rows, total = storage.list_clinics(
        db, modified_after=request.modified_after, limit=request.per_page, offset=_offset(request)
    )
    index = _index(db, [r["id"] for r in rows], vocabulary)
    wanted = [mapping.organization_id(r["id"]) for r in rows]
    contents = [documents.plain("organization", index.by_id["organization"][w]) for w in wanted]
    return _page(request, total, contents)


def _treatments_page(
    db: sqlite_utils.Database, request: PageRequest, organization: str | None
) -> tuple[list[dict], int]:
    clinic_id = None
    if organization is not None:
        clinic_id = find_clinic(db, organization)
        if clinic_id is None:
            return [], 0
    return storage.list_treatments(
        db,
        modified_after=request.modified_after,
        clinic_id=clinic_id,
        limit=request.per_page,
        offset=_offset(request),
    )


def services_page(
    db: sqlite_utils.Database,
    request: PageRequest,
    *,
    vocabulary: Vocabulary,
    organization: str | None = None,
    full: bool = False,
) -> dict:
    """Return one page of services (a treatment at a clinic), summaries or full documents."""
    rows, total = _treatments_page(db, request, organization)
    index = _index(db, [r["clinic_id"] for r in rows], vocabulary)
    shape = documents.service_full if full else documents.service_summary
    contents = [
        shape(index, index.by_id["service"][mapping.service_id(r["clinic_id"], r["treatment"])])
        for r in rows
    ]
    return _page(request, total, contents)


def service_at_locations_page(
    db: sqlite_utils.Database,
    request: PageRequest,
    *,
    vocabulary: Vocabulary,
    organization: str | None = None,
) -> dict:
    """Return one page of services at locations (one per treatment: a clinic has one place)."""
    rows, total = _treatments_page(db, request, organization)
    index = _index(db, [r["clinic_id"] for r in rows], vocabulary)
    contents = [
        documents.service_at_location_summary(
            index,
            index.by_id["service_at_location"][
                mapping.hsds_id("service_at_location", r["clinic_id"], r["treatment"])
            ],
        )
        for r in rows
    ]
    return _page(request, total, contents)


def service_document(
    db: sqlite_utils.Database, service: str, *, vocabulary: Vocabulary
) -> dict | None:
    """Return the full document of one published service, or None."""
    found = _find_treatment(db, service)
    if found is None:
        return None
    index = _index(db, [found["clinic_id"]], vocabulary)
    return documents.service_full(index, index.by_id["service"][service])


def organization_document(
    db: sqlite_utils.Database, org_id: str, *, vocabulary: Vocabulary
) -> dict | None:
    """Return the full document of one published organization, or None."""
    clinic_id = find_clinic(db, org_id)
    if clinic_id is None:
        return None
    index = _index(db, [clinic_id], vocabulary)
    return documents.organization_full(index, index.by_id["organization"][org_id])
