"""A clinic's audit trail as people read it: who (by name and role), what changed, in words.

Each ledger event becomes a timeline entry: the actor's name and role instead of "user:4",
a sentence for the action, the field-by-field differences of a profile edit (through the
profile editor's own field list and display rules), and the raw event as JSON written with
its own characters (Arabic as Arabic, not \\u escapes). The ledger itself is unchanged; the
CSV export (export.py) still gives it as stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from directory.accounts import editor
from directory.accounts.services import get_user
from directory.clinics.services import get_clinic
from directory.moderation import storage
from directory.moderation.reports import CATEGORIES, OUTCOMES, RISKS
from directory.vetting.checklist import load_checklist
from directory.vocabulary import load_vocabulary

# What each action did, as a sentence; {item} is a checklist item's title.
SENTENCES = {
    "clinic.created": "Created the listing",
    "clinic.updated": "Edited the profile",
    "clinic.published": "Published the listing",
    "clinic.suspended": "Suspended the listing",
    "clinic.unpublished": "Took the listing out of the directory",
    "listing.requested": "Asked for the new listing to be published",
    "listing.approved": "Approved the new listing",
    "listing.rejected": "Refused the new listing",
    "ownership.requested": "Asked to manage the clinic",
    "ownership.approved": "Approved a claim to manage the clinic",
    "ownership.rejected": "Refused a claim to manage the clinic",
    "clinic_user.invited": "Invited {email} to edit the listing",
    "clinic_user.added": "Joined the people who manage the clinic",
    "clinic_user.invite_revoked": "Withdrew the invitation of {email}",
    "clinic_user.removed": "Removed someone who managed the clinic",
    "claim.claimed": "Claimed “{item}”",
    "claim.statement": "Changed the statement for “{item}”",
    "claim.pending_review": "“{item}” is waiting for review",
    "claim.evidence": "Added evidence for “{item}”",
    "claim.evidence_withdrawn": "Withdrew evidence for “{item}”",
    "claim.verified": "Verified “{item}”",
    "claim.rejected": "Rejected “{item}”",
    "claim.info_requested": "Asked the clinic for more information about “{item}”",
    "claim.expired": "The verification of “{item}” expired",
    "report.received": "A patient reported a concern: {category}",
    "report.triaged": "Triaged a patient report: {risk} risk; {outcome}",
    "report.outcome": "A patient report ended: {outcome}",
    "moderation.suspend_requested": "Asked a second moderator to suspend the listing",
    "moderation.suspend_confirmed": "Confirmed the suspension, as the second moderator",
    "moderation.suspend_cancelled": "Cancelled the request to suspend the listing",
    "moderation.reinstate_requested": "Asked a second moderator to reinstate the listing",
    "moderation.reinstate_confirmed": "Confirmed the reinstatement, as the second moderator",
    "moderation.reinstate_cancelled": "Cancelled the request to reinstate the listing",
    "moderation.reverse_verification_requested": (
        "Asked a second moderator to reverse the verification of “{item}”"
    ),
    "moderation.reverse_verification_confirmed": (
        "Confirmed the reversal of a verification, as the second moderator"
    ),
    "moderation.reverse_verification_cancelled": "Cancelled the request to reverse a verification",
    "moderation.conflict_declared": "Declared a conflict of interest with the clinic",
    "moderation.conflict_withdrawn": "Withdrew a declared conflict of interest",
}
# Actors that are not people, by the name the ledger gives them.
SYSTEM_ACTORS = {
    "demo": ("Demo data", "generated"),
    "sweep": ("Daily sweep", "automatic"),
    "public": ("A patient", "no account"),
    "system:email-domain": ("Automatic approval", "the address is on the clinic website's domain"),
    "cli": ("Command line", "an operator"),
    "cli:import": ("Import", "command line"),
    "web": ("Registration page", "automatic"),
}
ROLE_NAMES = {"clinic": "clinic account", "moderator": "moderator", "admin": "admin"}
# Profile fields the editor does not show, named for the timeline.
OTHER_FIELDS = {"status": "Status", "external_ids": "Identifiers in other registers"}


@dataclass
class Entry:
    """One event of the timeline."""

    id: int
    at: str
    actor: str  # a name
    role: str  # moderator, admin, clinic account, automatic...
    what: str
    reason: str | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    raw: str = ""
    action: str = ""


def actor_names(db: sqlite_utils.Database, actors: set[str]) -> dict[str, tuple[str, str]]:
    """Map ledger actors ("user:4", "demo", ...) to (name, role)."""
    out = {}
    for actor in actors:
        kind, _, rest = (actor or "").partition(":")
        if actor in SYSTEM_ACTORS:
            out[actor] = SYSTEM_ACTORS[actor]
        elif kind == "user" and rest.isdigit():
            user = get_user(db, int(rest))
            if user is None:
                out[actor] = (f"Deleted account {rest}", "unknown")
            else:
                name = user.get("display_name") or user["email"]
                out[actor] = (name, ROLE_NAMES.get(user["role"], user["role"]))
        elif kind == "moderator" and rest:
            out[actor] = (rest, "moderator")
        elif kind == "invite" and rest:
            out[actor] = ("Invitation", "accepted")
        else:
            out[actor] = (actor or "unknown", "")
    return out


def _item_key(event: dict) -> str | None:
    after = event.get("after") if isinstance(event.get("after"), dict) else {}
    if event["target_type"] == "claim":
        return event["target_id"].rpartition(":")[2]
    return after.get("item_key")


def describe(event: dict) -> str:
    """Return what an event did, as a sentence."""
    after = event.get("after") if isinstance(event.get("after"), dict) else {}
    sentence = SENTENCES.get(event["action"])
    if sentence is None:
        return f"Recorded “{event['action']}”"
    key = _item_key(event)
    item = load_checklist().get(key) if key else None
    values = {
        "item": item.title if item else (key or "an item"),
        "email": after.get("email") or "someone",
        "category": CATEGORIES.get(after.get("category"), after.get("category") or "unknown"),
        "risk": RISKS.get(after.get("risk"), after.get("risk") or "unknown"),
        "outcome": OUTCOMES.get(after.get("outcome"), after.get("outcome") or "unknown"),
    }
    text = sentence.format(**values)
    if event["action"] == "claim.verified" and after.get("expires_at"):
        text += f", until {after['expires_at'][:10]}"
    return text


def profile_changes(event: dict) -> list[tuple[str, str, str]]:
    """Return (field, before, after) for every field a profile event changed, in words."""
    if event["action"] not in ("clinic.updated", "clinic.created"):
        return []
    before = event.get("before") if isinstance(event.get("before"), dict) else {}
    after = event.get("after") if isinstance(event.get("after"), dict) else {}
    vocabulary = load_vocabulary()
    rows = [
        (
            editor.FIELDS[path],
            editor.display(path, before, vocabulary),
            editor.display(path, after, vocabulary),
        )
        for path in editor.changed_fields(before, after)
    ]
    for key, label in OTHER_FIELDS.items():
        if key in after and before.get(key) != after.get(key):
            rows.append((label, _plain(before.get(key)), _plain(after.get(key))))
    return rows


def _plain(value) -> str:
    if value in (None, "", [], {}):
        return "(empty)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def raw_event(event: dict) -> str:
    """Return the event as stored, as readable JSON (every script as itself)."""
    return json.dumps(event, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def clinic_timeline(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return a clinic and its audit trail as timeline entries (oldest first), or None."""
    clinic = get_clinic(db, clinic_id)
    if clinic is None:
        return None
    events = storage.clinic_events(db, clinic_id)
    names = actor_names(db, {e["actor"] for e in events})
    entries = [
        Entry(
            id=event["id"],
            at=event["at"],
            actor=names[event["actor"]][0],
            role=names[event["actor"]][1],
            what=describe(event),
            reason=event.get("reason"),
            changes=profile_changes(event) if event["action"] == "clinic.updated" else [],
            raw=raw_event(event),
            action=event["action"],
        )
        for event in events
    ]
    return {"clinic": clinic, "entries": entries}
