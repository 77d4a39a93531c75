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

# kind -> how accounts reads, approves and rejects such a request.
KINDS = {
    "listing": (accounts.get_listing_request, accounts.approve_listing, accounts.reject_listing),
    "ownership": (
        accounts.get_ownership_request,
        accounts.approve_ownership,
        accounts.reject_ownership,
    ),
}


def _claimant(row: dict) -> tuple[str, ...]:
    # The requester is not linked to the clinic yet, but their domain already counts as its.
    return (row.get("user_email"),)


def request_context(
    db: sqlite_utils.Database, moderator: Moderator, kind: str, request_id: int
) -> dict | None:
    """Return what a request's page shows (the request, its clinic, a conflict), or None."""
    row = KINDS[kind][0](db, request_id)
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
) -> str:
    """Approve or reject a listing or ownership request; return its clinic id.

    Raises LookupError when there is no such request. Drain the search outbox afterwards.
    """
    get, on_approve, on_reject = KINDS[kind]
    request = get(db, request_id)
    if request is None:
        raise LookupError(request_id)
    ensure_may_decide(db, moderator, request["clinic_id"], also=_claimant(request))
    reason = clean_text(reason)
    try:
        if approve:
            return on_approve(db, request_id, actor=moderator.actor, reason=reason or None)
        return on_reject(db, request_id, actor=moderator.actor, reason=reason)
    except accounts.AccountError as exc:
        raise ModerationError(sentence(exc)) from exc
