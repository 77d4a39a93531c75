"""Who decides: the moderator, the refusals moderation raises, and conflicts of interest.

Decisions live beside what they decide on: claims (claims.py), listing and ownership requests
(requests.py), reports (reports.py), heavy actions (four_eyes.py), invitations (invites.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from directory.clinics.services import get_clinic
from directory.events import record_event
from directory.moderation import storage
from directory.moderation.text import clean_text

Send = Callable[[str, str, str], None]  # send(to, subject, body)
Link = Callable[[str], str]  # clinic id -> the absolute address of its dashboard


class ModerationError(ValueError):
    """A moderation request was refused; the message says why, in plain words."""


class Refused(ModerationError):
    """The moderator may not decide on this clinic (conflict of interest)."""


@dataclass(frozen=True)
class Moderator:
    """The person deciding: taken from the logged-in user."""

    id: int
    email: str
    name: str
    role: str = "moderator"

    @property
    def actor(self) -> str:
        return f"user:{self.id}"

    @classmethod
    def from_user(cls, user) -> Moderator:
        return cls(id=user.id, email=user.email, name=user.display_name, role=user.role)


def tell_clinic(db: sqlite_utils.Database, clinic_id: str, subject: str, body: str, send) -> int:
    """E-mail every enabled account of a clinic; return how many were sent."""
    emails = storage.clinic_user_emails(db, clinic_id)
    for email in emails:
        send(email, subject, body)
    return len(emails)


def _domain(email: str | None) -> str:
    return (email or "").rpartition("@")[2].strip().lower()


def conflict_reason(
    db: sqlite_utils.Database, moderator: Moderator, clinic_id: str, *, also: tuple[str, ...] = ()
) -> str | None:
    """Say why this moderator may not decide on this clinic, or None when they may.

    `also` adds e-mail addresses that count as the clinic's (a claimant not yet linked).
    """
    if storage.has_conflict(db, moderator.id, clinic_id):
        return "You declared a conflict of interest with this clinic."
    mine = _domain(moderator.email)
    domains = storage.clinic_user_domains(db, clinic_id) | {_domain(e) for e in also if e}
    if mine and mine in domains:
        return f"An account of this clinic uses your e-mail domain ({mine})."
    return None


def ensure_may_decide(
    db: sqlite_utils.Database, moderator: Moderator, clinic_id: str, *, also: tuple[str, ...] = ()
) -> None:
    reason = conflict_reason(db, moderator, clinic_id, also=also)
    if reason:
        raise Refused(f"{reason} Another moderator must decide.")


def list_conflicts(db: sqlite_utils.Database, moderator: Moderator) -> list[dict]:
    """Return the moderator's own declarations, with each clinic's name."""
    return storage.list_conflicts(db, moderator.id)


def declare_conflict(
    db: sqlite_utils.Database, moderator: Moderator, clinic_id: str, reason: str
) -> bool:
    """Record that the moderator must not decide on a clinic; False if already declared."""
    reason = clean_text(reason)[:500]
    if get_clinic(db, clinic_id) is None:
        raise ModerationError("There is no clinic with that id.")
    with db.atomic():
        added = storage.add_conflict(db, moderator.id, clinic_id, reason)
        if added:
            record_event(
                db,
                actor=moderator.actor,
                action="moderation.conflict_declared",
                target_type="clinic",
                target_id=clinic_id,
                after={"user_id": moderator.id},
                reason=reason or None,
            )
    return added


def withdraw_conflict(db: sqlite_utils.Database, moderator: Moderator, conflict_id: int) -> bool:
    with db.atomic():
        row = storage.remove_conflict(db, moderator.id, conflict_id)
        if row is None:
            return False
        record_event(
            db,
            actor=moderator.actor,
            action="moderation.conflict_withdrawn",
            target_type="clinic",
            target_id=row["clinic_id"],
            before={"user_id": moderator.id},
        )
    return True
