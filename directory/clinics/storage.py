"""Clinic rows in SQLite, read and written as profiles (the documented profile format)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from directory.events import utcnow

PRACTITIONER_FIELDS = (
    "name",
    "role",
    "licence_number",
    "licence_authority",
    "licence_expiry",
    "prescriber",
)
META_FIELDS = ("status", "version", "score", "core_verified", "created_at", "updated_at")


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
                **{f: p[f] for f in PRACTITIONER_FIELDS if f != "prescriber"},
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
    """Return one clinic as a profile plus its stored metadata (version, score, dates)."""
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
            clinic["core_verified"] = bool(clinic["core_verified"])
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
    now = utcnow()
    address = profile.get("address") or {}
    contact = profile.get("contact") or {}
    location = profile.get("location") or {}
    clinic_id = profile["id"]
    existing = db.execute("select created_at from clinics where id = ?", [clinic_id]).fetchone()
    row = {
        "id": clinic_id,
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
        "created_at": existing[0] if existing else now,
        "updated_at": now,
    }
    if existing:
        db["clinics"].update(clinic_id, row)
    else:
        db["clinics"].insert(row)
    db.execute("delete from clinic_treatments where clinic_id = ?", [clinic_id])
    db.execute("delete from clinic_languages where clinic_id = ?", [clinic_id])
    db.execute("delete from practitioners where clinic_id = ?", [clinic_id])
    db["clinic_treatments"].insert_all(
        {
            "clinic_id": clinic_id,
            "treatment": t["key"],
            "price_from": t.get("price_from"),
            "price_to": t.get("price_to"),
            "currency": t.get("currency"),
        }
        for t in profile.get("treatments") or []
    )
    db["clinic_languages"].insert_all(
        {"clinic_id": clinic_id, "language": code} for code in profile.get("languages") or []
    )
    db["practitioners"].insert_all(
        {
            "clinic_id": clinic_id,
            "position": position,
            **{f: p.get(f) for f in PRACTITIONER_FIELDS if f != "prescriber"},
            "prescriber": int(bool(p.get("prescriber"))),
        }
        for position, p in enumerate(profile.get("practitioners") or [])
    )


def get_version(db: sqlite_utils.Database, clinic_id: str) -> int | None:
    row = db.execute("select version from clinics where id = ?", [clinic_id]).fetchone()
    return row[0] if row else None


def set_status(db: sqlite_utils.Database, clinic_id: str, status: str) -> None:
    db.execute(
        "update clinics set status = ?, version = version + 1, updated_at = ? where id = ?",
        [status, utcnow(), clinic_id],
    )


def set_score(db: sqlite_utils.Database, clinic_id: str, score: float | None, core: bool) -> None:
    """Store the vetting score with the clinic (for sorting and filtering)."""
    db.execute(
        "update clinics set score = ?, core_verified = ?, version = version + 1 where id = ?",
        [score, int(core), clinic_id],
    )


def list_clinics(
    db: sqlite_utils.Database,
    *,
    limit: int = 50,
    offset: int = 0,
    statuses: tuple[str, ...] = ("published",),
    country: str | None = None,
) -> list[dict]:
    """Return one page of clinic summary rows, by name."""
    where = [f"status in ({','.join('?' * len(statuses))})"]
    args: list[Any] = list(statuses)
    if country:
        where.append("country = ?")
        args.append(country)
    sql = (
        "select id, name, brand, city, country, score, core_verified from clinics where "
        + " and ".join(where)
        + " order by name collate nocase, id limit ? offset ?"
    )
    return list(db.query(sql, [*args, limit, offset]))


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
    return list(
        db.query(
            "select country, count(*) as n from clinics where status = 'published' "
            "group by country order by n desc, country"
        )
    )


def enqueue_index(db: sqlite_utils.Database, clinic_ids: Iterable[str]) -> None:
    """Note that these clinics must be re-indexed (call inside the writing transaction)."""
    now = utcnow()
    db["outbox"].insert_all({"clinic_id": cid, "created_at": now} for cid in clinic_ids)


def peek_outbox(db: sqlite_utils.Database, limit: int = 1000) -> list[dict]:
    return list(db.query("select id, clinic_id from outbox order by id limit ?", [limit]))


def delete_outbox(db: sqlite_utils.Database, up_to_id: int) -> None:
    with db.atomic():
        db.execute("delete from outbox where id <= ?", [up_to_id])


def outbox_size(db: sqlite_utils.Database) -> int:
    return db.execute("select count(*) from outbox").fetchone()[0]
