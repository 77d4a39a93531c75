"""Register extracts in SQLite: replace one register's extract whole, look licences up."""

from __future__ import annotations

import sqlite_utils

from directory.events import utcnow
from directory.storage import first_row


def replace_extract(
    db: sqlite_utils.Database,
    register: str,
    *,
    source: str,
    extract_date: str | None,
    practitioners: list,
    skipped: int,
) -> None:
    """Swap in a new extract of one register (call inside a transaction)."""
    for table in ("register_licences", "register_practitioners", "register_extracts"):
        db.execute(f"delete from {table} where register = ?", [register])
    db["register_extracts"].insert(
        {
            "register": register,
            "source": source,
            "extract_date": extract_date,
            "loaded_at": utcnow(),
            "practitioners": len(practitioners),
            "skipped": skipped,
        }
    )
    db["register_practitioners"].insert_all(
        (
            {
                "register": register,
                "identifier": p.identifier,
                "name": p.name,
                "last_name": p.last_name,
                "credential": p.credential,
                "status": p.status,
                "deactivated_on": p.deactivated_on,
                "updated_on": p.updated_on,
            }
            for p in practitioners
        ),
        batch_size=500,
    )
    db["register_licences"].insert_all(
        (
            {"register": register, "identifier": p.identifier, **lic}
            for p in practitioners
            for lic in p.licences
        ),
        batch_size=500,
    )


def get_extract(db: sqlite_utils.Database, register: str) -> dict | None:
    return first_row(db, "select * from register_extracts where register = ?", [register])


def get_practitioner(db: sqlite_utils.Database, register: str, identifier: str) -> dict | None:
    """Return one practitioner of a register with their licences, or None."""
    rows = list(
        db.query(
            "select * from register_practitioners where register = ? and identifier = ?",
            [register, identifier],
        )
    )
    if not rows:
        return None
    licences = db.query(
        "select * from register_licences where register = ? and identifier = ? order by position",
        [register, identifier],
    )
    return {**rows[0], "licences": list(licences)}


def find_by_licence(
    db: sqlite_utils.Database, register: str, state: str | None, key: str
) -> list[str]:
    """Return the identifiers of practitioners holding this licence (in this state, if given)."""
    sql = "select distinct identifier from register_licences where register = ? and licence_key = ?"
    args = [register, key]
    if state:
        sql += " and state = ?"
        args.append(state)
    return [row[0] for row in db.execute(sql + " order by identifier", args)]
