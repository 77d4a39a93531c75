"""Requests from clinic accounts that a moderator decides: a new listing, or ownership of a
listing already in the directory. Both are kept and decided by accounts; moderation adds who
may decide (conflicts of interest) and the page that shows them."""

from __future__ import annotations

import sqlite_utils

from directory.accounts import services as accounts
from directory.clinics.services import get_clinic
from directory.moderation.services import (
    ModerationError,
    Moderator,
    conflict_reason,
    ensure_may_decide,
)
from directory.moderation.text import clean_text, sentence


def _claimant(row: dict) -> tuple[str, ...]:
    # The requester is not linked to the clinic yet, but their domain already counts as its.
    return (row.get("user_email"),)


def request_context(
    db: sqlite_utils.Database, moderator: Moderator, kind: str, request_id: int
) -> dict | None:
    """Return what a request's page shows (the request, its clinic, a conflict), or None."""
    row = accounts.get_request(db, kind, request_id)
    if row is None:
        return None
    return {
        "kind": kind,
        "row": row,
        "clinic": get_clinic(db, row["clinic_id"]),
        "conflict": conflict_reason(db, moderator, row["clinic_id"], also=_claimant(row)),
    }


def decide_request(
    db: sqlite_utils.Database,
    moderator: Moderator,
    kind: str,
    request_id: int,
    *,
    approve: bool,
    reason: str,
) -> dict:
    """Approve or reject a listing or ownership request; return the request as it was.

    Raises LookupError when there is no such request. The requester is notified (accounts
    does it in the deciding transaction); the index follows after the commit.
    """
    request = accounts.get_request(db, kind, request_id)
    if request is None:
        raise LookupError(request_id)
    ensure_may_decide(db, moderator, request["clinic_id"], also=_claimant(request))
    reason = clean_text(reason)
    try:
        # An approval's note is optional; a rejection's is checked (the requester reads it).
        state, note = ("approved", reason or None) if approve else ("rejected", reason)
        accounts.decide_request(db, kind, request_id, state, actor=moderator.actor, reason=note)
    except accounts.AccountError as exc:
        raise ModerationError(sentence(exc)) from exc
    return request
