"""Claims, evidence, scores and score history rows in SQLite (all of the vetting domain's SQL)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from directory.storage import all_rows, first_row

CLAIM_FIELDS = (
    "clinic_id",
    "item_key",
    "state",
    "statement",
    "clinic_changed_at",
    "verified_at",
    "verified_by",
    "verified_by_name",
    "fades_from",
    "expires_at",
    "reason",
    "decided_at",
    "decided_by",
    "decided_by_name",
    "practitioners_sha256",
    "updated_at",
    "revision",
)
EVIDENCE_FIELDS = (
    "clinic_id",
    "item_key",
    "kind",
    "value",
    "stored_name",
    "sha256",
    "filename",
    "mime",
    "size",
    "created_at",
    "created_by",
    "superseded_at",
)
CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def get_claim(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> dict | None:
    """Return one claim row, or None when the clinic has said nothing about the item."""
    return first_row(
        db, "select * from claims where clinic_id = ? and item_key = ?", [clinic_id, item_key]
    )


def write_claim(db: sqlite_utils.Database, row: dict[str, Any], *, revision: int | None) -> bool:
    """Write one claim if it is still at `revision` (None: must not exist); say if it was.

    The compare-and-set makes a concurrent decision fail loudly instead of being overwritten.
    """
    values = {f: row.get(f) for f in CLAIM_FIELDS}
    values["revision"] = (revision or 0) + 1
    if revision is None:
        cursor = db.execute(
            f"insert or ignore into claims ({', '.join(CLAIM_FIELDS)}) "
            f"values ({', '.join('?' * len(CLAIM_FIELDS))})",
            [values[f] for f in CLAIM_FIELDS],
        )
        return cursor.rowcount == 1
    fields = [f for f in CLAIM_FIELDS if f not in ("clinic_id", "item_key")]
    cursor = db.execute(
        f"update claims set {', '.join(f'{f} = ?' for f in fields)} "
        "where clinic_id = ? and item_key = ? and revision = ?",
        [*(values[f] for f in fields), row["clinic_id"], row["item_key"], revision],
    )
    return cursor.rowcount == 1


def claims_by_clinic(
    db: sqlite_utils.Database, clinic_ids: Iterable[str]
) -> dict[str, dict[str, dict]]:
    """Map each clinic id to {item_key: claim row with its active evidence_kinds}."""
    ids = sorted(set(clinic_ids))
    out: dict[str, dict[str, dict]] = {cid: {} for cid in ids}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"select * from claims where clinic_id in ({marks})", chunk):
            out[row["clinic_id"]][row["item_key"]] = {**row, "evidence_kinds": []}
        for row in db.query(
            f"select distinct clinic_id, item_key, kind from evidence "
            f"where clinic_id in ({marks}) and superseded_at is null order by kind",
            chunk,
        ):
            claim = out[row["clinic_id"]].get(row["item_key"])
            if claim is not None:
                claim["evidence_kinds"].append(row["kind"])
    return out


def list_claims(
    db: sqlite_utils.Database,
    *,
    clinic_id: str | None = None,
    states: tuple[str, ...] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """Return claim rows joined with the clinic's name, oldest clinic change first."""
    where, args = [], []
    if clinic_id is not None:
        where.append("claims.clinic_id = ?")
        args.append(clinic_id)
    if states:
        where.append(f"claims.state in ({','.join('?' * len(states))})")
        args.extend(states)
    sql = (
        "select claims.*, clinics.name as clinic_name from claims "
        "join clinics on clinics.id = claims.clinic_id"
        + (" where " + " and ".join(where) if where else "")
        + " order by coalesce(claims.clinic_changed_at, claims.updated_at), claims.clinic_id,"
        " claims.item_key limit ? offset ?"
    )
    return all_rows(db, sql, [*args, limit, offset])


def count_claims(db: sqlite_utils.Database, *, states: tuple[str, ...] | None = None) -> int:
    if not states:
        return db.execute("select count(*) from claims").fetchone()[0]
    marks = ",".join("?" * len(states))
    return db.execute(f"select count(*) from claims where state in ({marks})", states).fetchone()[0]


def count_by_state(db: sqlite_utils.Database) -> dict[str, int]:
    return {
        r["state"]: r["n"]
        for r in db.query("select state, count(*) as n from claims group by state")
    }


