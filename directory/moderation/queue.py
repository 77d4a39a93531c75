"""The one queue of moderation work, ordered by risk and by the promise made (service levels).

The queue is a list of sources (SOURCES), one per kind of work. A source is a function
`source(db) -> Iterable[QueueEntry]` that yields one entry per item waiting, filling in:

    kind       the source's key in SOURCES ("claim", "report", ...)
    ref        what the item's page is addressed by (a request id, "clinic/item", ...)
    clinic_id  the clinic it is about
    since      when it started waiting (a UTC ISO timestamp)
    title      what is to be decided, in words (the moderators' pages are English)
    endpoint   the page that decides it, and `args` for url_for(endpoint, **args)
    risk       "high" | "medium" | "low" | None (None: not about harm)
    untriaged  True for a patient report nobody has looked at yet
    item_key   a checklist item, when the entry is about one (the item filter uses it)
    detail     a second line for the row (optional)

The queue fills in the rest (clinic name and country, due time, band, age, conflicts) and
orders it: untriaged reports and high-risk work first, then medium risk, then everything else;
within each band, by how far past its service level it is (directory/moderation/
service-levels.toml, by kind and risk). Adding a kind of work is one source, and a row in the
service-levels file when the default level does not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from directory.accounts.services import list_ownership_requests, list_pending_listings
from directory.clinics.storage import count_by_country
from directory.experiences import services as experiences
from directory.moderation import reports, storage
from directory.moderation.service_levels import as_datetime, load_levels
from directory.moderation.services import Moderator
from directory.vetting.services import list_claims

PAGE = 50
CLAIMS_BATCH = 500  # claims fetched per call of the vetting list
BANDS = {"high": 0, "medium": 1}  # untriaged reports are band 0 too; everything else 2


@dataclass
class QueueEntry:
    """One item of work (the module docstring says who fills in what)."""

    kind: str
    ref: str
    clinic_id: str
    since: str
    title: str
    endpoint: str
    args: dict = field(default_factory=dict)
    risk: str | None = None
    untriaged: bool = False
    item_key: str | None = None
    detail: str | None = None
    # Filled in by the queue.
    clinic_name: str = ""
    country: str | None = None
    due: datetime | None = None
    band: int = 2
    overdue: bool = False
    age: str = ""
    due_text: str = ""
    conflict: bool = False


@dataclass(frozen=True)
class Source:
    label: str  # how the queue names this kind of work
    entries: Callable[[sqlite_utils.Database], Iterable[QueueEntry]]


def _claims(db: sqlite_utils.Database) -> Iterable[QueueEntry]:
    offset = 0
    while True:
        page = list_claims(db, states=("pending_review",), limit=CLAIMS_BATCH, offset=offset)
        for c in page:
            yield QueueEntry(
                kind="claim",
                ref=f"{c['clinic_id']}/{c['item_key']}",
                clinic_id=c["clinic_id"],
                since=c.get("clinic_changed_at") or c.get("updated_at") or "",
                title=c.get("title") or c["item_key"],
                endpoint="moderation.review",
                args={"clinic_id": c["clinic_id"], "item_key": c["item_key"]},
                item_key=c["item_key"],
                detail=", ".join(sorted({e["kind"] for e in c.get("evidence") or []})) or None,
            )
        if len(page) < CLAIMS_BATCH:
            return
        offset += CLAIMS_BATCH


def _requests(kind: str, title: str, rows: list[dict]) -> Iterable[QueueEntry]:
    for row in rows:
        yield QueueEntry(
            kind=kind,
            ref=str(row["id"]),
            clinic_id=row["clinic_id"],
            since=row.get("created_at") or "",
            title=title,
            endpoint=f"moderation.{kind}",
            args={"request_id": row["id"]},
            detail=row.get("user_email"),
        )


def _listings(db: sqlite_utils.Database) -> Iterable[QueueEntry]:
    return _requests("listing", "New listing", list_pending_listings(db))


def _ownership(db: sqlite_utils.Database) -> Iterable[QueueEntry]:
    return _requests("ownership", "Ownership request", list_ownership_requests(db, "pending"))


def _reports(db: sqlite_utils.Database) -> Iterable[QueueEntry]:
    for row in storage.list_reports(db, state="open"):
        yield QueueEntry(
            kind="report",
            ref=str(row["id"]),
            clinic_id=row["clinic_id"],
            since=row["created_at"],
            title=reports.CATEGORIES.get(row["category"], row["category"]),
            endpoint="moderation.report",
            args={"report_id": row["id"]},
            # A report of harm counts as high risk until a moderator says otherwise.
            risk=reports.presumed_risk(row["category"]),
            untriaged=True,
            detail=f"Reference {row['reference']}" if row.get("reference") else None,
        )


def _experiences(db: sqlite_utils.Database) -> Iterable[QueueEntry]:
    # Patients' experiences, photos and re-checks (directory/experiences: its own review page).
    for entry in experiences.queue_entries(db):
        yield QueueEntry(
            **entry, endpoint="experiences_moderation.open_entry", args={"ref": entry["ref"]}
        )


# Every kind of work, in the order the queue's filters list them.
SOURCES: dict[str, Source] = {
    "report": Source("Patient reports", _reports),
    "claim": Source("Claims to review", _claims),
    "listing": Source("New listings", _listings),
    "ownership": Source("Ownership requests", _ownership),
    "experience": Source("Patient experiences", _experiences),
}
KINDS = {key: source.label for key, source in SOURCES.items()}


def span(seconds: int) -> str:
    """Return a duration in its largest whole unit ("3 days", "1 hour"), or "a moment"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "a moment"


