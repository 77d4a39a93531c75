"""Fixtures of the backup tests: more apps on their own data folders, and ways to compare them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from directory import create_app


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
