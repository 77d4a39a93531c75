"""Evidence files on disk (EVIDENCE_DIR, outside any static folder) and their rows."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

import sqlite_utils

from directory.events import utcnow
from directory.storage import first_row

STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


def write_file(evidence_dir: str | Path, data: bytes) -> tuple[str, str]:
    """Store bytes under a new random name (owner-only permissions); return (name, sha256)."""
    folder = Path(evidence_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    fd = os.open(folder / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return stored_name, hashlib.sha256(data).hexdigest()


def file_path(evidence_dir: str | Path, stored_name: str) -> Path | None:
    """Return the path of a stored file, or None for a malformed or missing name."""
    if not isinstance(stored_name, str) or not STORED_NAME.match(stored_name):
        return None
    path = Path(evidence_dir) / stored_name
    return path if path.is_file() else None


def delete_file(evidence_dir: str | Path, stored_name: str) -> None:
    path = file_path(evidence_dir, stored_name)
    if path is not None:
        path.unlink()


def insert_file_row(
    db: sqlite_utils.Database,
    *,
    stored_name: str,
    clinic_id: str,
    item_key: str,
    sha256: str,
    filename: str | None,
    mime: str,
    size: int,
    uploaded_by: int,
) -> None:
    db["evidence_files"].insert(
        {
            "stored_name": stored_name,
            "clinic_id": clinic_id,
            "item_key": item_key,
            "sha256": sha256,
            "filename": filename,
            "mime": mime,
            "size": size,
            "uploaded_by": uploaded_by,
            "created_at": utcnow(),
        }
    )


def get_file_row(db: sqlite_utils.Database, clinic_id: str, stored_name: str) -> dict | None:
    """Return the row of a file of this clinic, or None (also when it is another clinic's)."""
    return first_row(
        db,
        "select * from evidence_files where stored_name = ? and clinic_id = ?",
        [stored_name, clinic_id],
    )
