"""Signed, expiring tokens for links in e-mails and for rescued form drafts.

Each purpose has its own salt, so a token made for one purpose is worthless for another.
"""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

# purpose -> maximum age in seconds
PURPOSES = {
    "confirm-email": 3 * 24 * 3600,
    "reset-password": 3600,
    "invite": 7 * 24 * 3600,
    "draft": 7 * 24 * 3600,
    "editor-base": 30 * 24 * 3600,
    "confirm-experience": 3 * 24 * 3600,  # a patient's address, for their experience (#17)
}


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(secret_key, salt=f"vetted.{purpose}")


def make_token(secret_key: str, purpose: str, payload: Any) -> str:
    """Sign payload for one purpose."""
    return _serializer(secret_key, purpose).dumps(payload)


def read_token(secret_key: str, purpose: str, token: str | None) -> Any | None:
    """Return the payload of a valid, unexpired token for this purpose, else None."""
    if not token or len(token) > 100_000:
        return None
    try:
        return _serializer(secret_key, purpose).loads(token, max_age=PURPOSES[purpose])
    except (BadData, UnicodeError, ValueError):
        return None


def password_fingerprint(password_hash: str | None) -> str:
    """Return a short digest of the password hash: binds reset links to the current password."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]
