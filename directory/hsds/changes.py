"""The public change feed: what a mirror must apply, in ledger order, from an opaque cursor.

Only changes the public could see become entries: a clinic appearing (created), changing
while published (updated), leaving (suspended, removed), and verifications that move its
score (score_changed). Who made a change and why stay in the ledger, never in the feed.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

import sqlite_utils

from directory.hsds import mapping, storage

PUBLISHED = "published"
# Scan at most this many ledger events per page, so a run of private events cannot make
# one request read the whole ledger; the cursor still moves past them.
SCAN = 2000


class BadCursor(ValueError):
    """The cursor was not one this feed gave out."""


def encode_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """Return the ledger position of a cursor (0, the beginning, for None)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, _, number = text.partition(":")
        if version != "v1" or not number.isdigit() or len(number) > 18:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor("since is not a cursor this API gave out; start without it") from exc
    return int(number)


@dataclass
class ChangePage:
    changes: list[dict]
    next: str
    has_more: bool


def _status(event: dict, side: str) -> str | None:
    value = json.loads(event[side]) if event[side] else None
    return value.get("status") if isinstance(value, dict) else None


def _clinic_change(event: dict, was: str | None) -> tuple[str | None, str | None]:
    """Return (change type or None, status after) for a clinic event."""
    now = _status(event, "after") or was
    if event["action"] not in (
        "clinic.created",
        "clinic.updated",
        "clinic.published",
        "clinic.unpublished",
        "clinic.suspended",
    ):
        return None, was
    if now == PUBLISHED:
        return ("updated" if was == PUBLISHED else "created"), now
    if was == PUBLISHED:
        return ("suspended" if now == "suspended" else "removed"), now
    return None, now


def _moves_score(event: dict) -> bool:
    before = json.loads(event["before"]) if event["before"] else {}
    after = json.loads(event["after"]) if event["after"] else {}
    return "verified" in (before.get("state"), after.get("state")) or after.get("state") in (
        "expired",
    )


def list_changes(db: sqlite_utils.Database, *, since: str | None, limit: int) -> ChangePage:
    """Return up to limit changes after the cursor `since`, and the cursor to resume from."""
    position = decode_cursor(since)
    statuses: dict[str, str | None] = {}
    changes: list[dict] = []
    for event in storage.events_after(db, position, SCAN):
        position = event["id"]
        clinic_id = event["target_id"].split(":", 1)[0]
        if clinic_id not in statuses:
            statuses[clinic_id] = storage.status_before(db, clinic_id, event["id"])
        entry = {
            "cursor": encode_cursor(event["id"]),
            "at": event["at"],
            "clinic_id": clinic_id,
            "hsds_organization_id": mapping.organization_id(clinic_id),
        }
        if event["target_type"] == "clinic":
            kind, statuses[clinic_id] = _clinic_change(event, statuses[clinic_id])
            if kind is None:
                continue
            entry["type"] = kind
            if kind == "updated":
                after = json.loads(event["after"]) if event["after"] else {}
                entry["fields"] = sorted(after) if isinstance(after, dict) else []
        elif statuses[clinic_id] == PUBLISHED and _moves_score(event):
            entry["type"] = "score_changed"
            entry["item"] = event["target_id"].split(":", 1)[1]
            entry["state"] = (json.loads(event["after"]) or {}).get("state")
        else:
            continue
        changes.append(entry)
        if len(changes) == limit:
            break
    return ChangePage(changes, encode_cursor(position), storage.has_events_after(db, position))
