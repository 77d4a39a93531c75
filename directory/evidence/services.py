"""Receive evidence: check a document, store it privately, and record the claim it backs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from directory.accounts.services import member_role
from directory.evidence import storage
from directory.evidence.files import SIGNATURES, check_document
from directory.vetting.services import attach_evidence, claim_item

# The extension a download gets, from the type its content was checked to be.
EXTENSIONS = {mime: extension for _, mime, extension in SIGNATURES}


@dataclass(frozen=True)
class Proofs:
    """What a clinic sends for one item: any of a statement, a link, a licence, a document."""

    statement: str | None = None
    link: str | None = None
    licence_number: str | None = None
    document: tuple[str | None, bytes] | None = None  # (the uploader's file name, its bytes)

    def empty(self) -> bool:
        return not (self.statement or self.link or self.licence_number or self.document)


def display_filename(name: str | None) -> str | None:
    """Return the uploader's file name without folders or invisible characters (for display)."""
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:200] or None


def store_document(
    db: sqlite_utils.Database,
    evidence_dir: str | Path,
    *,
    clinic_id: str,
    item_key: str,
    data: bytes,
    filename: str | None,
    user_id: int,
) -> dict:
    """Check and store an upload; return the evidence dict vetting's attach_evidence takes.

    Raises EvidenceFileError (with a message for the uploader) when the file is refused.
    """
    checked = check_document(data)
    stored_name, sha256 = storage.write_file(evidence_dir, data)
    try:
        storage.insert_file_row(
            db,
            stored_name=stored_name,
            clinic_id=clinic_id,
            item_key=item_key,
            sha256=sha256,
            filename=display_filename(filename),
            mime=checked.mime,
            size=checked.size,
            uploaded_by=user_id,
        )
    except Exception:
        storage.delete_file(evidence_dir, stored_name)
        raise
    return {
        "kind": "document",
        "value": None,
        "stored_name": stored_name,
        "sha256": sha256,
        "filename": display_filename(filename),
        "mime": checked.mime,
        "size": checked.size,
    }


def find_document(
    db: sqlite_utils.Database, evidence_dir: str | Path, clinic_id: str, stored_name: str
) -> tuple[dict, Path] | None:
    """Return (row, path) of this clinic's stored document, or None if it is not theirs."""
    if not storage.STORED_NAME.match(stored_name or ""):
        return None
    row = storage.get_file_row(db, clinic_id, stored_name)
    path = storage.file_path(evidence_dir, stored_name) if row else None
    return (row, path) if row and path else None


def document_for_reader(
    db: sqlite_utils.Database,
    evidence_dir: str | Path,
    clinic_id: str,
    stored_name: str,
    *,
    user_id: int,
    staff: bool,
) -> tuple[dict, Path] | None:
    """Return (row, path) when this person may read the document, else None.

    The clinic's own people may, and staff (moderators and admins past their second factor,
    which the caller decides); for everyone else the document does not exist.
    """
    if not staff and member_role(db, clinic_id, user_id) is None:
        return None
    return find_document(db, evidence_dir, clinic_id, stored_name)


def download_name(row: dict) -> str:
    """Return the file name a download gets: the uploader's stem, the checked extension."""
    stem = (row.get("filename") or "evidence").rsplit(".", 1)[0] or "evidence"
    return f"{stem}.{EXTENSIONS.get(row['mime'], 'bin')}"


def submit_evidence(
    db: sqlite_utils.Database,
    evidence_dir: str | Path,
    clinic_id: str,
    item_key: str,
    proofs: Proofs,
    *,
    user_id: int,
) -> None:
    """Store the clinic's document if it sent one, and record its claim and evidence.

    All or nothing: when anything is refused (EvidenceFileError for the file, VettingError
    for the claim), nothing is recorded and the stored file is removed again.
    """
    actor = f"user:{user_id}"
    stored = None
    try:
        with db.atomic():
            if proofs.document is not None:
                filename, data = proofs.document
                stored = store_document(
                    db,
                    evidence_dir,
                    clinic_id=clinic_id,
                    item_key=item_key,
                    data=data,
                    filename=filename,
                    user_id=user_id,
                )
            if proofs.statement:
                claim_item(db, clinic_id, item_key, statement=proofs.statement, actor=actor)
            for proof in (
                stored,
                {"kind": "link", "value": proofs.link} if proofs.link else None,
                {"kind": "licence", "value": proofs.licence_number}
                if proofs.licence_number
                else None,
            ):
                if proof:
                    attach_evidence(db, clinic_id, item_key, proof, actor=actor)
    except Exception:
        if stored:
            storage.delete_file(evidence_dir, stored["stored_name"])
        raise
