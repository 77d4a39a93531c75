"""Account use cases shared by the CLI and the web.

Users (register, confirm, authenticate, passwords), getting a listing (create a new one or
claim an existing clinic), the people of a clinic (owner, editors, invites), and drafts of
the profile editor. No Flask here: views send the mails and drain the search outbox.
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from directory.accounts import storage
from directory.accounts.passwords import (
    MIN_LENGTH,
    check_password,
    generate_password,
    hash_password,
)
from directory.events import record_event

ROLES = ("clinic", "moderator", "admin")
CLINIC_ROLES = ("owner", "editor")
MAX_PASSWORD_LENGTH = 256
DEMO_LOGINS = (
    ("owner@demo.vetted.test", "clinic", "Demo clinic owner"),
    ("moderator@demo.vetted.test", "moderator", "Demo moderator"),
    ("admin@demo.vetted.test", "admin", "Demo admin"),
)

# fmt: off
# Addresses anyone can get: owning one proves nothing about a clinic's website.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "outlook.co.uk", "hotmail.com",
        "hotmail.co.uk", "hotmail.fr", "live.com", "live.co.uk", "msn.com", "yahoo.com",
        "yahoo.co.uk", "yahoo.fr", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de",
        "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com",
        "126.com", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net",
        "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "fastmail.com", "tutanota.com",
        "hey.com", "rocketmail.com", "nhs.net",
    }
)
# Website hosts shared by many organisations: a matching address proves nothing either.
SHARED_WEBSITE_HOSTS = frozenset(
    {
        "nhs.uk", "nhs.net", "gov.uk", "facebook.com", "instagram.com", "google.com",
        "business.site", "wixsite.com", "wordpress.com", "blogspot.com", "linktr.ee",
        "squarespace.com", "godaddysites.com", "weebly.com", "tiktok.com", "x.com",
        "twitter.com", "linkedin.com", "yell.com", "treatwell.co.uk", "fresha.com",
        "booksy.com", "github.io",
    }
)
# fmt: on


class AccountError(ValueError):
    """A user could not be created or changed; the message says why."""


# Users


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return why this password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if email and password.strip().lower() == email.strip().lower():
        return "Your password must not be your e-mail address."
    if len(set(password)) < 4:
        return "That password is too easy to guess; mix more different characters."
    return None


def create_user(
    db: sqlite_utils.Database,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    confirmed: bool = False,
    actor: str = "system",
) -> int:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise AccountError("that is not an e-mail address")
    if len(password) < MIN_LENGTH:
        raise AccountError(f"passwords need at least {MIN_LENGTH} characters")
    with db.atomic():
        if storage.get_user_by_email(db, email):
            raise AccountError(f"an account for {email} already exists")
        user_id = storage.insert_user(
            db,
            email=email,
            password_hash=hash_password(password),
            role=role,
            display_name=display_name,
            confirmed=confirmed,
        )
        record_event(
            db,
            actor=actor,
            action="user.created",
            target_type="user",
            target_id=str(user_id),
            after={"email": email, "role": role},
        )
    return user_id


def register_clinic_user(db: sqlite_utils.Database, *, email: str, password: str) -> int | None:
    """Create an unconfirmed clinic account; return its id, or None if the address is taken.

    The caller answers the same way in both cases, so the form does not reveal who has an
    account; it mails the address either a confirmation link or a "you already have one" note.
    """
    if storage.get_user_by_email(db, email):
        return None
    try:
        return create_user(db, email=email, password=password, role="clinic", actor="web")
    except AccountError:
        # Lost a race with another registration of the same address.
        return None


def confirm_email(db: sqlite_utils.Database, user_id: int, email: str) -> bool:
    """Confirm the user's address if it is still the one the link was sent to."""
    user = storage.get_user(db, user_id)
    if user is None or user["email"] != email.strip().lower() or user["disabled"]:
        return False
    if not user["email_confirmed_at"]:
        with db.atomic():
            storage.confirm_email(db, user_id)
            record_event(
                db,
                actor=f"user:{user_id}",
                action="user.email_confirmed",
                target_type="user",
                target_id=str(user_id),
                after={"email": user["email"]},
            )
    return True


