"""Read-only queries for HSDS: which published clinics and treatments changed, and when.

A clinic's last change is its latest ledger event, its own or one of its claims' (target
"clinic id:item key"), so a new verification also counts as a change to mirror.
"""

from __future__ import annotations

import sqlite_utils

from directory.storage import all_rows

# The clinic an event is about: its own events, and its claims' ("clinic id:item key").
_CLINIC_OF = (
    "case when target_type = 'clinic' then target_id "
    "else substr(target_id, 1, instr(target_id, ':') - 1) end"
)
_MODIFIED = f"""
with modified as (
  select {_CLINIC_OF} as clinic_id, max(at) as at
  from events where target_type in ('clinic', 'claim') group by 1
)
"""


def _where(modified_after: str | None) -> tuple[str, list]:
    if modified_after is None:
        return "c.status = 'published'", []
    # A set of ids built once (SQLite indexes it), not a join on a grouped view per row.
    changed = (
        f"select {_CLINIC_OF} from events where at >= ? and target_type in ('clinic', 'claim')"
    )
    return f"c.status = 'published' and c.id in ({changed})", [modified_after]


def list_clinics(
    db: sqlite_utils.Database, *, modified_after: str | None, limit: int, offset: int
) -> tuple[list[dict], int]:
    """Return one page of published clinics as {id, modified}, by id, and how many there are."""
    where, args = _where(modified_after)
    base = f"select c.id from clinics c where {where}"
    ids = [
        r[0] for r in db.execute(f"{base} order by c.id limit ? offset ?", [*args, limit, offset])
    ]
    total = db.execute(f"select count(*) from ({base})", args).fetchone()[0]
    modified = modified_times(db, ids)
    return [{"id": i, "modified": modified.get(i)} for i in ids], total


def list_treatments(
    db: sqlite_utils.Database,
    *,
    modified_after: str | None,
    clinic_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict], int]:
    """Return one page of (clinic id, treatment) pairs of published clinics, and their count."""
    where, args = _where(modified_after)
    if clinic_id is not None:
        where += " and c.id = ?"
        args.append(clinic_id)
    base = (
        "select c.id as clinic_id, t.treatment from clinics c "
        f"join clinic_treatments t on t.clinic_id = c.id where {where}"
    )
    rows = list(
        db.query(f"{base} order by c.id, t.treatment limit ? offset ?", [*args, limit, offset])
    )
    total = db.execute(f"select count(*) from ({base})", args).fetchone()[0]
    modified = modified_times(db, sorted({r["clinic_id"] for r in rows}))
    return [{**r, "modified": modified.get(r["clinic_id"])} for r in rows], total


def modified_times(db: sqlite_utils.Database, clinic_ids: list[str]) -> dict[str, str]:
    """Map each of these clinics to the time of its latest ledger event (two index lookups)."""
    out: dict[str, str] = {}
    for clinic_id in clinic_ids:
        own = db.execute(
            "select max(at) from events where target_type = 'clinic' and target_id = ?",
            [clinic_id],
        ).fetchone()[0]
        # Claims are "clinic id:item key": a range of the (target_type, target_id) index.
        claims = db.execute(
            "select max(at) from events where target_type = 'claim' "
            "and target_id > ? and target_id < ?",
            [f"{clinic_id}:", f"{clinic_id};"],
        ).fetchone()[0]
        latest = max((t for t in (own, claims) if t), default=None)
        if latest:
            out[clinic_id] = latest
    return out


def all_modified_times(db: sqlite_utils.Database) -> dict[str, str]:
    """Map every clinic with a ledger event to the time of its latest one."""
    return {row["clinic_id"]: row["at"] for row in db.query(f"{_MODIFIED} select * from modified")}


def events_after(db: sqlite_utils.Database, after_id: int, limit: int) -> list[dict]:
    """Return up to limit ledger events about clinics and claims with an id above after_id."""
    return all_rows(
        db,
        "select id, at, action, target_type, target_id, before, after from events "
        "where id > ? and target_type in ('clinic', 'claim') order by id limit ?",
        [after_id, limit],
    )


def has_events_after(db: sqlite_utils.Database, after_id: int) -> bool:
    sql = "select 1 from events where id > ? and target_type in ('clinic', 'claim') limit 1"
    return db.execute(sql, [after_id]).fetchone() is not None


def status_before(db: sqlite_utils.Database, clinic_id: str, event_id: int) -> str | None:
    """Return the clinic's status as the ledger last recorded it before this event."""
    row = db.execute(
        "select json_extract(after, '$.status') from events where target_type = 'clinic' "
        "and target_id = ? and id < ? and json_extract(after, '$.status') is not null "
        "order by id desc limit 1",
        [clinic_id, event_id],
    ).fetchone()
    return row[0] if row else None


def published_pairs(db: sqlite_utils.Database) -> list[tuple[str, str | None]]:
    """Return (clinic id, treatment or None) for every published clinic, for id look-ups."""
    return [
        (row[0], row[1])
        for row in db.execute(
            "select c.id, t.treatment from clinics c "
            "left join clinic_treatments t on t.clinic_id = c.id where c.status = 'published'"
        )
    ]
