"""Drafts of the profile editor: what a person typed when their session expired mid-edit."""

from __future__ import annotations

import json

import sqlite_utils

from directory.accounts import storage

MAX_DRAFT_BYTES = 512 * 1024


def keep_draft(
    db: sqlite_utils.Database, user_id: int, clinic_id: str, pairs: list[tuple[str, str]]
) -> bool:
    """Keep submitted form fields (key, value) for the user to restore; False if too big."""
    data = json.dumps(pairs, ensure_ascii=False)
    if len(data.encode()) > MAX_DRAFT_BYTES or storage.get_user(db, user_id) is None:
        return False
    storage.save_draft(db, user_id, clinic_id, data)
    return True


def get_draft(db: sqlite_utils.Database, user_id: int, clinic_id: str) -> dict | None:
    """Return {"pairs": [(key, value)...], "created_at"} of the kept draft, or None."""
    row = storage.get_draft(db, user_id, clinic_id)
    if row is None:
        return None
    try:
        pairs = [(str(k), str(v)) for k, v in json.loads(row["data"])]
    except (ValueError, TypeError):
        return None
    return {"pairs": pairs, "created_at": row["created_at"]}


def discard_draft(db: sqlite_utils.Database, user_id: int, clinic_id: str) -> None:
    """Forget the user's kept draft of this clinic, if any."""
    storage.delete_draft(db, user_id, clinic_id)
