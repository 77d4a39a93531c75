"""The people of a clinic: who may work on it (owner, editors) and invitations to join."""

from __future__ import annotations

import sqlite_utils

from directory.accounts import storage
from directory.accounts.services.errors import AccountError
from directory.events import record_event


def member_role(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> str | None:
    """Return the user's role at this clinic (owner | editor), or None."""
    return storage.member_role(db, clinic_id, user_id)


def clinics_of_user(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    """Return the clinics the user works on (id, name, city, country, status, role), by name."""
    return storage.clinics_of_user(db, user_id)


def clinic_members(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return the clinic's people (user_id, email, display_name, role), owners first."""
    return storage.clinic_members(db, clinic_id)


def list_invites(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return the clinic's pending invitations, oldest first."""
    return storage.list_invites(db, clinic_id)


def pending_invite(db: sqlite_utils.Database, invite_id: int) -> dict | None:
    """Return the invitation (with clinic_name) while it can still be accepted, else None."""
    invite = storage.get_invite(db, invite_id)
    return invite if invite is not None and invite["state"] == "pending" else None


def invite_editor(db: sqlite_utils.Database, clinic_id: str, email: str, *, invited_by: int) -> int:
    """Record an invitation for email to edit the clinic; return the invite id to mail."""
    email = email.strip().lower()
    with db.atomic():
        for member in storage.clinic_members(db, clinic_id):
            if member["email"] == email:
                raise AccountError(f"{email} already works on this listing.")
        for invite in storage.list_invites(db, clinic_id, state="pending"):
            if invite["email"] == email:
                return invite["id"]
        invite_id = storage.insert_invite(db, clinic_id, email, "editor", invited_by)
        record_event(
            db,
            actor=f"user:{invited_by}",
            action="clinic_user.invited",
            target_type="clinic",
            target_id=clinic_id,
            after={"invite_id": invite_id, "email": email, "role": "editor"},
        )
    return invite_id


def accept_invite(db: sqlite_utils.Database, invite_id: int, user_id: int) -> str:
    """Add the user to the invite's clinic; return the clinic id."""
    with db.atomic():
        invite = pending_invite(db, invite_id)
        user = storage.get_user(db, user_id)
        if invite is None or user is None:
            raise AccountError("This invitation is no longer valid.")
        if invite["email"] != user["email"].lower():
            raise AccountError(
                "This invitation was sent to another address. Log in with that address."
            )
        # Following the mailed link proves the address.
        storage.confirm_email(db, user_id)
        if not storage.member_role(db, invite["clinic_id"], user_id):
            storage.link_clinic(db, invite["clinic_id"], user_id, invite["role"])
        storage.set_invite_state(db, invite_id, "accepted", accepted_by=user_id)
        record_event(
            db,
            actor=f"user:{user_id}",
            action="clinic_user.added",
            target_type="clinic",
            target_id=invite["clinic_id"],
            after={"invite_id": invite_id, "user_id": user_id, "role": invite["role"]},
        )
    return invite["clinic_id"]


def revoke_invite(db: sqlite_utils.Database, clinic_id: str, invite_id: int, *, actor: str) -> None:
    """Withdraw a pending invitation of this clinic."""
    with db.atomic():
        invite = pending_invite(db, invite_id)
        if invite is None or invite["clinic_id"] != clinic_id:
            raise LookupError("no such invitation")
        storage.set_invite_state(db, invite_id, "revoked")
        record_event(
            db,
            actor=actor,
            action="clinic_user.invite_revoked",
            target_type="clinic",
            target_id=clinic_id,
            after={"invite_id": invite_id, "email": invite["email"]},
        )


def remove_member(db: sqlite_utils.Database, clinic_id: str, user_id: int, *, actor: str) -> None:
    """Take a user off a clinic; the last owner cannot be removed."""
    with db.atomic():
        role = storage.member_role(db, clinic_id, user_id)
        if role is None:
            raise LookupError("no such member")
        if role == "owner" and storage.count_owners(db, clinic_id) <= 1:
            raise AccountError("A listing needs an owner; the last owner cannot be removed.")
        storage.unlink_clinic(db, clinic_id, user_id)
        record_event(
            db,
            actor=actor,
            action="clinic_user.removed",
            target_type="clinic",
            target_id=clinic_id,
            before={"user_id": user_id, "role": role},
        )
