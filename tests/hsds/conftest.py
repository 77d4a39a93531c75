"""HSDS fixtures: the upstream specification, a demo store, and Open Referral's own validators."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from directory.services import load_demo_data


@pytest.fixture
def spec(shared_data: Path) -> Path:
    """Open Referral's HSDS 3.0 folder (schemas, datapackage.json, examples)."""
    return shared_data / "hsds-3.0"


@pytest.fixture
def demo(db):
    """The store holding a small demo directory with every vetting state."""
    load_demo_data(db, count=40, seed=2026)
    return db


def frictionless(descriptor: Path) -> dict:
    """Run `frictionless validate` as upstream does; return its JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return json.loads(done.stdout)


def frictionless_errors(report: dict) -> list[tuple[str, int | None, str]]:
    """Return (table, row, type) for every error frictionless found."""
    return [
        (task["name"], error.get("rowNumber"), error["type"])
        for task in report["tasks"]
        for error in task["errors"]
    ]


def check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess:
    """Run `check-jsonschema` against one of upstream's compiled schemas."""
    assert files, "nothing to validate"
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
