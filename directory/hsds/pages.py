"""The HSDS API's use cases: pages of organizations, services and services at locations,
and single documents, for published clinics only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from directory.hsds import documents, mapping, storage
from directory.hsds.documents import Index
from directory.hsds.services import clinic_tables
from directory.vocabulary import Vocabulary


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
    clinic_id = found["clinic_id"] if found else None
    return _full_document(db, clinic_id, vocabulary, documents.service_full, "service", service)


def organization_document(
    db: sqlite_utils.Database, org_id: str, *, vocabulary: Vocabulary
) -> dict | None:
    """Return the full document of one published organization, or None."""
    clinic_id = find_clinic(db, org_id)
    return _full_document(
        db, clinic_id, vocabulary, documents.organization_full, "organization", org_id
    )


def _full_document(
    db: sqlite_utils.Database,
    clinic_id: str | None,
    vocabulary: Vocabulary,
    shape: Callable[[Index, dict], dict],
    table: str,
    hsds_id: str,
) -> dict | None:
    """Return shape's document of the row hsds_id of table, built from its clinic; None if none."""
    if clinic_id is None:
        return None
    index = _index(db, [clinic_id], vocabulary)
    return shape(index, index.by_id[table][hsds_id])
