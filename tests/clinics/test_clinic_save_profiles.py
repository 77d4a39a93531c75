"""The batched save path does exactly what save_profile does, record by record."""

from __future__ import annotations

import sqlite3

import pytest

from directory.clinics import storage
from directory.clinics.importers import import_records
from directory.clinics.records import Record
from directory.clinics.services import save_profile, save_profiles
from directory.db import connect
from directory.events import list_events
from directory.search import services as search
from tests.conftest import make_profile

IGNORED = {"id", "at", "created_at", "updated_at"}  # clocks and row ids differ, nothing else


def _steps() -> list[list[dict]]:
    """Successive imports: creations, an update, an unchanged record, a repeated id."""
    return [
        [make_profile("c-1"), make_profile("c-2", languages=["fr"]), make_profile("c-3")],
        [
            make_profile("c-1"),  # unchanged
            {"id": "c-2", "name": "Renamed", "address": {"country": "FR"}},  # partial update
            make_profile("c-4", practitioners=[]),  # new
            make_profile("c-4", name="Twice in one batch"),  # the same id again
        ],
    ]


def _state(db) -> tuple:
    clinics = [
        {k: v for k, v in c.items() if k not in IGNORED} | {"id": c["id"]}
        for c in storage.iter_clinics(db)
    ]
    events = [{k: v for k, v in e.items() if k not in IGNORED} for e in list_events(db)]
    outbox = [r["clinic_id"] for r in storage.peek_outbox(db)]
    rows = [
        {k: v for k, v in r.items() if k not in ("created_at", "updated_at")}
        for r in db.query("select * from clinics order by id")
    ]
    return clinics, events, outbox, rows


def test_save_profiles_matches_save_profile():
    one, many = connect(None), connect(None)
    for step in _steps():
        expected = [save_profile(one, p, actor="t", reason="r") for p in step]
        assert save_profiles(many, step, actor="t", reason="r", batch=2) == expected
    assert _state(many) == _state(one)
    clinic = storage.get_clinic(many, "c-4")
    assert (clinic["name"], clinic["version"]) == ("Twice in one batch", 2)


def test_created_at_is_kept_on_update():
    db = connect(None)
    save_profiles(db, [make_profile()], actor="t")
    db.execute("update clinics set created_at = '2020-01-01T00:00:00+00:00'")
    save_profiles(db, [make_profile(name="New name")], actor="t")
    assert storage.get_clinic(db, "c-1")["created_at"] == "2020-01-01T00:00:00+00:00"


def test_a_failing_batch_is_rolled_back_whole():
    db = connect(None)
    broken = {"id": "c-2", "name": "No country"}  # not validated: the store refuses it
    with pytest.raises(sqlite3.IntegrityError):
        save_profiles(db, [make_profile("c-1"), broken], actor="t")
    assert storage.count_clinics(db, statuses=None) == 0
    assert list_events(db) == [] and storage.outbox_size(db) == 0


def test_import_falls_back_to_one_by_one_to_find_the_record_at_fault():
    db = connect(None)
    records = [
        Record(1, make_profile("c-1")),
        Record(2, {"id": "c-2", "name": "No country"}),
        Record(3, make_profile("c-3")),
    ]
    report = import_records(db, records, actor="t")
    assert report.summary() == "3 records: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 invalid"
    assert str(report.details[0]).startswith("line 2: c-2: invalid: could not be stored")
    assert sorted(storage.published_versions(db)) == ["c-1", "c-3"]


@pytest.mark.parametrize(
    ("stored", "changed", "expected"),
    [
        (10, 10, "rebuild"),  # a first import: every clinic is new
        (10, 5, "rebuild"),  # half of the directory changed
        (10, 4, "drain"),  # a few changes: apply the outbox
        (10, 0, "drain"),  # nothing changed: the outbox is empty anyway
    ],
)
def test_refresh_index_rebuilds_only_after_big_imports(monkeypatch, stored, changed, expected):
    db = connect(None)
    save_profiles(db, [make_profile(f"c-{n}") for n in range(stored)], actor="t")
    if changed < stored:  # only the last `changed` clinics are still waiting in the outbox
        storage.delete_outbox(db, storage.peek_outbox(db, stored)[stored - changed - 1]["id"])
    calls = []
    monkeypatch.setattr(search, "rebuild_index", lambda db, ix: calls.append("rebuild") or 1)
    monkeypatch.setattr(search, "drain_outbox", lambda db, ix: calls.append("drain") or 1)
    search.catch_up(db, object())
    assert calls == [expected]