@functools.cache
def _dummy_hash() -> str:
    # Checking a password costs the same whether or not the account exists (no timing oracle).
    return hash_password(secrets.token_urlsafe(16))


def authenticate(db: sqlite_utils.Database, email: str, password: str) -> dict | None:
    """Return the user row when email and password match an active account, else None."""
    user = storage.get_user_by_email(db, email) if len(email) <= 254 else None
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    if user is None:
        check_password(_dummy_hash(), password)
        return None
    if not check_password(user["password_hash"], password) or user["disabled"]:
        return None
    return user


def set_password(
    db: sqlite_utils.Database, user_id: int, new_password: str, *, actor: str, action: str
) -> None:
    """Replace a user's password (which also voids every reset link already sent)."""
    user = storage.get_user(db, user_id)
    if user is None:
        raise AccountError("no such user")
    problem = password_problem(new_password, user["email"])
    if problem:
        raise AccountError(problem)
    with db.atomic():
        storage.set_password_hash(db, user_id, hash_password(new_password))
        if action == "user.password_reset":
            # The reset link reached the mailbox: that confirms the address too.
            storage.confirm_email(db, user_id)
        record_event(db, actor=actor, action=action, target_type="user", target_id=str(user_id))


def change_password(
    db: sqlite_utils.Database, user_id: int, current_password: str, new_password: str
) -> None:
    """Change a password after checking the current one."""
    user = storage.get_user(db, user_id)
    if user is None or not check_password(user["password_hash"], current_password):
        raise AccountError("That is not your current password.")
    set_password(db, user_id, new_password, actor=f"user:{user_id}", action="user.password_changed")


def is_confirmed(user: dict) -> bool:
    return bool(user.get("email_confirmed_at"))


# Getting a listing


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower().rstrip(".")


