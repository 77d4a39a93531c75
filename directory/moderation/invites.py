"""Admins invite moderators: a single-use link, kept only as a hash, that expires."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

from directory.accounts.services import AccountError, create_user
from directory.accounts.storage import get_user_by_email
from directory.events import record_event
from directory.moderation import storage
from directory.moderation.services import ModerationError, Moderator, Refused
from directory.moderation.text import clean_text, sentence

INVITE_HOURS = 72
INVITE_ROLES = ("moderator", "admin")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_moderator(
    db: sqlite_utils.Database,
    admin: Moderator,
    email: str,
    *,
    role: str = "moderator",
    now: datetime | None = None,
) -> str:
    """Create a single-use invitation and return the token for its link (kept only hashed)."""
    if admin.role != "admin":
        raise Refused("Only an admin can invite moderators.")
    email = (email or "").strip().lower()
    if role not in INVITE_ROLES:
        raise ModerationError("Choose moderator or admin.")
    if "@" not in email or len(email) > 254:
        raise ModerationError("That is not an e-mail address.")
    if get_user_by_email(db, email):
        raise ModerationError(f"An account for {email} already exists.")
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    expires = (now + timedelta(hours=INVITE_HOURS)).replace(microsecond=0).isoformat()
    with db.atomic():
        invite_id = storage.insert_invite(
            db,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            created_by=admin.id,
            expires_at=expires,
        )
        record_event(
            db,
            actor=admin.actor,
            action="moderation.invited",
            target_type="invite",
            target_id=str(invite_id),
            after={"email": email, "role": role, "expires_at": expires},
        )
    return token


def find_invite(db: sqlite_utils.Database, token: str, *, now: datetime | None = None):
    """Return the unused, unexpired invitation for this token, or None."""
    if not token or len(token) > 200:
        return None
    invite = storage.get_invite_by_token_hash(db, _token_hash(token))
    now = now or datetime.now(UTC)
    if invite is None or invite["used_at"]:
        return None
    if datetime.fromisoformat(invite["expires_at"]) <= now:
        return None
    return invite


def accept_invite(
    db: sqlite_utils.Database,
    token: str,
    *,
    password: str,
    display_name: str | None,
    now: datetime | None = None,
) -> int:
    """Create the invited account with this password; return its user id."""
    invite = find_invite(db, token, now=now)
    if invite is None:
        raise ModerationError("This invitation link is not valid any more.")
    with db.atomic():
        try:
            user_id = create_user(
                db,
                email=invite["email"],
                password=password,
                role=invite["role"],
                display_name=clean_text(display_name)[:100] or None,
                confirmed=True,
                actor=f"invite:{invite['id']}",
            )
        except AccountError as exc:
            raise ModerationError(sentence(exc)) from exc
        if not storage.mark_invite_used(db, invite["id"], user_id):
            raise ModerationError("This invitation link was used already.")
    return user_id


def list_invites(db: sqlite_utils.Database) -> list[dict]:
    """Return the latest invitations, newest first, with who sent each."""
    return storage.list_invites(db)
