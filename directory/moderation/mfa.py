"""The second factor for moderators and admins: TOTP codes and single-use recovery codes.

Recovery codes carry 80 random bits, so a plain SHA-256 at rest cannot be reversed by brute
force and a code can be found by its hash in one query (a slow salted hash would force us to
try every stored code on every attempt).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from datetime import UTC, datetime, timedelta

import pyotp
import qrcode
import qrcode.image.svg
import sqlite_utils

from directory.accounts.passwords import MAX_LENGTH, check_password
from directory.accounts.services import end_sessions, get_user, record_user_event
from directory.moderation import storage

ISSUER = "Vetted"
STEP_SECONDS = 30
MAX_FAILURES = 5
LOCK_MINUTES = 15
RECOVERY_CODES = 10
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"

OK, RECOVERY_OK, WRONG, REUSED, LOCKED = "ok", "recovery", "wrong", "reused", "locked"
NOT_ENROLLED, WRONG_PASSWORD = "not_enrolled", "wrong_password"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(text: str) -> str:
    """Return an SVG QR code of text, as markup to place inline (no Pillow needed)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration: it is not allowed inside an HTML document.
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)


def code_at(secret: str, now: float) -> str:
    """Return the TOTP code for the step containing now (tests use it as the app would)."""
    return pyotp.TOTP(secret).generate_otp(int(now // STEP_SECONDS))


def matching_step(secret: str, code: str, now: float) -> int | None:
    """Return the time step whose code equals code, trying one step either side of now."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    found = None
    for step in (current - 1, current, current + 1):
        # Compare every candidate so timing does not tell which step matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Return fresh recovery codes like 'k7q2-mx4d-9zpa-hh3e' (80 random bits each)."""
    out = []
    for _ in range(count):
        raw = "".join(secrets.choice(_BASE32) for _ in range(16))
        out.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return out


def normalise_recovery_code(code: str) -> str:
    return re.sub(r"[^a-z2-7]", "", (code or "").lower())


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def is_enrolled(db: sqlite_utils.Database, user_id: int) -> bool:
    return storage.get_factor(db, user_id) is not None


def _replace_recovery_codes(db: sqlite_utils.Database, user_id: int) -> list[str]:
    """Store fresh recovery codes (hashed) in place of the old ones; return them in clear."""
    codes = new_recovery_codes()
    storage.replace_recovery_codes(db, user_id, [hash_recovery_code(c) for c in codes])
    return codes


def enrol(
    db: sqlite_utils.Database, user_id: int, secret: str, code: str, *, now: float | None = None
) -> list[str] | None:
    """Store the secret if code proves the app holds it; return the new recovery codes."""
    now = time.time() if now is None else now
    step = matching_step(secret, code, now)
    if step is None:
        return None
    with db.atomic():
        storage.save_factor(db, user_id, secret)
        storage.record_factor_success(db, user_id, step)
        codes = _replace_recovery_codes(db, user_id)
        record_user_event(db, user_id, "mfa.enrolled")
    return codes


def reset_factor(
    db: sqlite_utils.Database, user_id: int, *, actor: str, reason: str | None = None
) -> bool:
    """Remove a user's second factor and recovery codes, and end every session of theirs.

    For a lost phone: the person logs in again and enrols afresh. Returns whether there was
    a factor to remove.
    """
    with db.atomic():
        had = storage.get_factor(db, user_id) is not None
        storage.delete_factor(db, user_id)
        end_sessions(db, user_id)
        record_user_event(db, user_id, "mfa.reset", actor=actor, reason=reason)
    return had


def regenerate_recovery_codes(db: sqlite_utils.Database, user_id: int) -> list[str]:
    with db.atomic():
        codes = _replace_recovery_codes(db, user_id)
        record_user_event(db, user_id, "mfa.recovery_codes_replaced")
    return codes


def codes_left(db: sqlite_utils.Database, user_id: int) -> int:
    """Return how many unused recovery codes the user has."""
    return storage.count_recovery_codes(db, user_id)


def lock_end(db: sqlite_utils.Database, user_id: int, *, now: float | None = None) -> datetime:
    """Return when the user's locked factor opens again (now when it is not locked)."""
    now = time.time() if now is None else now
    factor = storage.get_factor(db, user_id) or {}
    return locked_until(factor, now) or datetime.fromtimestamp(now, UTC)


def locked_until(factor: dict, now: float) -> datetime | None:
    """Return when the lock ends, or None when the factor is not locked at now."""
    raw = factor.get("locked_until")
    if not raw:
        return None
    until = datetime.fromisoformat(raw)
    return until if until.timestamp() > now else None


def _usable_factor(
    db: sqlite_utils.Database, user_id: int, now: float
) -> tuple[dict | None, str | None]:
    """Return the user's factor, or why it cannot be used at now (NOT_ENROLLED or LOCKED)."""
    factor = storage.get_factor(db, user_id)
    if factor is None:
        return None, NOT_ENROLLED
    if locked_until(factor, now) is not None:
        return None, LOCKED
    return factor, None


def check(db: sqlite_utils.Database, user_id: int, code: str, *, now: float | None = None) -> str:
    """Check a TOTP or recovery code; return OK, RECOVERY_OK, WRONG, REUSED, LOCKED, NOT_ENROLLED.

    Five wrong codes lock the factor for LOCK_MINUTES. A TOTP code is accepted one step early
    or late, and never twice; a recovery code works once.
    """
    now = time.time() if now is None else now
    factor, refusal = _usable_factor(db, user_id, now)
    if refusal:
        return refusal
    step = matching_step(factor["secret"], code, now)
    if step is not None and storage.record_factor_success(db, user_id, step):
        return OK
    if step is None and normalise_recovery_code(code) and len(normalise_recovery_code(code)) == 16:
        if storage.use_recovery_code(db, user_id, hash_recovery_code(code)):
            storage.record_factor_success(db, user_id, None)
            record_user_event(
                db, user_id, "mfa.recovery_code_used", after={"left": codes_left(db, user_id)}
            )
            return RECOVERY_OK
    if _count_failure(db, user_id, now):
        return LOCKED
    return WRONG if step is None else REUSED


def _count_failure(db: sqlite_utils.Database, user_id: int, now: float) -> bool:
    """Count one failed proof against the factor; say whether it is now locked."""
    lock = (datetime.fromtimestamp(now, UTC) + timedelta(minutes=LOCK_MINUTES)).replace(
        microsecond=0
    )
    count = storage.record_factor_failure(
        db, user_id, max_failures=MAX_FAILURES, lock_until=lock.isoformat()
    )
    if count >= MAX_FAILURES:
        record_user_event(db, user_id, "mfa.locked", after={"until": lock.isoformat()})
        return True
    return False


def prove_identity(
    db: sqlite_utils.Database, user_id: int, password: str, code: str, *, now: float | None = None
) -> str:
    """Check the password and a current code (or a recovery code) before a factor is replaced.

    Returns OK, RECOVERY_OK, WRONG_PASSWORD, WRONG, REUSED, LOCKED or NOT_ENROLLED. A wrong
    password counts towards the factor's lock like a wrong code, and is checked first, so a
    code is neither spent nor judged for someone who does not know the password.
    """
    now = time.time() if now is None else now
    _, refusal = _usable_factor(db, user_id, now)
    if refusal:
        return refusal
    user = get_user(db, user_id)
    password = password or ""
    if (
        user is None
        or len(password) > MAX_LENGTH
        or not check_password(user["password_hash"], password)
    ):
        return LOCKED if _count_failure(db, user_id, now) else WRONG_PASSWORD
    return check(db, user_id, code, now=now)
