"""Getting a listing: add a new clinic or claim an existing one, and a moderator's decision.

A new listing stays unpublished until a moderator approves it; a claim on a published clinic
is approved at once when the claimant's confirmed address is on the clinic website's own
domain and nobody owns the clinic yet, otherwise it waits for a moderator.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from directory.accounts import storage
from directory.accounts.services.domains import domain_matches
from directory.accounts.services.errors import AccountError
from directory.accounts.services.users import is_confirmed
from directory.clinics.services import get_clinic, save_profile, set_status
from directory.events import record_event
from directory.notifications.services import notify
from directory.vetting.services import with_scores


def new_clinic_id(db: sqlite_utils.Database, name: str) -> str:
    """Return an unused clinic id made from the name and a random suffix."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "clinic"
    while True:
        clinic_id = f"{slug}-{secrets.token_hex(3)}"
        if get_clinic(db, clinic_id) is None:
            return clinic_id


def create_listing(db: sqlite_utils.Database, user: dict, profile: dict) -> str:
    """Save a new, unpublished clinic owned by user, with a pending listing request.

    profile is a validated profile without id or status; returns the new clinic id.
    """
    if not is_confirmed(user):
        raise AccountError("Confirm your e-mail address before you add a listing.")
    actor = f"user:{user['id']}"
    with db.atomic():
        clinic_id = new_clinic_id(db, profile["name"])
        save_profile(db, {**profile, "id": clinic_id, "status": "unpublished"}, actor=actor)
        storage.link_clinic(db, clinic_id, user["id"], "owner")
        request_id = storage.insert_listing_request(db, clinic_id, user["id"])
        record_event(
            db,
            actor=actor,
            action="listing.requested",
            target_type="clinic",
            target_id=clinic_id,
            after={"request_id": request_id},
        )
    return clinic_id


def preview_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return a clinic as its public page would show it, whatever its status (or None)."""
    clinic = get_clinic(db, clinic_id)
    return with_scores(db, [clinic])[0] if clinic is not None else None


def claimable_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return the published clinic a person may claim, or None."""
    clinic = get_clinic(db, clinic_id) if len(clinic_id) <= 200 else None
    return clinic if clinic is not None and clinic["status"] == "published" else None


def find_claimable_clinics(db: sqlite_utils.Database, text: str) -> list[dict]:
    """Return published clinics whose name, postcode or city contains text, by name."""
    return storage.find_claimable_clinics(db, text)


def request_ownership(
    db: sqlite_utils.Database, user: dict, clinic_id: str, *, note: str | None = None
) -> dict:
    """Claim an existing published clinic for user; return the ownership request row."""
    if not is_confirmed(user):
        raise AccountError("Confirm your e-mail address before you claim a clinic.")
    with db.atomic():
        clinic = claimable_clinic(db, clinic_id)
        if clinic is None:
            raise LookupError("no such clinic")
        if storage.member_role(db, clinic_id, user["id"]):
            raise AccountError("You already manage this clinic.")
        waiting = list_requests(db, "ownership", clinic_id=clinic_id, user_id=user["id"])
        if waiting:
            return waiting[0]
        automatic = storage.count_owners(db, clinic_id) == 0 and domain_matches(
            user["email"], clinic["contact"]["website"]
        )
        request_id = storage.insert_ownership_request(
            db,
            clinic_id,
            user["id"],
            note=note,
            method="email-domain" if automatic else "moderator",
        )
        record_event(
            db,
            actor=f"user:{user['id']}",
            action="ownership.requested",
            target_type="clinic",
            target_id=clinic_id,
            after={"request_id": request_id, "note": note},
        )
        if automatic:
            decide_request(
                db,
                "ownership",
                request_id,
                "approved",
                actor="system:email-domain",
                reason="the confirmed address is on the clinic website's domain",
            )
    return get_request(db, "ownership", request_id)


