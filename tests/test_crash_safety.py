"""A process killed at any point leaves nothing the next one does not repair (issue #10).

Real processes, killed with SIGKILL at points chosen by watching the store and the index
folder: an NHS import (a slice of the 2023 list) and an index rebuild. After each kill the
same command runs again; then `vetted index check` must find no drift, and the index folder
must hold no rebuild marker, journal, half-built generation or unfinished CURRENT.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

NHS_2023 = SHARED_DATA / "nhs-clinics" / "nhs_Clinics_2023_raw_notsign_delimited.csv"
ROWS = 3000  # a slice keeps each run to a few seconds; the file's format is unchanged
VETTED = [sys.executable, "-c", "from directory.cli import main; main()"]


@pytest.fixture
def nhs_slice(tmp_path: Path) -> Path:
    lines = NHS_2023.read_bytes().split(b"\r\n")
    path = tmp_path / "nhs-slice.csv"
    path.write_bytes(b"\r\n".join(lines[: ROWS + 1]))
    return path


def vetted(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [*VETTED, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def kill_when(data_dir: Path, args: list[str], point: Callable[[Path], bool]) -> bool:
    """Run a command and SIGKILL it as soon as point(data_dir) holds; say if it was killed."""
    env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [*VETTED, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                reached = point(data_dir)
            except sqlite3.Error:  # the schema is still being created
                reached = False
            if reached:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.002)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return False


def _count(data_dir: Path, sql: str) -> int:
    path = data_dir / "vetted.db"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
        return conn.execute(sql).fetchone()[0]


def clinics(data_dir: Path) -> int:
    return _count(data_dir, "select count(*) from clinics")


def outbox(data_dir: Path) -> int:
    return _count(data_dir, "select count(*) from outbox")


def rebuilding(data_dir: Path) -> bool:
    return (data_dir / "index" / "REBUILD").exists()


def new_generation_has_segments(data_dir: Path) -> bool:
    folder = data_dir / "index"
    current = (folder / "CURRENT").read_text().strip() if (folder / "CURRENT").exists() else ""
    return any(
        p.is_dir() and p.name > current and any(p.glob("*.seg")) for p in folder.glob("gen-*")
    )


def leftovers(data_dir: Path) -> list[str]:
    """Return the index folder's files that only a killed process leaves behind."""
    folder = data_dir / "index"
    current = (folder / "CURRENT").read_text().strip()
    names = sorted(p.name for p in folder.iterdir())
    gens = [n for n in names if n.startswith("gen-") and (folder / n).is_dir()]
    newer = [n for n in gens if n > current]
    older = [n for n in gens if n < current][:-1]  # the one just before may still be read
    stray = [n for n in names if n.endswith(".journal") or n == "REBUILD"]
    stray += [n for n in names if n.startswith("CURRENT.")]
    return stray + newer + older


def assert_caught_up(data_dir: Path) -> None:
    check = vetted(data_dir, "index", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "missing: 0\nstale: 0\nextra: 0" in check.stdout
    assert outbox(data_dir) == 0
    assert leftovers(data_dir) == []


def test_a_killed_import_is_caught_up_by_the_next_run(tmp_path, nhs_slice):
    # How many clinics the slice makes (some rows are skipped as duplicates).
    expected = tmp_path / "expected"
    assert vetted(expected, "import", "--format", "nhs-csv", str(nhs_slice)).returncode == 0
    total = clinics(expected)
    points = {
        "the first batch is committed": lambda d: clinics(d) > 0,
        "half of the file is committed": lambda d: clinics(d) >= total // 2,
        "every row is committed, the index not yet": lambda d: clinics(d) == total,
        "the index is being rebuilt": rebuilding,
    }
    killed = []
    for n, (name, point) in enumerate(points.items()):
        data_dir = tmp_path / f"run-{n}"
        if kill_when(data_dir, ["import", "--format", "nhs-csv", str(nhs_slice)], point):
            killed.append(name)
        again = vetted(data_dir, "import", "--format", "nhs-csv", str(nhs_slice))
        assert again.returncode == 0, (name, again.stdout + again.stderr)
        assert clinics(data_dir) == total, name
        assert_caught_up(data_dir)
    # Most points come while the import runs; a very fast machine may finish before one.
    assert len(killed) >= 3, killed


def test_a_killed_rebuild_leaves_nothing_behind(tmp_path, nhs_slice):
    data_dir = tmp_path / "data"
    assert vetted(data_dir, "import", "--format", "nhs-csv", str(nhs_slice)).returncode == 0
    points = {
        "a rebuild has started": rebuilding,
        "the new generation has segments": new_generation_has_segments,
    }
    killed = []
    for name, point in points.items():
        if kill_when(data_dir, ["index", "rebuild"], point):
            killed.append(name)
        # Any process that opens the index clears what the killed one left.
        assert_caught_up(data_dir)
        again = vetted(data_dir, "index", "rebuild")
        assert again.returncode == 0, again.stdout + again.stderr
        assert_caught_up(data_dir)
    assert killed, "the rebuild finished before any point"


def test_changes_a_killed_drain_left_are_applied_by_the_next_command(tmp_path, nhs_slice):
    data_dir = tmp_path / "data"
    assert vetted(data_dir, "import", "--format", "nhs-csv", str(nhs_slice)).returncode == 0
    # A second list renames a tenth of the clinics: few enough to be drained, not rebuilt.
    lines = nhs_slice.read_bytes().decode("utf-8").split("\r\n")
    for n in range(1, ROWS // 10):
        fields = lines[n].split("¬")
        fields[6] = f"Renamed {fields[6]}"  # OrganisationName
        lines[n] = "¬".join(fields)
    changed = tmp_path / "renamed.csv"
    changed.write_bytes("\r\n".join(lines).encode("utf-8"))
    kill_when(data_dir, ["import", "--format", "nhs-csv", str(changed)], lambda d: outbox(d) > 0)
    # An unrelated command opens the store: it applies the backlog first.
    users = vetted(data_dir, "listings", "pending")
    assert users.returncode == 0, users.stdout + users.stderr
    assert outbox(data_dir) == 0
    again = vetted(data_dir, "import", "--format", "nhs-csv", str(changed))
    assert again.returncode == 0, again.stdout + again.stderr
    assert_caught_up(data_dir)
