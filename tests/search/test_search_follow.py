"""A read node's index follows its store (follow_store, `vetted index follow`), never writing it.

The store here is written through the clinic services and its outbox never drained: on a read
node the outbox belongs to the writer, and the follower must not need it.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from directory.clinics import services as clinics
from directory.clinics import storage
from directory.search import services
from index import SearchRequest, open_index
from tests.conftest import close_index, make_app, make_profile


@pytest.fixture
def ram_index():
    search_index = open_index(None, vocabulary=services.plain_vocabulary())
    yield search_index
    search_index.close()


def found(search_index, **kw) -> set[str]:
    return {h.id for h in search_index.search(SearchRequest(per_page=100, **kw)).hits}


def untouched(store):
    """Return a check that the store has not been written since (rows changed, outbox)."""
    changes, outbox = store.conn.total_changes, storage.outbox_size(store)
    return lambda: (store.conn.total_changes, storage.outbox_size(store)) == (changes, outbox)


def test_an_empty_index_is_built_from_the_store(store, ram_index):
    for clinic_id in ("c-1", "c-2", "c-3"):
        clinics.save_profile(store, make_profile(clinic_id), actor="test")
    clinics.set_status(store, "c-3", "unpublished", actor="test")
    same = untouched(store)
    report = services.follow_store(store, ram_index)
    assert (report.missing, report.stale, report.extra) == (["c-1", "c-2"], [], [])
    assert found(ram_index) == {"c-1", "c-2"}
    assert same()


def test_changes_in_the_store_reach_the_index_in_one_pass(store, ram_index):
    for clinic_id in ("c-1", "c-2", "c-3"):
        clinics.save_profile(store, make_profile(clinic_id), actor="test")
    services.follow_store(store, ram_index)
    clinics.save_profile(store, make_profile("c-1", name="Holborn Hair Studio"), actor="test")
    clinics.save_profile(store, make_profile("c-4", name="Fresh Face Clinic"), actor="test")
    clinics.set_status(store, "c-2", "unpublished", actor="test")
    same = untouched(store)
    report = services.follow_store(store, ram_index)
    assert (report.missing, report.stale, report.extra) == (["c-4"], ["c-1"], ["c-2"])
    assert found(ram_index, q="holborn") == {"c-1"}
    assert found(ram_index) == {"c-1", "c-3", "c-4"}
    assert services.check_index(store, ram_index).clean
    assert same()


def test_nothing_changed_means_nothing_done(store, ram_index):
    clinics.save_profile(store, make_profile("c-1"), actor="test")
    services.follow_store(store, ram_index)
    token = ram_index.token()  # changes with every commit to the index
    same = untouched(store)
    assert services.follow_store(store, ram_index).clean
    assert ram_index.token() == token
    assert same()


def test_follow_changes_looks_again_only_when_the_outbox_mark_moved(store, ram_index):
    clinics.save_profile(store, make_profile("c-1"), actor="test")
    mark, report = services.follow_changes(store, ram_index, None)
    assert report.missing == ["c-1"]
    # Drift behind the outbox's back is not looked for while the mark stays...
    ram_index.remove_clinics(["c-1"])
    assert services.follow_changes(store, ram_index, mark) == (mark, None)
    assert found(ram_index) == set()
    # ...and a change through the outbox brings a full pass, which repairs it too.
    clinics.save_profile(store, make_profile("c-2"), actor="test")
    moved, report = services.follow_changes(store, ram_index, mark)
    assert moved > mark and report.missing == ["c-1", "c-2"]


# --- `vetted index follow` ----------------------------------------------------------------------


@pytest.fixture
def read_node(db, data_dir):
    """A read node's app on a store the writer filled (no index built yet)."""
    for clinic_id in ("c-1", "c-2"):
        clinics.save_profile(db, make_profile(clinic_id), actor="test")
    node = make_app(data_dir, READ_ONLY=True)
    yield node
    close_index(node)


def test_follow_once_builds_the_index_then_finds_it_matches(read_node):
    runner = read_node.test_cli_runner()
    first = runner.invoke(args=["index", "follow", "--once"])
    assert first.exit_code == 0, first.output
    assert "Indexed 2 new and 0 changed clinics; removed 0." in first.output
    again = runner.invoke(args=["index", "follow", "--once"])
    assert again.exit_code == 0 and "The index matches the store." in again.output


def test_follow_refuses_a_writer(runner):
    result = runner.invoke(args=["index", "follow", "--once"])
    assert result.exit_code != 0 and "VETTED_READ_ONLY=on" in result.output


def _terminate_once_handled(previous) -> None:
    """Send SIGTERM to this process once the command has put its own handler in place."""
    deadline = time.monotonic() + 30
    while signal.getsignal(signal.SIGTERM) is previous and time.monotonic() < deadline:
        time.sleep(0.01)
    if signal.getsignal(signal.SIGTERM) is not previous:
        os.kill(os.getpid(), signal.SIGTERM)


def test_follow_loops_until_sigterm_and_stops_cleanly(read_node):
    previous = signal.getsignal(signal.SIGTERM)
    sender = threading.Thread(target=_terminate_once_handled, args=(previous,))
    sender.start()
    result = read_node.test_cli_runner().invoke(args=["index", "follow", "--every", "0.1"])
    sender.join()
    assert result.exit_code == 0, result.output
    assert "Indexed 2 new" in result.output
    assert result.output.rstrip().endswith("Stopped following the store.")
    assert signal.getsignal(signal.SIGTERM) is previous  # the test process's handler is back