def website_host(website: str | None) -> str:
    """Return the website's host name without a leading www., or ''."""
    if not website:
        return ""
    text = website.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = (urlsplit(text).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _within(host: str, domains: frozenset[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def domain_matches(email: str, website: str | None) -> bool:
    """Tell whether the address's domain is the clinic website's own domain.

    Free-mail domains and hosts shared by many organisations never match.
    """
    domain = email_domain(email).removeprefix("www.")
    host = website_host(website)
    if not domain or not host or "." not in domain:
        return False
    if _within(domain, FREE_MAIL_DOMAINS) or _within(host, SHARED_WEBSITE_HOSTS):
        return False
    return host == domain or host.endswith("." + domain)


def new_clinic_id(db: sqlite_utils.Database, name: str) -> str:
    """Return an unused clinic id made from the name and a random suffix."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "clinic"
    from directory.clinics.storage import clinic_exists

    while True:
        clinic_id = f"{slug}-{secrets.token_hex(3)}"
        if not clinic_exists(db, clinic_id):
            return clinic_id


def create_listing(db: sqlite_utils.Database, user: dict, profile: dict) -> str:
    """Save a new, unpublished clinic owned by user, with a pending listing request.

    profile is a validated profile without id or status; returns the new clinic id.
    """
    from directory.clinics.services import save_profile

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


def list_pending_listings(db: sqlite_utils.Database) -> list[dict]:
    """Return listing requests waiting for a moderator, oldest first.

    Each row has the request (id, clinic_id, user_id, state, created_at) plus clinic_name,
    city, country, website and the requester's user_email.
    """
    return storage.list_listing_requests(db, state="pending")


def _pending(row: dict | None, what: str) -> dict:
    if row is None:
        raise LookupError(f"no such {what}")
    if row["state"] != "pending":
        raise AccountError(f"that {what} was already {row['state']}")
    return row


def approve_listing(
    db: sqlite_utils.Database, request_id: int, *, actor: str, reason: str | None = None
) -> str:
    """Publish a pending listing; return its clinic id. Drain the search outbox afterwards."""
    from directory.clinics.services import set_status

    with db.atomic():
        request = _pending(storage.get_listing_request(db, request_id), "listing request")
        if not request["email_confirmed_at"]:
            raise AccountError("the requester has not confirmed their e-mail address yet")
        storage.decide_request(
            db, "listing_requests", request_id, state="approved", decided_by=actor, reason=reason
        )
        set_status(db, request["clinic_id"], "published", actor=actor, reason=reason)
        record_event(
            db,
            actor=actor,
            action="listing.approved",
            target_type="clinic",
            target_id=request["clinic_id"],
            after={"request_id": request_id},
            reason=reason,
        )
    return request["clinic_id"]


def reject_listing(db: sqlite_utils.Database, request_id: int, *, actor: str, reason: str) -> str:
    """Refuse a pending listing (it stays unpublished); return its clinic id."""
    if not reason or not reason.strip():
        raise AccountError("say why the listing is rejected; the clinic will read it")
    with db.atomic():
        request = _pending(storage.get_listing_request(db, request_id), "listing request")
        storage.decide_request(
            db, "listing_requests", request_id, state="rejected", decided_by=actor, reason=reason
        )
        record_event(
            db,
            actor=actor,
            action="listing.rejected",
            target_type="clinic",
            target_id=request["clinic_id"],
            after={"request_id": request_id},
            reason=reason,
        )
    return request["clinic_id"]


def request_ownership(
    db: sqlite_utils.Database, user: dict, clinic_id: str, *, note: str | None = None
) -> dict:
    """Claim an existing published clinic for user; return the ownership request row.

    Approved at once when the user's confirmed address is on the clinic website's own domain
    and nobody owns the clinic yet; otherwise it waits for a moderator.
    """
    from directory.clinics.storage import get_clinic

    if not is_confirmed(user):
        raise AccountError("Confirm your e-mail address before you claim a clinic.")
    with db.atomic():
        clinic = get_clinic(db, clinic_id)
        if clinic is None or clinic["status"] != "published":
            raise LookupError("no such clinic")
        if storage.member_role(db, clinic_id, user["id"]):
            raise AccountError("You already manage this clinic.")
        waiting = storage.list_ownership_requests(
            db, state="pending", clinic_id=clinic_id, user_id=user["id"]
        )
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
            approve_ownership(
                db,
                request_id,
                actor="system:email-domain",
                reason="the confirmed address is on the clinic website's domain",
            )
    return storage.get_ownership_request(db, request_id)


def list_ownership_requests(db: sqlite_utils.Database, state: str | None = "pending") -> list[dict]:
    """Return ownership requests in this state (None for all), oldest first.

    Each row has the request (id, clinic_id, user_id, state, method, note, created_at,
    decided_at, decided_by, reason) plus clinic_name, city, country, website and user_email.
    """
    return storage.list_ownership_requests(db, state=state)


def approve_ownership(
    db: sqlite_utils.Database, request_id: int, *, actor: str, reason: str | None = None
) -> str:
    """Make the claimant an owner of the clinic; return the clinic id."""
    with db.atomic():
        request = _pending(storage.get_ownership_request(db, request_id), "ownership request")
        storage.decide_request(
            db, "ownership_requests", request_id, state="approved", decided_by=actor, reason=reason
        )
        storage.link_clinic(db, request["clinic_id"], request["user_id"], "owner")
        record_event(
            db,
            actor=actor,
            action="ownership.approved",
            target_type="clinic",
            target_id=request["clinic_id"],
            after={"request_id": request_id, "user_id": request["user_id"], "role": "owner"},
            reason=reason,
        )
    return request["clinic_id"]


def reject_ownership(db: sqlite_utils.Database, request_id: int, *, actor: str, reason: str) -> str:
    """Refuse an ownership request; return the clinic id."""
    if not reason or not reason.strip():
        raise AccountError("say why the claim is rejected; the claimant will read it")
    with db.atomic():
        request = _pending(storage.get_ownership_request(db, request_id), "ownership request")
        storage.decide_request(
            db, "ownership_requests", request_id, state="rejected", decided_by=actor, reason=reason
        )
        record_event(
            db,
            actor=actor,
            action="ownership.rejected",
            target_type="clinic",
            target_id=request["clinic_id"],
            after={"request_id": request_id, "user_id": request["user_id"]},
            reason=reason,
        )
    return request["clinic_id"]


# The people of a clinic


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


def accept_invite(db: sqlite_utils.Database, invite_id: int, user: dict) -> str:
    """Add the logged-in user to the invite's clinic; return the clinic id."""
    with db.atomic():
        invite = storage.get_invite(db, invite_id)
        if invite is None or invite["state"] != "pending":
            raise AccountError("This invitation is no longer valid.")
        if invite["email"] != user["email"].lower():
            raise AccountError(
                "This invitation was sent to another address. Log in with that address."
            )
        # Following the mailed link proves the address.
        storage.confirm_email(db, user["id"])
        if not storage.member_role(db, invite["clinic_id"], user["id"]):
            storage.link_clinic(db, invite["clinic_id"], user["id"], invite["role"])
        storage.set_invite_state(db, invite_id, "accepted", accepted_by=user["id"])
        record_event(
            db,
            actor=f"user:{user['id']}",
            action="clinic_user.added",
            target_type="clinic",
            target_id=invite["clinic_id"],
            after={"invite_id": invite_id, "user_id": user["id"], "role": invite["role"]},
        )
    return invite["clinic_id"]


def revoke_invite(db: sqlite_utils.Database, clinic_id: str, invite_id: int, *, actor: str) -> None:
    with db.atomic():
        invite = storage.get_invite(db, invite_id)
        if invite is None or invite["clinic_id"] != clinic_id or invite["state"] != "pending":
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


# Drafts of the profile editor

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
    storage.delete_draft(db, user_id, clinic_id)


# Demo logins


def ensure_demo_logins(db: sqlite_utils.Database, data_dir: Path) -> list[tuple[str, str, str]]:
    """Create the demo logins on first run; return (email, password, role) for each.

    Passwords are random, generated once, and kept in DATA_DIR/demo-logins.txt (mode 600)
    so they can be printed again on later runs.
    """
    path = data_dir / "demo-logins.txt"
    known: dict[str, tuple[str, str]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                known[parts[0]] = (parts[1], parts[2])
    out = []
    for email, role, name in DEMO_LOGINS:
        if email in known and storage.get_user_by_email(db, email):
            password, role = known[email]
        else:
            password = generate_password()
            existing = storage.get_user_by_email(db, email)
            if existing:
                storage.set_password_hash(db, existing["id"], hash_password(password))
            else:
                create_user(
                    db, email=email, password=password, role=role, display_name=name, confirmed=True
                )
        out.append((email, password, role))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(f"{e}\t{p}\t{r}\n" for e, p, r in out))
    return out


def member_role(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> str | None:
    """Return the user's role at this clinic (owner | editor), or None."""
    return storage.member_role(db, clinic_id, user_id)


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    """Return a user's row, or None."""
    return storage.get_user(db, user_id)


def get_listing_request(db: sqlite_utils.Database, request_id: int) -> dict | None:
    """Return a new-listing request (with the requester's e-mail), or None."""
    return storage.get_listing_request(db, request_id)


def get_ownership_request(db: sqlite_utils.Database, request_id: int) -> dict | None:
    """Return an ownership request (with the requester's e-mail), or None."""
    return storage.get_ownership_request(db, request_id)
