"""The on-disk index: persistence, one writer at a time, rebuild and swap under load."""

import json
import multiprocessing
import tempfile
import threading
import time

import pytest

from index import SearchRequest, open_index
from index.store import CURRENT, REBUILD


def make_docs(prefix: str, count: int, city: str = "London") -> list[dict]:
    return [
        {
            "id": f"{prefix}-{i}",
            "version": 1,
            "name": f"{prefix.title()} Clinic {i}",
            "city": city,
            "country": "GB",
            "treatments": ["microneedling"],
            "languages": ["en"],
        }
        for i in range(count)
    ]


def test_index_persists_and_other_instances_see_changes(tmp_path):
    writer = open_index(tmp_path / "index")
    reader = open_index(tmp_path / "index")  # as another process would
    writer.index_clinics(make_docs("a", 3))
    assert reader.search(SearchRequest(q="clinic")).total == 3
    writer.remove_clinics(["a-0"])
    assert reader.search(SearchRequest(q="clinic")).total == 2
    writer.close()
    reader.close()
    again = open_index(tmp_path / "index")
    assert again.doc_count() == 2
    again.close()


def test_a_second_writer_waits_for_the_first(tmp_path):
    first = open_index(tmp_path / "index")
    second = open_index(tmp_path / "index")  # its own lock handle, like another process
    done = threading.Event()

    def write():
        second.index_clinics(make_docs("b", 1))
        done.set()

    with first.exclusive():
        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(0.5)  # blocked while the first holds the lock
        first.index_clinics(make_docs("a", 1))
    thread.join(10)
    assert done.is_set()
    assert first.doc_count() == 2
    first.close()
    second.close()


def _write_many(path: str, prefix: str, batches: int, errors) -> None:
    ix = open_index(path)
    try:
        for n in range(batches):
            ix.index_clinics(make_docs(f"{prefix}{n}", 5))
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(repr(exc))
    finally:
        ix.close()


def test_two_processes_writing_at_once_never_see_a_lock_error(tmp_path):
    path = str(tmp_path / "index")
    open_index(path).close()
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    procs = [context.Process(target=_write_many, args=(path, p, 8, errors)) for p in "xy"]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0, 0]
    assert errors.empty()
    ix = open_index(path)
    assert ix.doc_count() == 2 * 8 * 5
    ix.close()


def test_rebuild_swaps_while_another_thread_searches(tmp_path):
    ix = open_index(tmp_path / "index")
    ix.index_clinics(make_docs("old", 300))
    other = open_index(tmp_path / "index")
    totals, errors, stop = [], [], threading.Event()

    def search_continuously():
        while not stop.is_set():
            try:
                totals.append(other.search(SearchRequest(q="clinic", per_page=5)).total)
            except Exception as exc:
                errors.append(exc)

    thread = threading.Thread(target=search_continuously)
    thread.start()
    try:
        time.sleep(0.05)

        def docs():
            for doc in make_docs("new", 400, city="Leeds"):
                time.sleep(0.0005)  # a slow store read: searches run meanwhile
                yield doc

        assert ix.rebuild(docs()) == 400
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join(30)
    assert errors == []
    assert totals and all(t in (300, 400) for t in totals)
    assert totals[0] == 300 and totals[-1] == 400
    assert other.search(SearchRequest(city=("Leeds",))).total == 400
    assert other.check({f"new-{i}": 1 for i in range(400)}).clean
    generations = sorted(p.name for p in (tmp_path / "index").glob("gen-*"))
    assert (tmp_path / "index" / CURRENT).read_text() == generations[-1]
    ix.close()
    other.close()


def test_writes_during_a_rebuild_are_not_lost(tmp_path):
    ix = open_index(tmp_path / "index")
    other = open_index(tmp_path / "index")

    def docs():
        yield from make_docs("snap", 2)  # snap-0 and snap-1 are read first
        # Meanwhile another process applies newer changes to the live index.
        other.index_clinics(make_docs("late", 1))
        other.remove_clinics(["snap-0"])
        yield from make_docs("tail", 2)

    assert ix.rebuild(docs()) == 4
    found = {h.id for h in ix.search(SearchRequest(per_page=50)).hits}
    assert found == {"snap-1", "tail-0", "tail-1", "late-0"}
    assert not (tmp_path / "index" / REBUILD).exists()
    ix.close()
    other.close()


def test_failed_rebuild_keeps_the_live_index(tmp_path):
    ix = open_index(tmp_path / "index")
    ix.index_clinics(make_docs("live", 2))

    def broken():
        yield from make_docs("new", 1)
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        ix.rebuild(broken())
    assert ix.doc_count() == 2
    assert not (tmp_path / "index" / REBUILD).exists()
    assert len(list((tmp_path / "index").glob("gen-*"))) == 1
    ix.close()


def test_marker_of_a_dead_rebuild_is_ignored(tmp_path):
    ix = open_index(tmp_path / "index")
    (tmp_path / "index" / REBUILD).write_text(json.dumps({"gen": "gen-000009", "pid": 2**22 + 7}))
    ix.index_clinics(make_docs("a", 1))
    assert not (tmp_path / "index" / REBUILD).exists()
    assert not (tmp_path / "index" / "gen-000009.journal").exists()
    ix.close()


def test_ram_index_rebuild(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    ix.index_clinics(make_docs("a", 2))
    assert ix.rebuild(make_docs("b", 3)) == 3
    assert ix.doc_count() == 3 and ix.search(SearchRequest(q="b clinic")).total == 3
    ix.close()


def test_ram_index_writes_nothing_in_the_shared_temp_folder(vocabulary, tmp_path, monkeypatch):
    # Whoosh's RAM storage kept writers' scratch files in <tmp>/MAIN.tmp, shared by every
    # process on the machine: another process's folder there broke or emptied our writes.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / "MAIN.tmp").write_text("another process's scratch folder")
    ix = open_index(None, vocabulary=vocabulary)
    ix.index_clinics(make_docs("a", 3))
    assert ix.search(SearchRequest(q="a clinic")).total == 3
    assert [p.name for p in tmp_path.iterdir()] == ["MAIN.tmp"]
    ix.close()


def test_orders_and_filters_span_segments_and_skip_deleted(tmp_path):
    ix = open_index(tmp_path / "index")
    other = open_index(tmp_path / "index")
    scored = [
        dict(d, score=s, lat=51.5 + s / 1000, lon=-0.1)
        for d, s in zip(make_docs("s", 3), (50, 70, 60), strict=True)
    ]

    def docs():
        yield from scored
        # Written to the live index during the rebuild: replayed as a second segment.
        other.index_clinics([dict(make_docs("late", 1)[0], score=65, lat=51.565, lon=-0.1)])
        other.remove_clinics(["s-1"])

    ix.rebuild(docs())
    assert len(ix._current().leaves) == 2  # the journal replay made a second segment
    by_score = ix.search(SearchRequest(sort="score"))
    assert [h.id for h in by_score.hits] == ["late-0", "s-2", "s-0"]
    near = ix.search(SearchRequest(near=(51.565, -0.1), radius_km=8, sort="distance"))
    assert [h.id for h in near.hits] == ["late-0", "s-2", "s-0"]
    ix.close()
    other.close()