def verified_due_to_expire(db: sqlite_utils.Database, today_iso: str) -> list[dict]:
    """Return verified claims whose expiry date is today or earlier."""
    return all_rows(
        db,
        "select * from claims where state = 'verified' and "
        "(expires_at is null or expires_at <= ?) order by clinic_id, item_key",
        [today_iso],
    )


def verified_claims_of_items(db: sqlite_utils.Database, item_keys: Iterable[str]) -> list[dict]:
    """Return every verified claim of these checklist items."""
    keys = sorted(set(item_keys))
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    return all_rows(
        db,
        f"select * from claims where state = 'verified' and item_key in ({marks}) "
        "order by clinic_id, item_key",
        keys,
    )


def insert_evidence(db: sqlite_utils.Database, row: dict[str, Any]) -> int:
    """Append one evidence row and return its id."""
    cursor = db.execute(
        f"insert into evidence ({', '.join(EVIDENCE_FIELDS)}) "
        f"values ({', '.join('?' * len(EVIDENCE_FIELDS))})",
        [row.get(f) for f in EVIDENCE_FIELDS],
    )
    return cursor.lastrowid


def get_evidence(db: sqlite_utils.Database, evidence_id: int) -> dict | None:
    return first_row(db, "select * from evidence where id = ?", [evidence_id])


def list_evidence(
    db: sqlite_utils.Database,
    clinic_id: str,
    item_key: str | None = None,
    *,
    include_superseded: bool = False,
) -> list[dict]:
    """Return a clinic's evidence rows (for one item or all), oldest first."""
    where, args = ["clinic_id = ?"], [clinic_id]
    if item_key is not None:
        where.append("item_key = ?")
        args.append(item_key)
    if not include_superseded:
        where.append("superseded_at is null")
    return all_rows(db, f"select * from evidence where {' and '.join(where)} order by id", args)


def supersede_evidence(db: sqlite_utils.Database, evidence_id: int, at: str) -> None:
    db.execute(
        "update evidence set superseded_at = ? where id = ? and superseded_at is null",
        [at, evidence_id],
    )


def get_scores(db: sqlite_utils.Database, clinic_ids: Iterable[str]) -> dict[str, dict]:
    """Map each scored clinic among these ids to {score, core_verified, revision}."""
    out: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(clinic_ids))):
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"select clinic_id, score, core_verified, revision from clinic_scores "
            f"where clinic_id in ({marks})",
            chunk,
        ):
            out[row.pop("clinic_id")] = {**row, "core_verified": bool(row["core_verified"])}
    return out


def score_revisions(db: sqlite_utils.Database) -> dict[str, int]:
    """Map every scored clinic to how many times its score changed."""
    return dict(db.execute("select clinic_id, revision from clinic_scores").fetchall())


def set_score(db: sqlite_utils.Database, clinic_id: str, score: float | None, core: bool) -> None:
    """Store a clinic's score (a new revision of it)."""
    db.execute(
        "insert into clinic_scores (clinic_id, score, core_verified, revision) "
        "values (?, ?, ?, 1) on conflict(clinic_id) do update set score = excluded.score, "
        "core_verified = excluded.core_verified, revision = clinic_scores.revision + 1",
        [clinic_id, score, int(core)],
    )


HISTORY_FIELDS = ("clinic_id", "at", "score", "core_verified", "reason")


def add_score_history(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Append one score history row (a row only when the score changed: see scores.py)."""
    db.execute(
        f"insert into score_history ({', '.join(HISTORY_FIELDS)}) values (?, ?, ?, ?, ?)",
        [row.get(f) for f in HISTORY_FIELDS],
    )


def score_history(db: sqlite_utils.Database, clinic_id: str, *, limit: int = 400) -> list[dict]:
    """Return a clinic's latest score history rows, oldest first."""
    rows = list(
        db.query(
            "select at, score, core_verified, reason from score_history where clinic_id = ? "
            "order by at desc, id desc limit ?",
            [clinic_id, limit],
        )
    )
    rows.reverse()
    for row in rows:
        row["core_verified"] = bool(row["core_verified"])
    return rows


def all_clinic_ids(db: sqlite_utils.Database) -> list[str]:
    """Return every clinic id, ordered (read-only use of the clinics table for the sweep)."""
    return [row[0] for row in db.execute("select id from clinics order by id").fetchall()]
