"""Clinic rows in SQLite, read and written as profiles (the documented profile format)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from directory.clinics.profile import PRACTITIONER_KEYS
from directory.events import utcnow
from directory.storage import all_rows

# The practitioner columns besides prescriber, which is stored as 0 or 1.
PRACTITIONER_TEXT = tuple(key for key in PRACTITIONER_KEYS if key != "prescriber")
META_FIELDS = ("status", "version", "created_at", "updated_at")


def _profile_from_rows(row: dict, treatments: list[dict], languages: list[str], practitioners):
    lines = json.loads(row["address_lines"]) if row["address_lines"] else []
    location = None
    if row["lat"] is not None and row["lon"] is not None:
        location = {"lat": row["lat"], "lon": row["lon"]}
    return {
        "id": row["id"],
        "name": row["name"],
        "brand": row["brand"],
        "description": row["description"],
        "address": {
            "lines": lines,
            "city": row["city"],
            "region": row["region"],
            "postcode": row["postcode"],
            "country": row["country"],
        },
        "location": location,
        "contact": {"phone": row["phone"], "email": row["email"], "website": row["website"]},
        "opening_hours": row["opening_hours"],
        "external_ids": json.loads(row["external_ids"]) if row["external_ids"] else {},
        "languages": sorted(languages),
        "treatments": [
            {
                "key": t["treatment"],
                "price_from": t["price_from"],
                "price_to": t["price_to"],
                "currency": t["currency"],
            }
            for t in sorted(treatments, key=lambda t: t["treatment"])
        ],
        "practitioners": [
            {
                **{f: p[f] for f in PRACTITIONER_TEXT},
                "prescriber": bool(p["prescriber"]),
            }
            for p in practitioners
        ],
        "status": row["status"],
    }


def get_profile(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return one clinic as a profile, or None."""
    profiles = list(iter_profiles(db, ids=[clinic_id]))
    return profiles[0] if profiles else None


def get_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return one clinic as a profile plus its stored metadata (status, version, dates)."""
    clinics = get_clinics(db, [clinic_id])
    return clinics[0] if clinics else None


def get_clinics(db: sqlite_utils.Database, ids: list[str]) -> list[dict]:
    """Return these clinics (profile plus metadata) in the order of ids; unknown ids skipped."""
    rows = {r["id"]: r for r in _rows_for(db, ids)}
    by_id = {p["id"]: p for p in _profiles(db, list(rows.values()))}
    out = []
    for clinic_id in ids:
        if clinic_id in by_id:
            clinic = by_id[clinic_id]
            clinic.update({f: rows[clinic_id][f] for f in META_FIELDS})
            out.append(clinic)
    return out


def _rows_for(db: sqlite_utils.Database, ids: list[str]) -> list[dict]:
    out: list[dict] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        out.extend(db.query(f"select * from clinics where id in ({marks})", chunk))
    return out


def _profiles(db: sqlite_utils.Database, rows: list[dict]) -> list[dict]:
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    treatments: dict[str, list] = {i: [] for i in ids}
    languages: dict[str, list] = {i: [] for i in ids}
    practitioners: dict[str, list] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for t in db.query(f"select * from clinic_treatments where clinic_id in ({marks})", chunk):
            treatments[t["clinic_id"]].append(t)
        for lang in db.query(f"select * from clinic_languages where clinic_id in ({marks})", chunk):
            languages[lang["clinic_id"]].append(lang["language"])
        for p in db.query(
            f"select * from practitioners where clinic_id in ({marks}) order by position, id",
            chunk,
        ):
            practitioners[p["clinic_id"]].append(p)
    return [
        _profile_from_rows(r, treatments[r["id"]], languages[r["id"]], practitioners[r["id"]])
        for r in rows
    ]


def iter_profiles(
    db: sqlite_utils.Database, *, ids: Iterable[str] | None = None, batch: int = 500
) -> Iterator[dict]:
    """Yield profiles ordered by id (all, or only these ids)."""
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), batch):
            rows = _rows_for(db, wanted[start : start + batch])
            yield from _profiles(db, sorted(rows, key=lambda r: r["id"]))
        return
    last = ""
    while True:
        rows = list(
            db.query("select * from clinics where id > ? order by id limit ?", [last, batch])
        )
        if not rows:
            return
        yield from _profiles(db, rows)
        last = rows[-1]["id"]


def iter_clinics(db: sqlite_utils.Database, *, batch: int = 500) -> Iterator[dict]:
    """Yield every clinic (profile plus metadata) ordered by id."""
    last = ""
    while True:
        ids = [
            r["id"]
            for r in db.query(
                "select id from clinics where id > ? order by id limit ?", [last, batch]
            )
        ]
        if not ids:
            return
        yield from get_clinics(db, ids)
        last = ids[-1]


def all_ids(db: sqlite_utils.Database) -> list[str]:
    """Return every clinic id, ordered."""
    return [row[0] for row in db.execute("select id from clinics order by id").fetchall()]


def clinic_exists(db: sqlite_utils.Database, clinic_id: str) -> bool:
    return bool(db.execute("select 1 from clinics where id = ?", [clinic_id]).fetchone())


def published_versions(db: sqlite_utils.Database) -> dict[str, int]:
    """Map every published clinic's id to its version (what the index must hold)."""
    return {
        r["id"]: r["version"]
        for r in db.query("select id, version from clinics where status = 'published'")
    }


