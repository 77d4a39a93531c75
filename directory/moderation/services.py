"""Moderation use cases: who may decide (conflicts of interest) and decisions on claims and
requests. The queue, the four-eyes rule and invitations have their own modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from directory.events import record_event
from directory.moderation import reports, storage

Send = Callable[[str, str, str], None]  # send(to, subject, body)

REJECT_REASONS = {
    "evidence-missing": "The evidence is missing or cannot be read",
    "evidence-outdated": "The evidence is out of date",
    "evidence-mismatch": "The evidence is for another clinic, person or treatment",
    "licence-not-found": "The licence could not be found on the authority's register",
    "register-mismatch": "The register's entry does not match (name, status or speciality)",
    "not-met": "The evidence shows the requirement is not met",
    "other": "Other (see the note)",
}


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


def dashboard_link(base_url: str, clinic_id: str) -> str:
    """Return the address of a clinic's dashboard, for links in e-mails."""
    from urllib.parse import quote

    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        path = url_for("clinic_admin.dashboard", clinic_id=clinic_id)
    except (RuntimeError, BuildError):  # no request (the CLI) or no accounts blueprint
        path = f"/manage/{quote(clinic_id, safe='')}"
    return f"{base_url.rstrip('/')}{path}"


def _domain(email: str | None) -> str:
    return (email or "").rpartition("@")[2].strip().lower()


# Conflicts of interest -----------------------------------------------------------------------


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


def declare_conflict(
    db: sqlite_utils.Database, moderator: Moderator, clinic_id: str, reason: str
) -> bool:
    """Record that the moderator must not decide on a clinic; False if already declared."""
    from directory.clinics.storage import clinic_exists

    reason = reports.clean_text(reason)[:500]
    if not clinic_exists(db, clinic_id):
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


# Reviewing a claim -----------------------------------------------------------------------------


def default_dates(item, clinic: dict, today: date) -> dict:
    """Prefill a verification: today, and the expiry from the checklist or a licence.

    For a practitioner-based item, the earliest licence expiry given (of prescribers only for
    the prescriber item) wins when it is earlier than the checklist's expiry.
    """
    expires = today + timedelta(days=item.expires_days)
    source = f"the checklist ({item.expires_days} days)"
    if item.practitioner_based:
        people = clinic.get("practitioners") or []
        if item.key == "physician-prescriber":
            people = [p for p in people if p.get("prescriber")]
        licences = []
        for person in people:
            try:
                licences.append((date.fromisoformat(str(person.get("licence_expiry"))), person))
            except ValueError:
                continue
        if licences:
            first, person = min(licences, key=lambda pair: pair[0])
            if first < expires:
                expires = first
                source = f"the licence of {person.get('name') or 'a practitioner'}"
    return {"verified_at": today, "expires_at": expires, "source": source}


def review_context(db: sqlite_utils.Database, clinic_id: str, item_key: str, *, today: date):
    """Return everything the review screen shows, or None when there is no such claim."""
    from directory.clinics.storage import get_clinic
    from directory.vetting.checklist import load_checklist
    from directory.vetting.services import claim_events, get_claim

    item = load_checklist().get(item_key)
    clinic = get_clinic(db, clinic_id)
    if item is None or clinic is None:
        return None
    claim = get_claim(db, clinic_id, item_key)
    if claim is None:
        return None
    return {
        "clinic": clinic,
        "item": item,
        "claim": claim,
        "evidence": claim["evidence"],
        "history": claim_events(db, clinic_id, item_key),
        "reports": storage.list_reports(db, clinic_id=clinic_id),
        "defaults": default_dates(item, clinic, today),
        "pending_actions": storage.list_actions(db, clinic_id=clinic_id),
    }


def verify(
    db: sqlite_utils.Database,
    moderator: Moderator,
    clinic_id: str,
    item_key: str,
    *,
    verified_at: date,
    expires_at: date,
    expected_state: str | None,
    today: date | None = None,
) -> dict:
    """Verify a claim (raises vetting's ConflictError if someone decided it meanwhile)."""
    from directory.vetting.services import verify_claim

    ensure_may_decide(db, moderator, clinic_id)
    return verify_claim(
        db,
        clinic_id,
        item_key,
        moderator_id=moderator.id,
        moderator_name=moderator.name,
        verified_at=verified_at,
        expires_at=expires_at,
        expected_state=expected_state,
        today=today,
    )


def _tell_clinic(db: sqlite_utils.Database, clinic_id: str, subject: str, body: str, send) -> int:
    sent = 0
    for email in storage.clinic_user_emails(db, clinic_id):
        send(email, subject, body)
        sent += 1
    return sent


