"""A clinic's evidence for a checklist item: the document, the claim and its proofs, at once."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from directory.evidence.services import discard_document, store_document
from directory.vetting.services import attach_evidence, claim_item


def submit_evidence(
    db: sqlite_utils.Database,
    evidence_dir: str | Path,
    clinic_id: str,
    item_key: str,
    *,
    user_id: int,
    statement: str | None = None,
    link: str | None = None,
    licence_number: str | None = None,
    document: tuple[str | None, bytes] | None = None,
) -> None:
    """Store the document (filename, bytes) if any, and record the claim and its evidence.

    All or nothing: when anything is refused (EvidenceFileError for the file, VettingError
    for the claim), nothing is recorded and the stored file is removed again.
    """
    actor = f"user:{user_id}"
    stored = None
    try:
        with db.atomic():
            if document is not None:
                filename, data = document
                stored = store_document(
                    db,
                    evidence_dir,
                    clinic_id=clinic_id,
                    item_key=item_key,
                    data=data,
                    filename=filename,
                    user_id=user_id,
                )
            if statement:
                claim_item(db, clinic_id, item_key, statement=statement, actor=actor)
            proofs = [
                stored,
                {"kind": "link", "value": link} if link else None,
                {"kind": "licence", "value": licence_number} if licence_number else None,
            ]
            for proof in proofs:
                if proof:
                    attach_evidence(db, clinic_id, item_key, proof, actor=actor)
    except Exception:
        if stored:
            discard_document(evidence_dir, stored["stored_name"])
        raise
