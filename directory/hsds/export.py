"""Write the directory as HSDS 3.0 files: JSON documents or the tabular data package.

Both go to a new folder, filled beside it and renamed into place once complete, so a reader
never sees half an export.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import sqlite_utils

from directory.hsds import services
from directory.hsds.tables import RESOURCES, SPEC_VERSION, descriptor
from directory.vocabulary import Vocabulary

PACKAGE_NAME = "vetted-hsds"
PACKAGE_TITLE = "Vetted clinic directory (HSDS 3.0)"
PACKAGE_DESCRIPTION = (
    "Aesthetic clinics of the Vetted directory and what its moderators verified, in the "
    "Human Services Data Specification 3.0 (an Open Referral resource, openreferral.org, "
    "CC-BY-SA-4.0). Clinics from the NHS website lists contain public sector information "
    "licensed under the Open Government Licence v3.0. docs/hsds.md explains the mapping."
)


class ExportError(Exception):
    """The export cannot be written; nothing was left behind."""


def _into_folder(output: Path, write: Callable[[Path], int]) -> int:
    output = output.resolve()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ExportError(f"{output}: already exists and is not an empty folder")
    if not output.parent.is_dir():
        raise ExportError(f"{output}: the folder {output.parent} does not exist")
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    except OSError as exc:
        raise ExportError(f"{output}: cannot write here ({exc.strerror})") from exc
    try:
        n = write(work)
        if output.exists():
            output.rmdir()
        os.replace(work, output)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise ExportError(f"{output}: cannot write the export ({exc.strerror})") from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return n


def dumps(document: dict) -> str:
    """Return one HSDS document as the JSON text we publish."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_json(
    db: sqlite_utils.Database, output: Path, *, today: date, vocabulary: Vocabulary
) -> int:
    """Write organizations/<id>.json and services/<id>.json; return how many organizations."""

    def write(folder: Path) -> int:
        (folder / "organizations").mkdir()
        (folder / "services").mkdir()
        n = 0
        for kind, hsds_id, document in services.export_documents(
            db, today=today, vocabulary=vocabulary
        ):
            (folder / kind / f"{hsds_id}.json").write_text(dumps(document), "utf-8")
            n += kind == "organizations"
        return n

    return _into_folder(output, write)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def write_tables(folder: Path, pages: Iterable) -> int:
    """Write the 21 CSV files and datapackage.json; return how many organizations."""
    files = {r.name: (folder / r.path).open("w", encoding="utf-8", newline="") for r in RESOURCES}
    try:
        writers = {name: csv.writer(f) for name, f in files.items()}
        for r in RESOURCES:
            writers[r.name].writerow(r.columns)
        n = 0
        for rows in pages:
            for r in RESOURCES:
                for row in rows.tables.get(r.name, []):
                    writers[r.name].writerow([_cell(row.get(c)) for c in r.columns])
            n += len(rows.tables.get("organization", []))
    finally:
        for f in files.values():
            f.close()
    package = descriptor(
        name=PACKAGE_NAME,
        title=PACKAGE_TITLE,
        description=PACKAGE_DESCRIPTION,
        version=SPEC_VERSION,
    )
    (folder / "datapackage.json").write_text(dumps(package), "utf-8")
    return n


def export_package(
    db: sqlite_utils.Database, output: Path, *, today: date, vocabulary: Vocabulary
) -> int:
    """Write the tabular data package; return how many organizations."""
    pages = services.export_tables(db, today=today, vocabulary=vocabulary)
    return _into_folder(output, lambda folder: write_tables(folder, pages))
