"""Fixtures of the backup tests: more apps on their own data folders, ways to compare them, and
`vetted replicate` running beside the app (Litestream)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from directory import create_app
from directory.backups.services import litestream_binary


@pytest.fixture
def make_app():
    """Make more apps, each on its own data folder; close their indexes afterwards."""
    made = []

    def make(data_dir: Path):
        made.append(create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "t"}))
        return made[-1]

    yield make
    for app in made:
        index = app.extensions.get("vetted.index")
        if index is not None:
            index.close()


def dump(db_path: Path) -> list[str]:
    """Every schema statement and row of a store, in a stable order."""
    with closing(sqlite3.connect(db_path)) as conn:
        return list(conn.iterdump())


def export(app) -> bytes:
    result = app.test_cli_runner().invoke(args=["export"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


VETTED = str(Path(sys.executable).parent / "vetted")


def litestream_restore(replica: str, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [litestream_binary(), "restore", "-o", str(output), replica],
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for_replica(replica: str, probe: Path, store: Path, attempts: int = 60) -> None:
    """Restore the replica until it holds what the store holds (litestream syncs each second).

    Litestream adds two tables of its own to the store when it starts: compared each time.
    """
    for _ in range(attempts):
        probe.unlink(missing_ok=True)
        if litestream_restore(replica, probe).returncode == 0 and dump(probe) == dump(store):
            return
        time.sleep(0.5)
    pytest.fail("the replica never caught up with the store")


@pytest.fixture
def replicating(app, tmp_path):
    """`vetted replicate file://…` running beside the app, as a supervisor would run it."""
    replica = (tmp_path / "replica").as_uri()
    env = {**os.environ, "VETTED_DATA_DIR": app.config["DATA_DIR"], "VETTED_SECRET_KEY": "t"}
    log = (tmp_path / "litestream.log").open("w")
    process = subprocess.Popen([VETTED, "replicate", replica], env=env, stdout=log, stderr=log)
    try:
        yield replica
    finally:
        process.send_signal(signal.SIGTERM)  # vetted became litestream: it gets the signal
        process.wait(timeout=30)
        log.close()
