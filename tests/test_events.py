"""The ledger and the other append-only tables refuse every statement that rewrites a row.

docs/ledger.md lists the tables and why. Each attack runs on a plain sqlite3 connection
(recursive_triggers off, SQLite's default: REPLACE then deletes without firing the delete
trigger) and on the app's own sqlite-utils connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from directory.db import connect

NOW = "2026-01-02T03:04:05+00:00"
# One row of every table that must not be rewritten, and a column each attack tries to change.
ROWS = {
    "events": (
        {"id": 1, "at": NOW, "actor": "user:1", "action": "claim.verified", "target_type": "claim"},
        "actor",
    ),
    "score_history": ({"id": 1, "clinic_id": "c-1", "at": "2026-01-02", "score": 80.0}, "score"),
    "evidence": (
        {"id": 1, "clinic_id": "c-1", "item_key": "informed-consent", "kind": "link"}
        | {"value": "https://harley.example/consent"},
        "value",
    ),
    "evidence_files": (
        {"stored_name": "a" * 32, "clinic_id": "c-1", "sha256": "0" * 64, "mime": "image/png"}
        | {"size": 10},
        "sha256",
    ),
    "listing_requests": (
        {"id": 1, "clinic_id": "c-1", "user_id": 1, "state": "approved", "decided_by": "user:2"},
        "decided_by",
    ),
    "ownership_requests": (
        {"id": 1, "clinic_id": "c-1", "user_id": 1, "state": "rejected", "reason": "No link."},
        "reason",
    ),
    "reports": (
        {"id": 1, "clinic_id": "c-1", "category": "other", "description": "Rude.", "state": "open"},
        "description",
    ),
    "pending_actions": (
        {"id": 1, "kind": "suspend", "clinic_id": "c-1", "state": "done", "requested_by": 1}
        | {"confirmed_by": 2, "reason": "High-risk report."},
        "reason",
    ),
}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "vetted.db"
    db = connect(path)
    db["clinics"].insert({"id": "c-1", "name": "Harley", "country": "GB"})
    db["users"].insert_all(
        [{"id": 1, "email": "a@x.example", "role": "clinic"}]
        + [{"id": 2, "email": "m@x.example", "role": "moderator"}]
    )
    for table, (row, _column) in ROWS.items():
        db[table].insert(row)
    db.close()
    return path


@pytest.fixture(params=["sqlite3", "sqlite-utils"])
def conn(request, store: Path):
    """A connection as an intruder (plain sqlite3) or as the app (sqlite-utils) would open it."""
    raw = sqlite3.connect(store, isolation_level=None)
    if request.param == "sqlite-utils":
        raw = sqlite_utils.Database(raw).conn  # turns recursive_triggers on
    yield raw
    raw.close()


def dump(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return conn.execute(f"select * from [{table}] order by rowid").fetchall()


def attacks(table: str) -> dict[str, str]:
    """Return the statements that would rewrite ROWS[table], by name."""
    row, column = ROWS[table]
    forged = {**row, column: "forged" if isinstance(row[column], str) else row[column] + 1}
    columns = ", ".join(forged)
    values = ", ".join(repr(value) for value in forged.values())
    key = "stored_name" if table == "evidence_files" else "id"
    where = f"{key} = {row[key]!r}"
    insert = f"into [{table}] ({columns}) values ({values})"
    return {
        "UPDATE": f"update [{table}] set {column} = {forged[column]!r} where {where}",
        "UPDATE OR REPLACE": f"update or replace [{table}] set {column} = {forged[column]!r}",
        "DELETE": f"delete from [{table}] where {where}",
        "REPLACE": f"replace {insert}",
        "INSERT OR REPLACE": f"insert or replace {insert}",
        "UPSERT DO UPDATE": f"insert {insert} on conflict({key}) do update set "
        f"{column} = excluded.{column}",
        "UPSERT DO NOTHING": f"insert {insert} on conflict do nothing",
        "INSERT OR IGNORE": f"insert or ignore {insert}",
    }


CASES = [(table, attack) for table in ROWS for attack in attacks(table)]


@pytest.mark.parametrize(("table", "attack"), CASES, ids=[f"{t}-{a}" for t, a in CASES])
def test_append_only_tables_refuse_every_rewrite(conn, table, attack):
    before = dump(conn, table)
    with pytest.raises(sqlite3.IntegrityError, match="append-only|cannot change"):
        conn.execute(attacks(table)[attack])
    assert dump(conn, table) == before


def test_the_ledger_still_takes_new_events(conn):
    conn.execute("insert into events (at, actor, action) values (?, 'user:1', 'x')", [NOW])
    conn.execute("insert into events (id, at, actor, action) values (9, ?, 'user:1', 'y')", [NOW])
    assert [row[0] for row in conn.execute("select id from events order by id")] == [1, 2, 9]


def refused(conn: sqlite3.Connection, sql: str, args=()) -> bool:
    try:
        conn.execute(sql, args)
    except sqlite3.IntegrityError:
        return True
    return False


def test_evidence_is_superseded_once_and_never_edited(conn):
    conn.execute("insert into evidence (id, clinic_id, item_key, kind) values (2, 'c-1', 'k', 'x')")
    assert refused(conn, "update evidence set superseded_at = ?, value = 'v' where id = 2", [NOW])
    assert not refused(conn, "update evidence set superseded_at = ? where id = 2", [NOW])
    assert refused(conn, "update evidence set superseded_at = '2030-01-01' where id = 2")
    assert refused(conn, "update evidence set superseded_at = null where id = 2")
    assert conn.execute("select superseded_at from evidence where id = 2").fetchone() == (NOW,)


@pytest.mark.parametrize("table", ["listing_requests", "ownership_requests"])
def test_a_request_is_decided_once(conn, table):
    conn.execute(
        f"insert into {table} (id, clinic_id, user_id, state) values (2, 'c-1', 1, 'pending')"
    )
    assert refused(conn, f"update {table} set user_id = 2 where id = 2")
    assert not refused(
        conn, f"update {table} set state = 'approved', decided_by = 'm' where id = 2"
    )
    assert refused(conn, f"update {table} set state = 'rejected' where id = 2")
    assert conn.execute(f"select state from {table} where id = 2").fetchone() == ("approved",)


def test_a_report_keeps_its_words_and_triage_but_may_learn_its_outcome(conn):
    assert not refused(
        conn, "update reports set state = 'triaged', risk = 'low', outcome = 'none' where id = 1"
    )
    assert not refused(conn, "update reports set outcome = 'clinic-suspended' where id = 1")
    assert refused(conn, "update reports set risk = 'high' where id = 1")
    assert refused(conn, "update reports set state = 'open' where id = 1")
    assert refused(conn, "update reports set contact = 'x@y.example' where id = 1")
    row = conn.execute("select state, risk, outcome from reports where id = 1").fetchone()
    assert row == ("triaged", "low", "clinic-suspended")


def test_a_four_eyes_action_is_final_once_done(conn):
    conn.execute(
        "insert into pending_actions (id, kind, clinic_id, state, requested_by) "
        "values (2, 'reinstate', 'c-1', 'pending', 1)"
    )
    assert refused(conn, "update pending_actions set kind = 'suspend' where id = 2")
    assert not refused(conn, "update pending_actions set state = 'cancelled' where id = 2")
    assert refused(conn, "update pending_actions set state = 'done', confirmed_by = 2 where id = 2")
