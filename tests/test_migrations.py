"""Migrations keep what a store already holds when the schema moves (issue #10)."""

from __future__ import annotations

import sqlite_utils

from directory.db import MIGRATIONS, apply_migrations
from directory.vetting import services as vetting

NEW = ("m002_outbox_ids_never_reused", "m002_scores_owned_by_vetting")


def old_store() -> sqlite_utils.Database:
    """A store as it was before issue #10: scores in the clinics row, a plain outbox."""
    db = sqlite_utils.Database(memory=True)
    db.execute("PRAGMA foreign_keys=ON")
    for migrations in MIGRATIONS:
        migrations.apply(db, stop_before=NEW)
    db["clinics"].insert_all(
        [
            {"id": "scored", "name": "A", "country": "GB", "score": 61.5, "core_verified": 1},
            {"id": "new", "name": "B", "country": "GB", "score": None, "core_verified": 0},
        ]
    )
    db["outbox"].insert_all([{"clinic_id": "scored"}, {"clinic_id": "new"}])
    return db


def test_scores_move_from_the_clinics_row_to_vetting():
    db = old_store()
    apply_migrations(db)
    assert "score" not in db["clinics"].columns_dict
    assert vetting.scores_for(db, ["scored", "new"]) == {
        "scored": {"score": 61.5, "core_verified": True},
        "new": {"score": None, "core_verified": False},
    }
    # Revision 0: documents indexed before the move still carry the right version.
    assert vetting.score_revisions(db, None) == {"scored": 0}


def test_pending_outbox_entries_survive_and_ids_are_never_reused():
    db = old_store()
    apply_migrations(db)
    assert [r["clinic_id"] for r in db.query("select clinic_id from outbox order by id")] == [
        "scored",
        "new",
    ]
    db.execute("delete from outbox")
    db["outbox"].insert({"clinic_id": "scored"})
    assert db.execute("select id from outbox").fetchone()[0] == 3