def write_profile(db: sqlite_utils.Database, profile: dict[str, Any], *, version: int) -> None:
    """Replace the stored rows of one clinic with this profile (no event, no outbox)."""
    write_profiles(db, [(profile, version)])


def get_version(db: sqlite_utils.Database, clinic_id: str) -> int | None:
    row = db.execute("select version from clinics where id = ?", [clinic_id]).fetchone()
    return row[0] if row else None


def set_status(db: sqlite_utils.Database, clinic_id: str, status: str) -> None:
    db.execute(
        "update clinics set status = ?, version = version + 1, updated_at = ? where id = ?",
        [status, utcnow(), clinic_id],
    )


def count_clinics(
    db: sqlite_utils.Database,
    *,
    statuses: tuple[str, ...] | None = ("published",),
    country: str | None = None,
) -> int:
    where, args = [], []
    if statuses is not None:
        where.append(f"status in ({','.join('?' * len(statuses))})")
        args.extend(statuses)
    if country:
        where.append("country = ?")
        args.append(country)
    sql = "select count(*) from clinics" + (" where " + " and ".join(where) if where else "")
    return db.execute(sql, args).fetchone()[0]


def count_by_country(db: sqlite_utils.Database) -> list[dict]:
    return all_rows(
        db,
        "select country, count(*) as n from clinics where status = 'published' "
        "group by country order by n desc, country",
    )


def enqueue_index(
    db: sqlite_utils.Database, clinic_ids: Iterable[str], *, actor: str | None = None
) -> None:
    """Note that these clinics changed (call inside the writing transaction).

    The outbox carries the change onward after commit: vetting reacts, then the index follows.
    """
    now = utcnow()
    with db.atomic():  # committed on its own when the caller forgot its transaction
        db.conn.executemany(
            "insert into outbox (clinic_id, created_at, actor) values (?, ?, ?)",
            [(cid, now, actor) for cid in clinic_ids],
        )


def peek_outbox(db: sqlite_utils.Database, limit: int = 1000, *, after: int = 0) -> list[dict]:
    """Return the oldest pending changes with an id above `after`."""
    return all_rows(
        db,
        "select id, clinic_id, actor from outbox where id > ? order by id limit ?",
        [after, limit],
    )


def delete_outbox(db: sqlite_utils.Database, up_to_id: int, *, after: int = 0) -> None:
    """Forget the pending changes with ids in (after, up_to_id]: they have been applied."""
    with db.atomic():
        db.execute("delete from outbox where id > ? and id <= ?", [after, up_to_id])


def outbox_latest_actors(db: sqlite_utils.Database, up_to_id: int) -> dict[str, str | None]:
    """Map each clinic with pending changes up to an id to the actor of its latest change."""
    # SQLite takes a bare column from the row that holds the max().
    rows = db.execute(
        "select clinic_id, actor, max(id) from outbox where id <= ? group by clinic_id "
        "order by clinic_id",
        [up_to_id],
    )
    return {clinic_id: actor for clinic_id, actor, _ in rows}