def age(since: str | None, now: datetime) -> str:
    """Return how long ago since was, in the largest whole unit (e.g. '3 days')."""
    then = as_datetime(since)
    if then is None:
        return "unknown"
    seconds = max(0, int((now - then).total_seconds()))
    return "just now" if seconds < 60 else span(seconds)


def due_text(due: datetime | None, now: datetime) -> str:
    """Say when an item is due: "due in 5 hours", or "overdue by 2 days"."""
    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    return f"due in {span(seconds)}" if seconds >= 0 else f"overdue by {span(-seconds)}"


def _settle(entries: list[QueueEntry], db: sqlite_utils.Database, now: datetime) -> None:
    """Fill in each entry's clinic, due time, band and wording."""
    levels = load_levels()
    clinics = storage.clinic_summaries(db, sorted({e.clinic_id for e in entries}))
    for entry in entries:
        clinic = clinics.get(entry.clinic_id) or {}
        entry.clinic_name = clinic.get("name") or entry.clinic_id
        entry.country = clinic.get("country")
        since = as_datetime(entry.since)
        # Work of unknown age is treated as due now: it must not hide at the bottom.
        entry.due = levels.due(entry.kind, entry.risk, since) if since else now
        entry.band = 0 if entry.untriaged else BANDS.get(entry.risk or "", 2)
        entry.overdue = entry.due < now
        entry.age = age(entry.since, now)
        entry.due_text = due_text(entry.due, now)


def all_entries(db: sqlite_utils.Database, now: datetime | None = None) -> list[QueueEntry]:
    """Return every item of work, settled and in the queue's order."""
    now = now or datetime.now(UTC)
    entries = [entry for source in SOURCES.values() for entry in source.entries(db)]
    _settle(entries, db, now)
    entries.sort(key=lambda e: (e.band, e.due, e.since, e.kind, e.ref))
    return entries


def overdue_count(db: sqlite_utils.Database, now: datetime | None = None) -> int:
    """Count the items past their service level (the back office's header shows it)."""
    return sum(1 for entry in all_entries(db, now) if entry.overdue)


def work_queue(
    db: sqlite_utils.Database,
    moderator: Moderator | None = None,
    *,
    kind: str | None = None,
    country: str | None = None,
    item: str | None = None,
    page: int = 1,
    now: datetime | None = None,
) -> dict:
    """Return one page of the queue, filtered, with counts per kind and the overdue count.

    Counts follow the country and item filters but not the kind filter, so each kind's count
    says what choosing it would show. An item filter keeps only claims (nothing else has one).
    A page past the end shows the last page.
    """
    entries = all_entries(db, now)
    if country:
        entries = [e for e in entries if (e.country or "").upper() == country.upper()]
    if item:
        entries = [e for e in entries if e.item_key == item]
    counts = {k: 0 for k in SOURCES}
    for entry in entries:
        counts[entry.kind] += 1
    if kind:
        entries = [e for e in entries if e.kind == kind]
    pages = max(1, -(-len(entries) // PAGE))
    page = min(max(1, page), pages)
    shown = entries[(page - 1) * PAGE : page * PAGE]
    if moderator is not None:
        conflicted = {c["clinic_id"] for c in storage.list_conflicts(db, moderator.id)}
        for entry in shown:
            entry.conflict = entry.clinic_id in conflicted
    return {
        "entries": shown,
        "counts": counts,
        "total": sum(counts.values()),
        "matching": len(entries),
        "overdue": sum(1 for e in entries if e.overdue),
        "page": page,
        "pages": pages,
    }


def queue_countries(db: sqlite_utils.Database) -> list[str]:
    """Return the countries that have clinics (for the queue's filter)."""
    return sorted({row["country"] for row in count_by_country(db) if row["country"]})
