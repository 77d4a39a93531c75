"""Logging in without locking anyone out: a growing delay per address, and one-time links.

Wrong passwords for one address are counted in the database (so every worker sees the same
count). A few are free; after that each attempt must wait longer than the one before (two
seconds, then four, ... at most fifteen minutes), and an attempt that comes too soon is
refused before the password is looked at. The count is taken *before* the password is
checked, inside a write lock, so parallel attempts cannot all slip through as free ones; a
correct password clears it. Refused attempts do not lengthen the wait.

The owner is never locked out: a login link sent by e-mail always works, whatever the count.
The address typed is counted whether or not it has an account, so the delay says nothing
about who has one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from directory.accounts import storage
from directory.accounts.services.users import active_user, authenticate

FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
# A run of failures this old is forgotten: a typo next month starts from nothing.
FORGET_AFTER = timedelta(hours=24)
LINK_LIFETIME = timedelta(minutes=30)
# At most this many login links per account in LINK_WINDOW; the ones already sent still work.
LINKS_PER_WINDOW, LINK_WINDOW = 5, timedelta(hours=1)


def delay_after(failures: int) -> timedelta:
    """Return how long the next attempt waits after this many failures in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES + 1, 20)  # 2**20 s is past the cap already
    return min(MAX_DELAY, timedelta(seconds=2**doublings))


def _stamp(moment: datetime) -> str:
    # Always with microseconds, so stored times compare correctly as text.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _key(email: str) -> str:
    return (email or "").strip().lower()[:254]


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: the user, or how long to wait before another."""

    user: dict | None
    wait: timedelta = timedelta(0)

    @property
    def throttled(self) -> bool:
        return self.wait > timedelta(0)


def _reserve(db: sqlite_utils.Database, email: str, now: datetime) -> timedelta:
    """Count an attempt before its password is checked; return the wait if it comes too soon."""
    with db.atomic():
        row = storage.reserve_login_row(db, email, _stamp(now))
        blocked = row["blocked_until"]
        if blocked and blocked > _stamp(now):
            return datetime.fromisoformat(blocked) - now
        stale = row["last_attempt_at"] < _stamp(now - FORGET_AFTER)
        failures = (0 if stale else row["failures"]) + 1
        wait = delay_after(failures)
        storage.save_login_row(
            db,
            email,
            failures=failures,
            blocked_until=_stamp(now + wait) if wait else None,
            now=_stamp(now),
        )
        storage.prune_login_rows(db, _stamp(now - FORGET_AFTER))
    return timedelta(0)


def attempt_login(
    db: sqlite_utils.Database, email: str, password: str, *, now: datetime | None = None
) -> LoginResult:
    """Check a login unless the address must wait; a correct password clears its failures."""
    now = now or datetime.now(UTC)
    key = _key(email)
    wait = _reserve(db, key, now)
    if wait:
        return LoginResult(None, wait)
    user = authenticate(db, email, password)
    if user is not None:
        storage.clear_login_row(db, key)
    return LoginResult(user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_login_link(
    db: sqlite_utils.Database, email: str, *, now: datetime | None = None
) -> tuple[dict, str] | None:
    """Make a one-time login link for an active account; return (user, token) to mail.

    None when there is no such account, or it was sent LINKS_PER_WINDOW links within the hour
    (those still work: the newest is in its mailbox). The caller answers the same either way.
    """
    now = now or datetime.now(UTC)
    user = active_user(db, _key(email))
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    with db.atomic():
        if storage.count_login_links(db, user["id"], _stamp(now - LINK_WINDOW)) >= LINKS_PER_WINDOW:
            return None
        storage.insert_login_link(
            db, _hash(token), user["id"], now=_stamp(now), expires_at=_stamp(now + LINK_LIFETIME)
        )
    return user, token


def login_link_user(
    db: sqlite_utils.Database, token: str, *, now: datetime | None = None
) -> dict | None:
    """Return the active user an unused, unexpired login link is for (it stays unused)."""
    if not token or len(token) > 200:
        return None
    link = storage.find_login_link(db, _hash(token), _stamp(now or datetime.now(UTC)))
    user = storage.get_user(db, link["user_id"]) if link else None
    return user if user is not None and not user["disabled"] else None


def use_login_link(
    db: sqlite_utils.Database, token: str, *, now: datetime | None = None
) -> dict | None:
    """Spend a login link (once) and return its user, clearing the address's failures.

    Opening the link proves the mailbox, so it confirms the address too.
    """
    now = now or datetime.now(UTC)
    user = login_link_user(db, token, now=now)
    if user is None:
        return None
    with db.atomic():
        if not storage.spend_login_link(db, _hash(token), _stamp(now)):
            return None
        storage.clear_login_row(db, user["email"])
        storage.confirm_email(db, user["id"])
    return storage.get_user(db, user["id"])