def outbox_size(db: sqlite_utils.Database) -> int:
    return db.execute("select count(*) from outbox").fetchone()[0]


def outbox_mark(db: sqlite_utils.Database) -> int:
    """Return the highest id the outbox has handed out (0 when it never has)."""
    row = db.execute("select seq from sqlite_sequence where name = 'outbox'").fetchone()
    return row[0] if row else 0


def outbox_clinic_count(db: sqlite_utils.Database, *, up_to_id: int | None = None) -> int:
    """Return how many distinct clinics have pending changes (up to an id, if given)."""
    sql, args = "select count(distinct clinic_id) from outbox", []
    if up_to_id is not None:
        sql, args = sql + " where id <= ?", [up_to_id]
    return db.execute(sql, args).fetchone()[0]


def names_and_postcodes(db: sqlite_utils.Database) -> dict[str, tuple[str, str | None]]:
    """Map every clinic's id to its (name, postcode), for spotting duplicates on import."""
    rows = db.execute("select id, name, postcode from clinics")
    return {clinic_id: (name, postcode) for clinic_id, name, postcode in rows}


def get_versions(db: sqlite_utils.Database, ids: list[str]) -> dict[str, int]:
    """Map each of these ids that exists to its version."""
    return {row["id"]: row["version"] for row in _rows_for(db, ids)}


_CHILD_TABLES = ("clinic_treatments", "clinic_languages", "practitioners")


def write_profiles(db: sqlite_utils.Database, items: list[tuple[dict[str, Any], int]]) -> None:
    """Replace the stored rows of many clinics, as write_profile does for one, in bulk.

    items are (profile, new version) pairs with distinct ids; no event, no outbox.
    """
    if not items:
        return
    now = utcnow()
    ids = [profile["id"] for profile, _ in items]
    created = {row["id"]: row["created_at"] for row in _rows_for(db, ids)}
    rows = [_clinic_row(p, version, created.get(p["id"], now), now) for p, version in items]
    columns = list(rows[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    db.conn.executemany(
        f"insert into clinics ({', '.join(columns)}) values ({', '.join('?' * len(columns))}) "
        f"on conflict(id) do update set {updates}",
        [list(row.values()) for row in rows],
    )
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for table in _CHILD_TABLES:
            db.execute(f"delete from {table} where clinic_id in ({marks})", chunk)
    db.conn.executemany(
        "insert into clinic_treatments (clinic_id, treatment, price_from, price_to, currency) "
        "values (?, ?, ?, ?, ?)",
        [
            (p["id"], t["key"], t.get("price_from"), t.get("price_to"), t.get("currency"))
            for p, _ in items
            for t in p.get("treatments") or []
        ],
    )
    db.conn.executemany(
        "insert into clinic_languages (clinic_id, language) values (?, ?)",
        [(p["id"], code) for p, _ in items for code in p.get("languages") or []],
    )
    fields = PRACTITIONER_TEXT
    db.conn.executemany(
        f"insert into practitioners (clinic_id, position, {', '.join(fields)}, prescriber) "
        f"values ({', '.join('?' * (len(fields) + 3))})",
        [
            (
                p["id"],
                position,
                *(person.get(f) for f in fields),
                int(bool(person.get("prescriber"))),
            )
            for p, _ in items
            for position, person in enumerate(p.get("practitioners") or [])
        ],
    )


def _clinic_row(profile: dict[str, Any], version: int, created_at: str, now: str) -> dict:
    """The clinics row of a profile."""
    address = profile.get("address") or {}
    contact = profile.get("contact") or {}
    location = profile.get("location") or {}
    return {
        "id": profile["id"],
        "name": profile["name"],
        "brand": profile.get("brand"),
        "description": profile.get("description"),
        "address_lines": json.dumps(address.get("lines") or [], ensure_ascii=False),
        "city": address.get("city"),
        "region": address.get("region"),
        "postcode": address.get("postcode"),
        "country": address.get("country"),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "phone": contact.get("phone"),
        "email": contact.get("email"),
        "website": contact.get("website"),
        "opening_hours": profile.get("opening_hours"),
        "external_ids": json.dumps(profile.get("external_ids") or {}, sort_keys=True),
        "status": profile.get("status") or "published",
        "version": version,
        "created_at": created_at,
        "updated_at": now,
    }