def reject(
    db: sqlite_utils.Database,
    moderator: Moderator,
    clinic_id: str,
    item_key: str,
    *,
    reason_code: str,
    note: str,
    expected_state: str | None,
    send: Send | None = None,
    base_url: str = "",
    today: date | None = None,
) -> dict:
    """Reject a claim with a reason from the list and a note the clinic reads."""
    from directory.vetting.services import reject_claim

    if reason_code not in REJECT_REASONS:
        raise ModerationError("Choose a reason from the list.")
    note = reports.clean_text(note)
    if reason_code == "other" and not note:
        raise ModerationError("Write a note: the clinic needs to know what is wrong.")
    ensure_may_decide(db, moderator, clinic_id)
    reason = REJECT_REASONS[reason_code] + (f". {note}" if note else ".")
    claim = reject_claim(
        db,
        clinic_id,
        item_key,
        moderator_id=moderator.id,
        moderator_name=moderator.name,
        reason=reason,
        expected_state=expected_state,
        today=today,
    )
    if send is not None:
        _tell_clinic(
            db,
            clinic_id,
            f"Vetted: a claim was not accepted ({claim.get('title') or item_key})",
            f"A moderator reviewed your claim \u201c{_title(item_key)}\u201d and did not accept "
            f"it.\n\nReason: {reason}\n\nYou can add evidence and send it for review again "
            f"from your dashboard: {dashboard_link(base_url, clinic_id)}\n",
            send,
        )
    return claim


def _title(item_key: str) -> str:
    from directory.vetting.checklist import load_checklist

    item = load_checklist().get(item_key)
    return item.title if item else item_key


def request_information(
    db: sqlite_utils.Database,
    moderator: Moderator,
    clinic_id: str,
    item_key: str,
    *,
    note: str,
    expected_state: str | None,
    send: Send | None = None,
    base_url: str = "",
    today: date | None = None,
) -> dict:
    """Return a claim to the clinic asking for more information, and e-mail the clinic.

    The claim goes back to "claimed" (vetting.request_information), not "rejected": the
    clinic answers by adding evidence, which sends it back to review.
    """
    from directory.vetting import services as vetting

    note = reports.clean_text(note)
    if not note:
        raise ModerationError("Say what information is missing: the clinic reads this note.")
    ensure_may_decide(db, moderator, clinic_id)
    claim = vetting.request_information(
        db,
        clinic_id,
        item_key,
        moderator_id=moderator.id,
        moderator_name=moderator.name,
        reason=note,
        expected_state=expected_state,
        today=today,
    )
    if send is not None:
        _tell_clinic(
            db,
            clinic_id,
            f"Vetted: more information needed ({_title(item_key)})",
            f"A moderator reviewing your claim \u201c{_title(item_key)}\u201d needs more "
            f"information before deciding:\n\n{note}\n\nPlease add it from your dashboard: "
            f"{dashboard_link(base_url, clinic_id)}\n",
            send,
        )
    return claim


# Listing and ownership requests ----------------------------------------------------------------


def _decide_request(
    db: sqlite_utils.Database,
    moderator: Moderator,
    request: dict | None,
    *,
    approve: bool,
    reason: str,
    on_approve,
    on_reject,
) -> str:
    """Decide a listing or ownership request through the accounts service given."""
    from directory.accounts.services import AccountError

    if request is None:
        raise LookupError("no such request")
    ensure_may_decide(db, moderator, request["clinic_id"], also=(request.get("user_email"),))
    reason = reports.clean_text(reason)
    try:
        if approve:
            return on_approve(db, request["id"], actor=moderator.actor, reason=reason or None)
        return on_reject(db, request["id"], actor=moderator.actor, reason=reason)
    except AccountError as exc:
        raise ModerationError(str(exc)[:1].upper() + str(exc)[1:] + ".") from exc


def decide_listing(
    db: sqlite_utils.Database, moderator: Moderator, request_id: int, *, approve: bool, reason: str
) -> str:
    """Approve or reject a new listing; return its clinic id (drain the outbox afterwards)."""
    from directory.accounts import services as accounts
    from directory.accounts import storage as accounts_storage

    return _decide_request(
        db,
        moderator,
        accounts_storage.get_listing_request(db, request_id),
        approve=approve,
        reason=reason,
        on_approve=accounts.approve_listing,
        on_reject=accounts.reject_listing,
    )


def decide_ownership(
    db: sqlite_utils.Database, moderator: Moderator, request_id: int, *, approve: bool, reason: str
) -> str:
    """Approve or reject an ownership request; return the clinic id."""
    from directory.accounts import services as accounts
    from directory.accounts import storage as accounts_storage

    return _decide_request(
        db,
        moderator,
        accounts_storage.get_ownership_request(db, request_id),
        approve=approve,
        reason=reason,
        on_approve=accounts.approve_ownership,
        on_reject=accounts.reject_ownership,
    )
