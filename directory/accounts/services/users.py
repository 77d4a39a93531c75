"""Users: create, register, confirm the address, authenticate, set and change passwords."""

from __future__ import annotations

import functools
import secrets

import sqlite_utils

from directory.accounts import storage
from directory.accounts.passwords import MAX_LENGTH, MIN_LENGTH, check_password, hash_password
from directory.accounts.services.errors import AccountError
from directory.accounts.tokens import password_fingerprint
from directory.events import record_event

ROLES = ("clinic", "moderator", "admin")
# The languages an account's e-mails can be written in (the site's languages).
LANGUAGES = ("en", "ar", "fr")


def record_user_event(
    db: sqlite_utils.Database, user_id: int, action: str, *, actor: str | None = None, **details
) -> None:
    """Record an event about an account (by the user unless actor): before, after, reason."""
    record_event(
        db,
        actor=actor or f"user:{user_id}",
        action=action,
        target_type="user",
        target_id=str(user_id),
        **details,
    )


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return why this password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
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
    language: str | None = None,
) -> int:
    """Create an account; return its id."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if language is not None and language not in LANGUAGES:
        raise AccountError(f"language must be one of {', '.join(LANGUAGES)}")
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
            language=language,
        )
        record_user_event(
            db, user_id, "user.created", actor=actor, after={"email": email, "role": role}
        )
    return user_id


def register_clinic_user(
    db: sqlite_utils.Database, *, email: str, password: str, language: str | None = None
) -> int | None:
    """Create an unconfirmed clinic account; return its id, or None if the address is taken.

    language is the one the registration page was read in (its e-mails will be written in
    it). The caller answers the same way in both cases, so the form does not reveal who has an
    account; it mails the address either a confirmation link or a "you already have one" note.
    """
    if storage.get_user_by_email(db, email):
        return None
    try:
        return create_user(
            db, email=email, password=password, role="clinic", actor="web", language=language
        )
    except AccountError:
        # Lost a race with another registration of the same address.
        return None


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    """Return the user row, or None."""
    return storage.get_user(db, user_id)


def active_user(db: sqlite_utils.Database, email: str) -> dict | None:
    """Return the enabled account with this address, or None."""
    user = storage.get_user_by_email(db, email)
    return user if user is not None and not user["disabled"] else None


def user_for_reset(db: sqlite_utils.Database, user_id: int, fingerprint: str | None) -> dict | None:
    """Return the enabled user a reset link was made for, or None once the link is spent.

    The link names the password hash it was made against, so it works until the password
    changes.
    """
    user = storage.get_user(db, user_id)
    if user is None or user["disabled"]:
        return None
    return user if fingerprint == password_fingerprint(user["password_hash"]) else None


def is_confirmed(user: dict) -> bool:
    """Tell whether the user's address is confirmed."""
    return bool(user.get("email_confirmed_at"))


def confirm_email(db: sqlite_utils.Database, user_id: int, email: str) -> bool:
    """Confirm the user's address if it is still the one the link was sent to."""
    user = storage.get_user(db, user_id)
    if user is None or user["email"] != email.strip().lower() or user["disabled"]:
        return False
    if not user["email_confirmed_at"]:
        with db.atomic():
            storage.confirm_email(db, user_id)
            record_user_event(db, user_id, "user.email_confirmed", after={"email": user["email"]})
    return True


@functools.cache
def _dummy_hash() -> str:
    # Checking a password costs the same whether or not the account exists (no timing oracle).
    return hash_password(secrets.token_urlsafe(16))


def authenticate(db: sqlite_utils.Database, email: str, password: str) -> dict | None:
    """Return the user row when email and password match an active account, else None."""
    user = storage.get_user_by_email(db, email) if len(email) <= 254 else None
    if len(password) > MAX_LENGTH:
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
        record_user_event(db, user_id, action, actor=actor)


def change_password(
    db: sqlite_utils.Database, user_id: int, current_password: str, new_password: str
) -> dict:
    """Change a password after checking the current one; return the updated user row."""
    user = storage.get_user(db, user_id)
    if user is None or not check_password(user["password_hash"], current_password):
        raise AccountError("That is not your current password.")
    set_password(db, user_id, new_password, actor=f"user:{user_id}", action="user.password_changed")
    return storage.get_user(db, user_id)


def set_language(db: sqlite_utils.Database, user_id: int, language: str) -> None:
    """Choose the language of an account's e-mails (and of its pages when nothing else says)."""
    if language not in LANGUAGES:
        raise AccountError(f"language must be one of {', '.join(LANGUAGES)}")
    with db.atomic():
        before = storage.get_user(db, user_id)
        if before is None:
            raise LookupError(user_id)
        storage.set_language(db, user_id, language)
        record_user_event(
            db,
            user_id,
            "user.language_changed",
            before={"language": before.get("language")},
            after={"language": language},
        )


def end_sessions(
    db: sqlite_utils.Database, user_id: int, *, actor: str | None = None, reason: str | None = None
) -> None:
    """End every session and "remember me" cookie of the account, on the server.

    A copied session cookie names the account's session nonce; a new nonce makes the user
    loader refuse it. With an actor, the ledger says who ended them and why (logging out
    does not fill the ledger).
    """
    with db.atomic():
        storage.rotate_session_nonce(db, user_id)
        if actor is not None:
            record_user_event(db, user_id, "user.sessions_ended", actor=actor, reason=reason)


def change_role(db: sqlite_utils.Database, email: str, role: str, *, actor: str) -> bool:
    """Give the account with this address another role, ending its sessions; say if it changed."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with db.atomic():
        user = storage.get_user_by_email(db, email)
        if user is None:
            raise AccountError(f"there is no account for {email.strip().lower()}")
        if user["role"] == role:
            return False
        storage.set_role(db, user["id"], role)
        record_user_event(
            db,
            user["id"],
            "user.role_changed",
            actor=actor,
            before={"role": user["role"]},
            after={"role": role},
        )
    return True