def list_requests(
    db: sqlite_utils.Database,
    kind: str,
    state: str | None = "pending",
    *,
    clinic_id: str | None = None,
    user_id: int | None = None,
) -> list[dict]:
    """Return "listing" or "ownership" requests in this state (None for all), oldest first.

    Each row has the request (id, clinic_id, user_id, state, created_at, decided_at,
    decided_by, reason; a claim also method and note) plus clinic_name, city, country,
    website, clinic_status, the requester's user_email and email_confirmed_at.
    """
    table = KINDS[kind].table
    return storage.list_requests(db, table, state=state, clinic_id=clinic_id, user_id=user_id)


def get_request(db: sqlite_utils.Database, kind: str, request_id: int) -> dict | None:
    """Return one "listing" or "ownership" request (as list_requests rows are), or None."""
    return storage.get_request(db, KINDS[kind].table, request_id)


def list_pending_listings(db: sqlite_utils.Database) -> list[dict]:
    """Return listing requests waiting for a moderator, oldest first."""
    return list_requests(db, "listing")


def list_ownership_requests(db: sqlite_utils.Database, state: str | None = "pending") -> list[dict]:
    """Return ownership requests in this state (None for all), oldest first."""
    return list_requests(db, "ownership", state)


# A moderator's decision (the four named functions are its entry points by name)


def _publish(db: sqlite_utils.Database, request: dict, *, actor: str, reason: str | None) -> dict:
    if not request["email_confirmed_at"]:
        raise AccountError("the requester has not confirmed their e-mail address yet")
    set_status(db, request["clinic_id"], "published", actor=actor, reason=reason)
    return {}


def _make_owner(
    db: sqlite_utils.Database, request: dict, *, actor: str, reason: str | None
) -> dict:
    storage.link_clinic(db, request["clinic_id"], request["user_id"], "owner")
    return {"role": "owner"}


@dataclass(frozen=True)
class _Requests:
    """One kind of request a moderator decides: a new listing, or a claim on a clinic."""

    table: str
    noun: str
    action: str  # the prefix of its events
    approve: Callable[..., dict]  # does what approving means; returns what the event adds
    reject_hint: str
    names_user: bool  # whether its events name the requester


LISTINGS = _Requests(
    table="listing_requests",
    noun="listing request",
    action="listing",
    approve=_publish,
    reject_hint="say why the listing is rejected; the clinic will read it",
    names_user=False,
)
OWNERSHIP = _Requests(
    table="ownership_requests",
    noun="ownership request",
    action="ownership",
    approve=_make_owner,
    reject_hint="say why the claim is rejected; the claimant will read it",
    names_user=True,
)
KINDS = {"listing": LISTINGS, "ownership": OWNERSHIP}


def decide_request(
    db: sqlite_utils.Database,
    kind: str,
    request_id: int,
    state: str,
    *,
    actor: str,
    reason: str | None = None,
) -> str:
    """Approve or reject a pending "listing" or "ownership" request; return the clinic id.

    state is approved or rejected (a rejection needs a reason: the requester reads it).
    Approving a listing publishes the clinic; approving a claim makes the claimant an owner.
    The decision is notified in the same transaction: a listing's to the people of the clinic,
    a claim's to the claimant.
    """
    if state not in ("approved", "rejected"):
        raise ValueError(state)
    rules = KINDS[kind]
    if state == "rejected" and (not reason or not reason.strip()):
        raise AccountError(rules.reject_hint)
    with db.atomic():
        request = storage.get_request(db, rules.table, request_id)
        if request is None:
            raise LookupError(f"no such {rules.noun}")
        if request["state"] != "pending":
            raise AccountError(f"that {rules.noun} was already {request['state']}")
        after = {"request_id": request_id}
        if rules.names_user:
            after["user_id"] = request["user_id"]
        if state == "approved":
            after.update(rules.approve(db, request, actor=actor, reason=reason))
        storage.decide_request(
            db, rules.table, request_id, state=state, decided_by=actor, reason=reason
        )
        record_event(
            db,
            actor=actor,
            action=f"{rules.action}.{state}",
            target_type="clinic",
            target_id=request["clinic_id"],
            after=after,
            reason=reason,
        )
        notify(
            db,
            f"{rules.action}.{state}",
            request["clinic_id"],
            user_id=request["user_id"] if rules.names_user else None,
            clinic_name=request["clinic_name"] or request["clinic_id"],
            reason=reason,
        )
    return request["clinic_id"]
