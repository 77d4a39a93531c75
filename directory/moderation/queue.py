"""The one queue of moderation work: every kind, oldest first, filtered, counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from directory.accounts.services import list_ownership_requests, list_pending_listings
from directory.clinics.storage import count_by_country
from directory.experiences import services as experiences
from directory.moderation import reports, storage
from directory.moderation.services import Moderator
from directory.vetting.services import list_claims

KINDS = {
    "claim": "Claims to review",
    "listing": "New listings",
    "ownership": "Ownership requests",
    "report": "Patient reports",
    "experience": "Patient experiences",
}
QUEUE_PAGE = 500  # claims fetched per call of the vetting list


@dataclass
class QueueEntry:
    kind: str
    ref: str  # what the entry's page is addressed by
    clinic_id: str
    clinic_name: str
    country: str | None
    since: str  # when it started waiting (UTC timestamp)
    title: str
    item_key: str | None = None
    detail: str | None = None
    conflict: bool = False
    age: str = ""


def age(since: str | None, now: datetime) -> str:
    """Return how long ago since was, in the largest whole unit (e.g. '3 days')."""
    if not since:
        return "unknown"
    try:
        then = datetime.fromisoformat(since)
    except ValueError:
        return "unknown"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "just now"


def _pending_claims(db: sqlite_utils.Database) -> list[dict]:
    out, offset = [], 0
    while True:
        page = list_claims(db, states=("pending_review",), limit=QUEUE_PAGE, offset=offset)
        out.extend(page)
        if len(page) < QUEUE_PAGE:
            return out
        offset += QUEUE_PAGE


def _all_entries(db: sqlite_utils.Database) -> list[QueueEntry]:
    entries = [
        QueueEntry(
            kind="claim",
            ref=f"{c['clinic_id']}/{c['item_key']}",
            clinic_id=c["clinic_id"],
            clinic_name=c.get("clinic_name") or c["clinic_id"],
            country=None,
            since=c.get("clinic_changed_at") or c.get("updated_at") or "",
            title=c.get("title") or c["item_key"],
            item_key=c["item_key"],
            detail=", ".join(sorted({e["kind"] for e in c.get("evidence") or []})) or None,
        )
        for c in _pending_claims(db)
    ]
    requests = (
        ("listing", "New listing", list_pending_listings(db)),
        ("ownership", "Ownership request", list_ownership_requests(db, state="pending")),
    )
    for kind, title, rows in requests:
        entries.extend(
            QueueEntry(
                kind=kind,
                ref=str(row["id"]),
                clinic_id=row["clinic_id"],
                clinic_name=row.get("clinic_name") or row["clinic_id"],
                country=row.get("country"),
                since=row.get("created_at") or "",
                title=title,
                detail=row.get("user_email"),
            )
            for row in rows
        )
    for row in storage.list_reports(db, state="open"):
        entries.append(
            QueueEntry(
                kind="report",
                ref=str(row["id"]),
                clinic_id=row["clinic_id"],
                clinic_name=row["clinic_id"],
                country=None,
                since=row["created_at"],
                title=reports.CATEGORIES.get(row["category"], row["category"]),
            )
        )
    entries.extend(QueueEntry(**entry) for entry in experiences.queue_entries(db))
    clinics = storage.clinic_summaries(db, sorted({e.clinic_id for e in entries}))
    for entry in entries:
        clinic = clinics.get(entry.clinic_id) or {}
        entry.clinic_name = clinic.get("name") or entry.clinic_name
        entry.country = clinic.get("country") or entry.country
    return entries


def work_queue(
    db: sqlite_utils.Database,
    moderator: Moderator | None = None,
    *,
    kind: str | None = None,
    country: str | None = None,
    item: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Return the one queue of work, oldest first, filtered, with counts per kind.

    Counts follow the country and item filters but not the kind filter, so each kind's count
    says what choosing it would show. An item filter keeps only claims (nothing else has one).
    """
    entries = _all_entries(db)
    if country:
        entries = [e for e in entries if (e.country or "").upper() == country.upper()]
    if item:
        entries = [e for e in entries if e.item_key == item]
    counts = {k: 0 for k in KINDS}
    for entry in entries:
        counts[entry.kind] += 1
    if kind:
        entries = [e for e in entries if e.kind == kind]
    entries.sort(key=lambda e: (e.since, e.kind, e.ref))
    now = now or datetime.now(UTC)
    for entry in entries:
        entry.age = age(entry.since, now)
    if moderator is not None:
        conflicted = {c["clinic_id"] for c in storage.list_conflicts(db, moderator.id)}
        for entry in entries:
            entry.conflict = entry.clinic_id in conflicted
    return {"entries": entries, "counts": counts, "total": sum(counts.values())}


def queue_countries(db: sqlite_utils.Database) -> list[str]:
    """Return the countries that have clinics (for the queue's filter)."""
    return sorted({row["country"] for row in count_by_country(db) if row["country"]})
