"""The glue between the store and the index: outbox, drift check and repair, CLI."""

import time

from directory.clinics import services as clinics
from directory.clinics import storage
from directory.search import extension, services
from index import SearchRequest
from index.documents import to_document
from tests.conftest import make_profile


def ids(search_index, **kw):
    return {h.id for h in search_index.search(SearchRequest(per_page=100, **kw)).hits}


def test_one_index_object_per_app(app):
    assert extension.open_search_index(app) is extension.open_search_index(app)
    with app.app_context():
        assert extension.get_index() is extension.open_search_index(app)


def test_plain_vocabulary_shape():
    vocabulary = services.plain_vocabulary()
    assert vocabulary["treatments"]["mesolifting"]["broader"] == "mesotherapy"
    assert "mesolift" in vocabulary["treatments"]["mesolifting"]["phrases"]
    assert vocabulary["concerns"]["hair-loss"]["treatments"] == ["hair-mesotherapy"]


def test_saved_clinic_is_searchable_within_a_second(app, db):
    search_index = extension.open_search_index(app)
    search_index.search(SearchRequest(q="warm up"))
    started = time.perf_counter()
    clinics.save_profile(db, make_profile("c-1", name="Holborn Hair Studio"), actor="test")
    services.drain_outbox(db, search_index)
    assert ids(search_index, q="holborn") == {"c-1"}
    assert time.perf_counter() - started < 1.0
    assert storage.outbox_size(db) == 0


def test_unpublished_clinic_leaves_the_index(app, db):
    search_index = extension.open_search_index(app)
    clinics.save_profile(db, make_profile("c-1"), actor="test")
    clinics.save_profile(db, make_profile("c-2"), actor="test")
    assert services.drain_outbox(db, search_index) == 2
    clinics.set_status(db, "c-1", "unpublished", actor="test")
    assert services.drain_outbox(db, search_index) == 1
    assert ids(search_index) == {"c-2"}


def test_drift_is_reported_and_repaired(app, db):
    search_index = extension.open_search_index(app)
    for clinic_id in ("fresh", "stale", "missing"):
        clinics.save_profile(db, make_profile(clinic_id), actor="test")
    services.drain_outbox(db, search_index)
    # Drift behind the outbox's back: an old version, a lost document, a stray one.
    clinics.save_profile(db, make_profile("stale", name="Renamed"), actor="test")
    storage.delete_outbox(db, 10**9)
    search_index.remove_clinics(["missing"])
    search_index.index_clinics([to_document({**make_profile("stray"), "version": 1})])

    report = services.check_index(db, search_index)
    assert (report.missing, report.stale, report.extra) == (["missing"], ["stale"], ["stray"])
    repaired = services.repair_index(db, search_index)
    assert repaired.missing == ["missing"]
    assert services.check_index(db, search_index).clean
    assert ids(search_index, q="renamed") == {"stale"}


def test_rebuild_index_from_the_store(app, db):
    search_index = extension.open_search_index(app)
    for n in range(5):
        clinics.save_profile(db, make_profile(f"c-{n}"), actor="test")
    clinics.set_status(db, "c-4", "unpublished", actor="test")
    assert services.rebuild_index(db, search_index) == 4
    assert storage.outbox_size(db) == 0
    assert services.check_index(db, search_index).clean


def test_rebuild_reacts_once_per_clinic_with_its_latest_change(app, db):
    clinics.save_profile(db, make_profile("c-1"), actor="first")
    clinics.save_profile(db, make_profile("c-2"), actor="first")
    mark = storage.outbox_mark(db)
    clinics.save_profile(db, make_profile("c-1", name="Renamed"), actor="second")
    assert storage.outbox_size(db) == 3
    latest = storage.outbox_latest_actors(db, storage.outbox_mark(db))
    assert latest == {"c-1": "second", "c-2": "first"}
    assert storage.outbox_latest_actors(db, mark) == {"c-1": "first", "c-2": "first"}
    assert services.rebuild_index(db, extension.open_search_index(app)) == 2
    assert storage.outbox_size(db) == 0
    assert services.check_index(db, extension.open_search_index(app)).clean


def test_cli_check_rebuild_and_sync(app, db, runner):
    clinics.save_profile(db, make_profile("c-1"), actor="test")
    result = runner.invoke(args=["index", "check"])
    assert result.exit_code == 1
    assert "missing: 1 (c-1)" in result.output and "--repair" in result.output
    result = runner.invoke(args=["index", "sync"])
    assert result.exit_code == 0 and "Applied 1 pending changes." in result.output
    result = runner.invoke(args=["index", "check"])
    assert result.exit_code == 0 and "The index matches the database." in result.output
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0 and "Indexed 1 published clinics." in result.output
    search_index = extension.open_search_index(app)
    search_index.remove_clinics(["c-1"])
    result = runner.invoke(args=["index", "check", "--repair"])
    assert result.exit_code == 0 and "Repaired." in result.output
    assert ids(search_index) == {"c-1"}
